namespace HexEmu.Domain.Devices.Timer;

/// <summary>
/// The counter's register interface (82C54 datasheet, "Programming the 8254", "Read Operations",
/// "Read-Back Command"): the access mode chosen by RW1/RW0, the byte flip-flops of a
/// LSB-then-MSB access, the output latch and the status latch.
/// </summary>
public sealed partial class PitChannel
{
    private const int AccessLsb = 1;
    private const int AccessMsb = 2;
    private const int AccessWord = 3;

    private bool _writeHighNext;    // LSB-then-MSB: the next count byte written is the MSB
    private bool _readHighNext;     // LSB-then-MSB: the next unlatched byte read is the MSB
    private ushort _outputLatch;
    private byte _latchedBytes;     // bytes of _outputLatch still to read (0: not latched)
    private bool _latchedHighNext;
    private bool _statusLatched;
    private byte _statusLatch;

    private int Access => _control >> 4 & 3;

    private void ResetAccess()
    {
        _writeHighNext = false;
        _readHighNext = false;
        _latchedBytes = 0;
        _latchedHighNext = false;
        _statusLatched = false;
    }

    /// <summary>
    /// A control word for this counter with RW ≠ 0: sets access mode, mode and BCD. OUT takes
    /// its initial level (low in mode 0, high otherwise) and the counter waits for a new count;
    /// the byte flip-flops restart with the LSB. Latches already taken stay readable, as in QEMU.
    /// </summary>
    internal void WriteControl(byte controlWord, long tick)
    {
        Settle(tick);
        _heldValue = CountAt(tick);
        _control = (byte)(controlWord & 0x3F);
        _phase = Phase.AwaitingCount;
        _heldOut = Mode != 0;
        _hasPending = false;
        _untransferred = false;
        _terminalReached = false;
        _writeHighNext = false;
        _readHighNext = false;
    }

    /// <summary>Counter latch command (RW = 00): snapshots the count unless a latch is still unread.</summary>
    internal void LatchCount(long tick)
    {
        if (_latchedBytes != 0) return;
        Settle(tick);
        _outputLatch = CurrentRaw(tick);
        _latchedBytes = (byte)(Access == AccessWord ? 2 : 1);
        _latchedHighNext = Access == AccessMsb;
    }

    /// <summary>Read-back with STATUS low: snapshots OUT, null count and the programmed mode unless a status is still unread.</summary>
    internal void LatchStatus(long tick)
    {
        if (_statusLatched) return;
        _statusLatched = true;
        _statusLatch = Status(tick);
    }

    /// <summary>The read-back status byte: OUT (bit 7), NULL COUNT (bit 6, a count written but not yet loaded), RW1–BCD.</summary>
    internal byte Status(long tick)
    {
        Settle(tick);
        bool nullCount = _phase == Phase.AwaitingCount || _hasPending || _untransferred;
        return (byte)((OutAt(tick) ? 0x80 : 0) | (nullCount ? 0x40 : 0) | _control);
    }

    /// <summary>The count as the chip presents it: binary with 65536 reading as 0, or four BCD digits.</summary>
    private ushort CurrentRaw(long tick)
    {
        int count = CountAt(tick);
        return Bcd ? ToBcd(count % 10000) : (ushort)count;
    }

    internal byte ReadByte(long tick)
    {
        if (_statusLatched)
        {
            _statusLatched = false;
            return _statusLatch;
        }
        if (_latchedBytes != 0)
        {
            _latchedBytes--;
            bool high = _latchedHighNext;
            _latchedHighNext = !_latchedHighNext;
            return (byte)(high ? _outputLatch >> 8 : _outputLatch);
        }
        Settle(tick);
        ushort raw = CurrentRaw(tick);
        switch (Access)
        {
            case AccessLsb: return (byte)raw;
            case AccessMsb: return (byte)(raw >> 8);
            default:
                bool highNext = _readHighNext;
                _readHighNext = !_readHighNext;
                return (byte)(highNext ? raw >> 8 : raw);
        }
    }

    internal void WriteByte(byte value, long tick)
    {
        switch (Access)
        {
            case AccessLsb:
                _countRegister = value;
                LoadCount(tick);
                break;
            case AccessMsb:
                _countRegister = (ushort)(value << 8);
                LoadCount(tick);
                break;
            default:
                if (!_writeHighNext)
                {
                    _countRegister = (ushort)((_countRegister & 0xFF00) | value);
                    _writeHighNext = true;
                    // Mode 0: "writing the first byte disables counting. OUT is set low
                    // immediately"; the second byte loads the new count.
                    Settle(tick);
                    if (Mode == 0 && _phase == Phase.Running)
                    {
                        Hold(tick, forceOutHigh: false);
                        _heldOut = false;
                    }
                }
                else
                {
                    _countRegister = (ushort)((_countRegister & 0x00FF) | value << 8);
                    _writeHighNext = false;
                    LoadCount(tick);
                }
                break;
        }
    }
}
