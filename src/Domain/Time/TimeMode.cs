namespace HexEmu.Domain.Time;

/// <summary>How the machine's virtual clock advances (QEMU's -icount, or its absence).</summary>
public abstract record TimeMode
{
    /// <summary>
    /// No -icount: virtual time follows the host's monotonic clock, which the host feeds in
    /// between slices. Fast and natural, but not reproducible.
    /// </summary>
    public sealed record HostPaced : TimeMode;

    /// <summary>
    /// -icount shift=N: every retired instruction is 2^N ns, so time is a pure function of the
    /// instruction count (plus deterministic idle warps). <paramref name="Adaptive"/> (shift=auto)
    /// lets the host retune the shift to track real time; <paramref name="SleepWhenIdle"/>
    /// (sleep=on) makes an idle CPU wait in real time before virtual time warps to the next
    /// timer, so a guest's timers keep wall-clock pace.
    /// </summary>
    public sealed record InstructionCounted(int Shift, bool Adaptive = false, bool SleepWhenIdle = true) : TimeMode
    {
        public const int MaxShift = 10;
        /// <summary>QEMU's starting point for shift=auto.</summary>
        public const int AutoInitialShift = 3;
    }
}
