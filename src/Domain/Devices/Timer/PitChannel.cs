namespace HexEmu.Domain.Devices.Timer;

/// <summary>
/// One 8254 counter, modelled from its tick of (re)load rather than tick by tick: the count and
/// OUT at any tick are computed from the tick counting started, so nothing runs between guest
/// accesses. Times are absolute <see cref="PitClock"/> ticks. A new count is taken at the tick
/// it is written (QEMU does the same; the chip takes it on the next CLK edge).
/// Modes follow the Intel 82C54 datasheet, "Mode Definitions".
/// </summary>
public sealed partial class PitChannel
{
    internal enum Phase : byte
    {
        /// <summary>Control word written, no count yet: the counter does not count (datasheet: "Counter is not loaded").</summary>
        AwaitingCount,
        /// <summary>Counting from <see cref="_startTick"/>.</summary>
        Running,
        /// <summary>Counting stopped (gate low, or mode 0 between the two bytes of a new count); count and OUT held.</summary>
        Held,
        /// <summary>Modes 1 and 5: count loaded, waiting for a rising gate edge.</summary>
        AwaitingTrigger,
    }

    private byte _control;          // status bits 5–0: RW1 RW0 M2 M1 M0 BCD, as written
    private ushort _countRegister;  // CR: the count as written (binary or BCD digits)
    private int _initialCount;      // the count in effect, 1..65536 (1..10000 in BCD)
    private Phase _phase;
    private long _startTick;
    private int _startValue;        // modes 0, 1, 4, 5: counter value at _startTick
    private bool _terminalReached;  // modes 0, 1, 4, 5: count reached zero before the last hold
    private int _heldValue;
    private bool _heldOut;
    private bool _hasPending;       // modes 2, 3: a count written mid-cycle, loaded at _pendingTick
    private int _pendingCount;
    private long _pendingTick;
    private bool _untransferred;    // modes 1, 5: count written but not yet loaded by a trigger
    private bool _gate;

    internal PitChannel(bool gate)
    {
        _gate = gate;
        Reset();
    }

    /// <summary>
    /// Power-on state as QEMU's i8254 sets it: mode 3, LSB-then-MSB, count 0 (65536), counting
    /// from tick 0 wherever the gate is high (so IRQ 0 ticks at 18.2 Hz before the BIOS runs).
    /// </summary>
    internal void Reset()
    {
        _control = 0x36;
        _countRegister = 0;
        _initialCount = 0x10000;
        _hasPending = false;
        _untransferred = false;
        _terminalReached = false;
        _heldValue = _initialCount;
        _heldOut = true;
        _startTick = 0;
        _startValue = _initialCount;
        _phase = _gate ? Phase.Running : Phase.Held;
        ResetAccess();
    }

    /// <summary>The counting mode 0–5 (the datasheet's modes 6 and 7 are modes 2 and 3).</summary>
    public int Mode => (_control >> 1 & 7) switch { 6 => 2, 7 => 3, var m => m };
    public bool Bcd => (_control & 1) != 0;
    public bool Gate => _gate;
    private int Modulus => Bcd ? 10000 : 0x10000;

    /// <summary>The count in CR as a number of ticks: 0 is the largest, 65536 (10000 in BCD).</summary>
    private int DecodeCount(ushort raw)
    {
        int value = Bcd ? FromBcd(raw) : raw;
        return value == 0 ? Modulus : value;
    }

    private static int FromBcd(ushort raw) =>
        (raw >> 12 & 0xF) * 1000 + (raw >> 8 & 0xF) * 100 + (raw >> 4 & 0xF) * 10 + (raw & 0xF);

    private static ushort ToBcd(int value) =>
        (ushort)(value / 1000 % 10 << 12 | value / 100 % 10 << 8 | value / 10 % 10 << 4 | value % 10);

    /// <summary>Loads a count written mid-cycle in modes 2 and 3 once its tick has come.</summary>
    internal void Settle(long tick)
    {
        if (!_hasPending || tick < _pendingTick) return;
        _hasPending = false;
        int oldCount = _initialCount;
        long d = _pendingTick - _startTick;
        _initialCount = _pendingCount;
        // Mode 3 takes a new count at the end of the current half-cycle (datasheet, mode 3):
        // after a high half the new count starts with its low half, so start the waveform
        // half a cycle earlier.
        bool endOfHighHalf = Mode == 3 && Mod(d, oldCount) != 0;
        _startTick = endOfHighHalf ? _pendingTick - (_initialCount + 1) / 2 : _pendingTick;
    }

    private static long Mod(long a, long m) => ((a % m) + m) % m;

    /// <summary>The counting element's value (1..65536) at <paramref name="tick"/>.</summary>
    internal int CountAt(long tick)
    {
        if (_phase != Phase.Running) return _heldValue;
        long d = tick - _startTick;
        int n = _initialCount;
        return Mode switch
        {
            2 => n - (int)Mod(d, n),
            3 => n - (int)Mod(2 * d, n),
            _ => (int)Mod(_startValue - d, Modulus),
        };
    }

