using HexEmu.Domain.State;

namespace HexEmu.Domain.Time;

/// <summary>
/// The machine's virtual clock (ARCHITECTURE.md §2). Under -icount it is
/// <c>bias + (icount &lt;&lt; shift)</c> nanoseconds: the bias only grows when an idle CPU warps to
/// the next timer deadline, or when the shift changes (so that time stays continuous). Without
/// -icount it is whatever host time the host last fed in, never going backwards.
/// </summary>
public sealed class MachineClock : IVirtualClock
{
    public const string StateSection = "clock";
    public const ushort StateVersion = 1;

    private readonly Func<long> _icount;
    private long _biasNs;
    private long _hostNs;

    /// <param name="icount">The CPU's retired-instruction count, read on every clock query.</param>
    public MachineClock(TimeMode mode, Func<long> icount)
    {
        Mode = mode;
        _icount = icount;
        Shift = mode is TimeMode.InstructionCounted ic ? ic.Shift : 0;
    }

    public TimeMode Mode { get; }

    public bool CountsInstructions => Mode is TimeMode.InstructionCounted;

    /// <summary>Nanoseconds per instruction, as a power of two (icount modes only).</summary>
    public int Shift { get; private set; }

    public long NowNs => CountsInstructions ? _biasNs + (_icount() << Shift) : _hostNs;

    /// <summary>
    /// How many instructions run before virtual time reaches <paramref name="deadlineNs"/>
    /// (at least one, so a run always makes progress); only meaningful when counting instructions.
    /// </summary>
    public long InstructionsUntil(long deadlineNs)
    {
        long ns = deadlineNs - NowNs;
        if (ns <= 0) return 1;
        long step = 1L << Shift;
        return (ns + step - 1) >> Shift;
    }

    /// <summary>An idle CPU skips <paramref name="ns"/> of virtual time (icount modes).</summary>
    public void Warp(long ns)
    {
        if (ns > 0) _biasNs += ns;
    }

    /// <summary>shift=auto: a new rate from now on, with no jump in virtual time.</summary>
    public void ChangeShift(int shift)
    {
        if (shift is < 0 or > TimeMode.InstructionCounted.MaxShift) throw new ArgumentOutOfRangeException(nameof(shift));
        long now = NowNs;
        Shift = shift;
        _biasNs = now - (_icount() << shift);
    }

    /// <summary>Without -icount: the host's monotonic time since power-on. Earlier values are ignored.</summary>
    public void SyncHostTime(long hostNs)
    {
        if (hostNs > _hostNs) _hostNs = hostNs;
    }

    public void SaveState(StateWriter w)
    {
        w.BeginSection(StateSection, StateVersion);
        w.WriteI64(_biasNs);
        w.WriteI64(_hostNs);
        w.WriteU8((byte)Shift);
        w.EndSection();
    }

    public void LoadState(StateReader r)
    {
        AtomicLoad.Section(r, StateSection, StateVersion, SaveState, s =>
        {
            s.ExpectLength(17);
            _biasNs = s.ReadI64();
            _hostNs = s.ReadI64();
            int shift = s.ReadU8();
            if (shift > TimeMode.InstructionCounted.MaxShift) throw new StateFormatException($"clock shift {shift} is out of range");
            Shift = shift;
        });
    }
}
