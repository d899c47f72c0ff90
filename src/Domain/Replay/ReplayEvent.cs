namespace HexEmu.Domain.Replay;

/// <summary>
/// One non-deterministic input as the replay log keeps it, stamped with the instruction count at
/// which the guest observes it (ARCHITECTURE.md §2). Everything else the machine does follows
/// from its configuration and these events.
/// </summary>
public abstract record ReplayEvent(long Icount);

/// <summary>Bytes from the host arrived for serial port <paramref name="Port"/> (0 = COM1) and were given to its UART.</summary>
public sealed record SerialInputEvent(long Icount, int Port, byte[] Data) : ReplayEvent(Icount)
{
    public bool Equals(SerialInputEvent? other) =>
        other is not null && Icount == other.Icount && Port == other.Port && Data.AsSpan().SequenceEqual(other.Data);

    public override int GetHashCode() => HashCode.Combine(Icount, Port, Data.Length);
}

/// <summary>The CPU was idle (HLT) and the host let <paramref name="Nanoseconds"/> of virtual time pass.</summary>
public sealed record IdleWarpEvent(long Icount, long Nanoseconds) : ReplayEvent(Icount);

/// <summary>The host clock was read: the RTC's wall-clock time at power-on, seconds since the Unix epoch.</summary>
public sealed record HostClockEvent(long Icount, long UnixSeconds) : ReplayEvent(Icount);

/// <summary>Why the machine stopped or reset, numbered as QEMU's ShutdownCause.</summary>
public enum ShutdownCause : byte
{
    None = 0,
    HostError = 1,
    HostQmpQuit = 2,
    HostQmpSystemReset = 3,
    HostSignal = 4,
    HostUi = 5,
    GuestShutdown = 6,
    GuestReset = 7,
    GuestPanic = 8,
    SubsystemReset = 9,
    SnapshotLoad = 10,
}

/// <summary>
/// The machine shut down or was reset from outside the guest (monitor quit or system_reset,
/// a signal, Ctrl-a x), or the guest asked to exit (isa-debug-exit, recorded so that a replay
/// ends the same way and can check it).
/// </summary>
public sealed record ShutdownEvent(long Icount, ShutdownCause Cause, int ExitCode = 0) : ReplayEvent(Icount);

/// <summary>
/// A periodic check: the digest of CPU and device state at this icount (and of RAM too when
/// <paramref name="IncludesRam"/>: the final checkpoint of a recording), and a CRC of the log
/// bytes since the previous checkpoint. A replay that computes a different digest has diverged.
/// </summary>
public sealed record CheckpointEvent(long Icount, ulong StateDigest, uint LogCrc, bool IncludesRam = false) : ReplayEvent(Icount);

/// <summary>The recording ended normally here.</summary>
public sealed record EndEvent(long Icount) : ReplayEvent(Icount);