    /// <summary>OUT at <paramref name="tick"/> (after <see cref="Settle"/>).</summary>
    internal bool OutAt(long tick)
    {
        if (_phase != Phase.Running) return _heldOut;
        long d = tick - _startTick;
        int n = _initialCount;
        return Mode switch
        {
            // Mode 0 (interrupt on terminal count) high from zero on; mode 1 (one-shot) low while counting.
            0 or 1 => _terminalReached || d >= _startValue,
            // Mode 2 (rate generator): low for the one clock the count is 1, high again at reload.
            2 => n == 1 || Mod(d, n) != n - 1,
            // Mode 3 (square wave): high for the first (N+1)/2 counts, low for the rest.
            3 => Mod(d, n) < (n + 1) / 2,
            // Modes 4 and 5 (strobes): low for one clock when the count reaches zero.
            _ => _terminalReached || d != _startValue,
        };
    }

    /// <summary>The first tick after <paramref name="afterTick"/> at which OUT may change, or null if it never will on its own.</summary>
    internal long? NextOutChange(long afterTick)
    {
        if (_phase != Phase.Running) return null;
        long d = afterTick - _startTick;
        int n = _initialCount;
        long? next = Mode switch
        {
            0 or 1 => _terminalReached || d >= _startValue ? null : _startTick + _startValue,
            2 when n == 1 => null,
            2 => Mod(d, n) < n - 1 ? afterTick - Mod(d, n) + n - 1 : afterTick + 1,
            3 when n == 1 => null,
            3 => Mod(d, n) < (n + 1) / 2 ? afterTick - Mod(d, n) + (n + 1) / 2 : afterTick - Mod(d, n) + n,
            _ => _terminalReached || d > _startValue ? null : d < _startValue ? _startTick + _startValue : afterTick + 1,
        };
        if (_hasPending && _pendingTick > afterTick && (next is null || _pendingTick < next)) next = _pendingTick;
        return next;
    }

    /// <summary>Stops counting, keeping the count and OUT (<paramref name="forceOutHigh"/> for modes 2 and 3 with gate low).</summary>
    private void Hold(long tick, bool forceOutHigh)
    {
        _heldValue = CountAt(tick);
        bool outNow = OutAt(tick);
        _terminalReached = Mode is 0 or 1 ? outNow : _terminalReached || tick - _startTick >= _startValue;
        _heldOut = forceOutHigh || outNow;
        _phase = Phase.Held;
    }

    private void StartCounting(long tick, int startValue)
    {
        _phase = Phase.Running;
        _startTick = tick;
        _startValue = startValue;
        _terminalReached = false;
    }

    /// <summary>
    /// The gate input (datasheet, "Gate Operations Summary"): modes 0, 2, 3, 4 count only while
    /// it is high, and modes 2 and 3 force OUT high while it is low; a rising edge restarts
    /// the count in modes 1, 2, 3 and 5.
    /// </summary>
    internal void SetGate(bool high, long tick)
    {
        Settle(tick);
        bool rising = high && !_gate;
        bool falling = !high && _gate;
        _gate = high;
        if (falling && _phase == Phase.Running && Mode is 0 or 2 or 3 or 4)
            Hold(tick, forceOutHigh: Mode is 2 or 3);
        if (!rising || _phase == Phase.AwaitingCount) return;
        switch (Mode)
        {
            case 0 or 4 when _phase == Phase.Held:
                bool terminal = _terminalReached;
                StartCounting(tick, _heldValue);
                _terminalReached = terminal;
                break;
            case 1 or 5:
                _untransferred = false;
                StartCounting(tick, _initialCount);
                break;
            case 2 or 3:
                if (_hasPending)
                {
                    _initialCount = _pendingCount;
                    _hasPending = false;
                }
                StartCounting(tick, _initialCount);
                break;
        }
    }

    /// <summary>A complete new count in CR (datasheet: what each mode does with a count written while counting).</summary>
    private void LoadCount(long tick)
    {
        Settle(tick);
        int n = DecodeCount(_countRegister);
        switch (Mode)
        {
            case 0 or 4:
                // Loaded at once and counting restarts from it; mode 0 OUT goes (or stays) low.
                _initialCount = n;
                if (_gate) StartCounting(tick, n);
                else
                {
                    _phase = Phase.Held;
                    _heldValue = n;
                    _heldOut = Mode == 4;
                    _terminalReached = false;
                }
                break;
            case 1 or 5:
                // Does not disturb a one-shot in progress: the next trigger loads it.
                _initialCount = n;
                _untransferred = true;
                if (_phase != Phase.Running)
                {
                    _phase = Phase.AwaitingTrigger;
                    _heldOut = true;
                }
                break;
            default:
                if (_phase == Phase.Running)
                {
                    // Mode 2: at the end of the current period; mode 3: of the current half-cycle.
                    long d = tick - _startTick;
                    long r = Mod(d, _initialCount);
                    int half = (_initialCount + 1) / 2;
                    _pendingTick = Mode == 2 || r >= half ? tick - r + _initialCount : tick - r + half;
                    _pendingCount = n;
                    _hasPending = true;
                }
                else
                {
                    _initialCount = n;
                    _hasPending = false;
                    if (_gate) StartCounting(tick, n);
                    else
                    {
                        _phase = Phase.Held;
                        _heldValue = n;
                        _heldOut = true;
                    }
                }
                break;
        }
    }
}
