namespace HexEmu.Domain.Devices.Apic;

/// <summary>
/// The APIC timer (SDM vol. 3, 10.5.4) on virtual time. As in QEMU the counter's input clock is
/// 1 GHz of virtual time (one virtual nanosecond; one instruction at -icount shift=0) through
/// the divide configuration's 1–128 divider. Writing the initial count starts counting down
/// from it; reaching zero requests the timer LVT's vector and, in periodic mode, reloads the
/// initial count. Everything is kept as "this count at that instant", so the current count and
/// the next expiry are computed, never ticked.
/// </summary>
public sealed partial class LocalApic
{
    private uint _initialCount;
    private uint _divideConfig;
    /// <summary>The count at <see cref="_baseNs"/>, from which it counts down.</summary>
    private uint _countAtBase;
    private long _baseNs;
    /// <summary>When the count next reaches zero (virtual ns), or -1 while it is stopped at zero.</summary>
    private long _nextExpiryNs = -1;

    /// <summary>Divide configuration bits 0, 1 and 3 (SDM vol. 3, figure 10-10).</summary>
    private const uint DivideWritable = 0xB;

    private bool Periodic => (_lvt[LvtTimer] & LvtTimerPeriodic) != 0;

    /// <summary>log2 of the divider: 000b → 2, 001b → 4, … 110b → 128, 111b → 1.</summary>
    private int DivideShift
    {
        get
        {
            uint code = (_divideConfig & 3) | ((_divideConfig >> 1) & 4);
            return (int)((code + 1) & 7);
        }
    }

    /// <summary>The next expiry that can interrupt: none while the timer entry is masked or the APIC is off.</summary>
    public long? NextDeadlineNs =>
        _nextExpiryNs >= 0 && GloballyEnabled && (_lvt[LvtTimer] & LvtMasked) == 0 ? _nextExpiryNs : null;

    /// <summary>
    /// Handles the expiries up to <paramref name="nowNs"/>: at most one interrupt is requested (an
    /// IRR bit holds one), a periodic timer moves on to its next expiry after now, a one-shot
    /// timer stops at zero. An expiry while the entry is masked requests nothing.
    /// </summary>
    public void AdvanceTo(long nowNs)
    {
        if (_nextExpiryNs < 0 || nowNs < _nextExpiryNs) return;
        uint lvt = _lvt[LvtTimer];
        if ((lvt & LvtMasked) == 0 && GloballyEnabled) Accept((int)(lvt & 0xFF), levelTriggered: false);
        if (Periodic && _initialCount != 0)
        {
            long period = (long)_initialCount << DivideShift;
            _nextExpiryNs += ((nowNs - _nextExpiryNs) / period + 1) * period;
        }
        else
        {
            _nextExpiryNs = -1;
        }
    }

    /// <summary>The current count register at <paramref name="nowNs"/>.</summary>
    private uint CurrentCount(long nowNs)
    {
        if (_nextExpiryNs < 0) return 0;
        long ticks = (nowNs - _baseNs) >> DivideShift;
        if (ticks < _countAtBase) return (uint)(_countAtBase - ticks);
        if (!Periodic || _initialCount == 0) return 0;
        long sinceReload = ticks - _countAtBase;
        return (uint)(_initialCount - sinceReload % _initialCount);
    }

    /// <summary>Writing the initial count (re)starts the countdown from it; zero stops the timer.</summary>
    private void WriteInitialCount(uint value)
    {
        _initialCount = value;
        StartCountdown(value, _clock.NowNs);
    }

    private void StartCountdown(uint count, long nowNs)
    {
        _countAtBase = count;
        _baseNs = nowNs;
        _nextExpiryNs = count == 0 ? -1 : nowNs + ((long)count << DivideShift);
    }

    private void WriteDivideConfig(uint value) => RebaseTimer(() => _divideConfig = value & DivideWritable);

    /// <summary>
    /// A change of divider or mode while counting: the count goes on from where it is now under the
    /// new setting (the part of a tick already elapsed is dropped); a stopped timer stays stopped.
    /// </summary>
    private void RebaseTimer(Action change)
    {
        long now = _clock.NowNs;
        uint count = CurrentCount(now);
        change();
        if (_nextExpiryNs >= 0) StartCountdown(count, now);
    }

    private void ResetTimer()
    {
        _initialCount = _divideConfig = _countAtBase = 0;
        _baseNs = 0;
        _nextExpiryNs = -1;
    }
}
