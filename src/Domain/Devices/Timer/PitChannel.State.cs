using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Timer;

/// <summary>One counter's saved state, written inside the <see cref="Pit8254"/> section.</summary>
public sealed partial class PitChannel
{
    internal const int StateBytes = 49;

    internal void Save(StateWriter w)
    {
        w.WriteU8(_control);
        w.WriteU16(_countRegister);
        w.WriteI32(_initialCount);
        w.WriteU8((byte)_phase);
        w.WriteI64(_startTick);
        w.WriteI32(_startValue);
        w.WriteBool(_terminalReached);
        w.WriteI32(_heldValue);
        w.WriteBool(_heldOut);
        w.WriteBool(_hasPending);
        w.WriteI32(_pendingCount);
        w.WriteI64(_pendingTick);
        w.WriteBool(_untransferred);
        w.WriteBool(_gate);
        w.WriteBool(_writeHighNext);
        w.WriteBool(_readHighNext);
        w.WriteU16(_outputLatch);
        w.WriteU8(_latchedBytes);
        w.WriteBool(_latchedHighNext);
        w.WriteBool(_statusLatched);
        w.WriteU8(_statusLatch);
    }

    /// <summary>Reads what <see cref="Save"/> wrote; the caller restores the old state if this throws.</summary>
    internal void Load(SectionReader r)
    {
        _control = r.ReadU8();
        if ((_control & 0xC0) != 0 || (_control & 0x30) == 0)
            throw new StateFormatException($"section '{r.Name}': control word 0x{_control:x2}");
        _countRegister = r.ReadU16();
        _initialCount = ReadCount(r);
        if (_initialCount == 0) throw new StateFormatException($"section '{r.Name}': initial count 0 (65536 is stored as 65536)");
        var phase = (Phase)r.ReadU8();
        if (phase > Phase.AwaitingTrigger) throw new StateFormatException($"section '{r.Name}': counter phase {(byte)phase}");
        _phase = phase;
        _startTick = r.ReadI64();
        _startValue = ReadCount(r);
        _terminalReached = r.ReadBool();
        _heldValue = ReadCount(r);
        _heldOut = r.ReadBool();
        _hasPending = r.ReadBool();
        _pendingCount = ReadCount(r);
        _pendingTick = r.ReadI64();
        _untransferred = r.ReadBool();
        _gate = r.ReadBool();
        _writeHighNext = r.ReadBool();
        _readHighNext = r.ReadBool();
        _outputLatch = r.ReadU16();
        _latchedBytes = r.ReadU8();
        if (_latchedBytes > 2) throw new StateFormatException($"section '{r.Name}': {_latchedBytes} latched bytes");
        _latchedHighNext = r.ReadBool();
        _statusLatched = r.ReadBool();
        _statusLatch = r.ReadU8();
    }

    private static int ReadCount(SectionReader r)
    {
        int value = r.ReadI32();
        if (value is < 0 or > 0x10000) throw new StateFormatException($"section '{r.Name}': count {value}");
        return value;
    }
}
