namespace HexEmu.Domain.Replay;

/// <summary>
/// The replay log's byte layout, in one place. The structure follows QEMU's documented replay log
/// (a version id, then 1-byte event ids with big-endian arguments and arrays as a 4-byte length
/// plus bytes) and QEMU 7.2's event numbering (replay-internal.h, log version 0xe0200c) wherever
/// an event has a QEMU counterpart. It is not QEMU's file: the version id is ours and the header
/// carries what a replay must agree with. Any change here must bump <see cref="Version"/>.
/// <code>
/// HEADER (complete from the first write; nothing is patched later)
///   u32  version id            0x48585201 ('H' 'X' 'R', format 1)
///   u32  icount shift          0..10
///   str  machine fingerprint
///   u32  image count           then per image: str role, str name, str sha256 (hex)
///   u32  header CRC-32         of every header byte before it (offset 0 up to here)
///   (str = u32 byte length + UTF-8 bytes; integers big-endian)
///
/// EVENTS (1-byte id, then big-endian arguments)
///   id     QEMU name                     arguments                        our event
///   0x00   EVENT_INSTRUCTION             u32 n: icount += n               (implicit; see below)
///   0x03   EVENT_ASYNC                   u8 kind = 4 (REPLAY_ASYNC_EVENT_CHAR_READ),
///                                        u8 port, u32 len, len bytes      SerialInputEvent
///   0x04+c EVENT_SHUTDOWN + cause c      i32 exit code (ours)             ShutdownEvent (c = ShutdownCause, 0..10)
///   0x16   EVENT_CLOCK + REPLAY_CLOCK_HOST        i64 seconds             HostClockEvent
///   0x17   EVENT_CLOCK + REPLAY_CLOCK_VIRTUAL_RT  i64 nanoseconds         IdleWarpEvent
///   0x18   EVENT_CHECKPOINT              u8 kind = 0x80, or 0x81 when the digest covers RAM
///                                        (ours), u64 state digest, u32 log CRC-32   CheckpointEvent
///   0x21   EVENT_END                     none                             EndEvent
/// </code>
/// icount is not written with each event. As QEMU does, the writer puts an EVENT_INSTRUCTION with
/// the instructions executed since the previous event before any event whose icount is later
/// (several if the gap exceeds a u32); the reader adds them up. The log starts at icount 0.
/// <para>
/// Idle warps: QEMU accounts a warp through CHECKPOINT_CLOCK_WARP_* checkpoints and records the
/// virtual_rt clock's absolute value as EVENT_CLOCK + REPLAY_CLOCK_VIRTUAL_RT. HexEmu's virtual
/// time is icount &lt;&lt; shift plus the warps, so the same event id carries the warp itself
/// (the nanoseconds skipped), which is all a replay needs.
/// </para>
/// <para>
/// Checkpoints: QEMU numbers its checkpoint kinds into the id (EVENT_CHECKPOINT + kind, 0x18..0x20)
/// and gives them no arguments. Ours (a state digest) has no QEMU kind, so it uses the base id with
/// the kind as an argument byte outside QEMU's range, as EVENT_ASYNC does with its kind. The log
/// CRC is the CRC-32 of every byte from the end of the previous checkpoint (or of the header) up
/// to the CRC field itself, so it covers the checkpoint's own id, kind and digest.
/// </para>
/// </summary>
public static class ReplayLogFormat
{
    /// <summary>The version id, the log's first four bytes: 'H' 'X' 'R' and the format number.</summary>
    public const uint Version = 0x48585201;

    public const byte EventInstruction = 0x00;
    public const byte EventAsync = 0x03;
    public const byte EventShutdown = 0x04;
    public const byte EventShutdownLast = EventShutdown + (byte)ShutdownCause.SnapshotLoad;
    public const byte EventClockHost = 0x16;
    public const byte EventClockVirtualRt = 0x17;
    public const byte EventCheckpoint = 0x18;
    public const byte EventEnd = 0x21;

    /// <summary>QEMU's REPLAY_ASYNC_EVENT_CHAR_READ: bytes read from a character device.</summary>
    public const byte AsyncCharRead = 4;

    /// <summary>Our checkpoint kind: a digest of CPU and device state and a log CRC (QEMU's kinds end at 8).</summary>
    public const byte CheckpointStateDigest = 0x80;

    /// <summary>The same with RAM in the digest too (a recording's final checkpoint).</summary>
    public const byte CheckpointFullStateDigest = 0x81;

    /// <summary>Header strings longer than this are damage, not data.</summary>
    public const int MaxStringBytes = 64 * 1024;

    /// <summary>More images than this is damage, not data.</summary>
    public const int MaxImages = 4096;

    /// <summary>One serial input event never carries more than this; a larger length is damage.</summary>
    public const int MaxSerialDataBytes = 16 * 1024 * 1024;

    /// <summary>The largest icount a log may reach: virtual time (icount &lt;&lt; shift, in ns) must fit in 63 bits.</summary>
    public static long MaxIcount(int shift) => long.MaxValue >> shift;

    /// <summary>How the version id reads in messages.</summary>
    public static string FormatVersion(uint version) => $"0x{version:X8}";
}
