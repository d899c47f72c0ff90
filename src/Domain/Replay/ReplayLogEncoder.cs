using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace HexEmu.Domain.Replay;

/// <summary>
/// Turns a header and events, in icount order, into log bytes (layout: <see cref="ReplayLogFormat"/>).
/// Stateful: it remembers the previous event's icount (icount is written as the instruction count
/// since then) and the CRC of the bytes since the last checkpoint, which it writes into the next
/// <see cref="CheckpointEvent"/> in place of the caller's <see cref="CheckpointEvent.LogCrc"/>.
/// Misuse (events out of order, after the end, with out-of-range fields) is a programming error
/// and throws <see cref="ArgumentException"/> or <see cref="InvalidOperationException"/>.
/// </summary>
public sealed class ReplayLogEncoder
{
    private readonly int _shift;
    private uint _crc = Crc32.Start;
    private bool _ended;

    public ReplayLogEncoder(ReplayHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (header.Shift is < 0 or > Time.TimeMode.InstructionCounted.MaxShift)
            throw new ArgumentOutOfRangeException(nameof(header), $"icount shift {header.Shift} is out of range");
        _shift = header.Shift;
        HeaderBytes = EncodeHeader(header);
    }

    /// <summary>The complete header, CRC included: the first bytes of the log.</summary>
    public byte[] HeaderBytes { get; }

    /// <summary>The icount of the last event encoded (0 before any).</summary>
    public long Icount { get; private set; }

    /// <summary>The whole log for <paramref name="header"/> and <paramref name="events"/>.</summary>
    public static byte[] EncodeLog(ReplayHeader header, IEnumerable<ReplayEvent> events)
    {
        var encoder = new ReplayLogEncoder(header);
        var output = new ArrayBufferWriter<byte>();
        output.Write(encoder.HeaderBytes);
        foreach (var e in events) encoder.Encode(e, output);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Appends <paramref name="e"/> (preceded by the instruction count it needs) to <paramref name="output"/>.</summary>
    public void Encode(ReplayEvent e, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (_ended) throw new InvalidOperationException("no event may follow the end event");
        if (e.Icount < Icount)
            throw new ArgumentException($"event at icount {e.Icount} arrives after one at icount {Icount}: events must be in icount order", nameof(e));
        if (e.Icount > ReplayLogFormat.MaxIcount(_shift))
            throw new ArgumentOutOfRangeException(nameof(e), $"icount {e.Icount} is beyond what shift {_shift} can express");
        Validate(e);

        for (long gap = e.Icount - Icount; gap > 0; gap -= uint.MaxValue)
        {
            var instructions = Take(output, 5);
            instructions[0] = ReplayLogFormat.EventInstruction;
            BinaryPrimitives.WriteUInt32BigEndian(instructions[1..], (uint)Math.Min(gap, uint.MaxValue));
            Commit(output, instructions);
        }
        Icount = e.Icount;

        switch (e)
        {
            case SerialInputEvent s:
            {
                var span = Take(output, 7 + s.Data.Length);
                span[0] = ReplayLogFormat.EventAsync;
                span[1] = ReplayLogFormat.AsyncCharRead;
                span[2] = (byte)s.Port;
                BinaryPrimitives.WriteUInt32BigEndian(span[3..], (uint)s.Data.Length);
                s.Data.CopyTo(span[7..]);
                Commit(output, span);
                break;
            }
            case ShutdownEvent d:
            {
                var span = Take(output, 5);
                span[0] = (byte)(ReplayLogFormat.EventShutdown + (byte)d.Cause);
                BinaryPrimitives.WriteInt32BigEndian(span[1..], d.ExitCode);
                Commit(output, span);
                break;
            }
            case HostClockEvent h:
                WriteIdAndInt64(output, ReplayLogFormat.EventClockHost, h.UnixSeconds);
                break;
            case IdleWarpEvent w:
                WriteIdAndInt64(output, ReplayLogFormat.EventClockVirtualRt, w.Nanoseconds);
                break;
            case CheckpointEvent c:
            {
                var covered = Take(output, 10);
                covered[0] = ReplayLogFormat.EventCheckpoint;
                covered[1] = c.IncludesRam ? ReplayLogFormat.CheckpointFullStateDigest : ReplayLogFormat.CheckpointStateDigest;
                BinaryPrimitives.WriteUInt64BigEndian(covered[2..], c.StateDigest);
                Commit(output, covered);
                var crc = Take(output, 4);
                BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.Finish(_crc));
                output.Advance(4);
                _crc = Crc32.Start;
                break;
            }
            case EndEvent:
            {
                var span = Take(output, 1);
                span[0] = ReplayLogFormat.EventEnd;
                Commit(output, span);
                _ended = true;
                break;
            }
            default:
                throw new ArgumentException($"{e.GetType().Name} has no place in the replay log", nameof(e));
        }
    }

    private static void Validate(ReplayEvent e)
    {
        switch (e)
        {
            case SerialInputEvent s when s.Port is < 0 or > byte.MaxValue:
                throw new ArgumentOutOfRangeException(nameof(e), $"serial port {s.Port} does not fit the log's port byte");
            case SerialInputEvent s when s.Data.Length > ReplayLogFormat.MaxSerialDataBytes:
                throw new ArgumentOutOfRangeException(nameof(e), $"{s.Data.Length} bytes of serial input in one event exceed {ReplayLogFormat.MaxSerialDataBytes}");
            case ShutdownEvent d when d.Cause is < ShutdownCause.None or > ShutdownCause.SnapshotLoad:
                throw new ArgumentOutOfRangeException(nameof(e), $"shutdown cause {(int)d.Cause} has no QEMU number");
        }
    }

    private void WriteIdAndInt64(IBufferWriter<byte> output, byte id, long value)
    {
        var span = Take(output, 9);
        span[0] = id;
        BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
        Commit(output, span);
    }

    private static Span<byte> Take(IBufferWriter<byte> output, int length) => output.GetSpan(length)[..length];

    private void Commit(IBufferWriter<byte> output, Span<byte> written)
    {
        _crc = Crc32.Update(_crc, written);
        output.Advance(written.Length);
    }

    private static byte[] EncodeHeader(ReplayHeader header)
    {
        var output = new ArrayBufferWriter<byte>();
        WriteUInt32(output, ReplayLogFormat.Version);
        WriteUInt32(output, (uint)header.Shift);
        WriteString(output, header.MachineFingerprint, "machine fingerprint");
        if (header.Images.Count > ReplayLogFormat.MaxImages)
            throw new ArgumentOutOfRangeException(nameof(header), $"{header.Images.Count} images exceed {ReplayLogFormat.MaxImages}");
        WriteUInt32(output, (uint)header.Images.Count);
        foreach (var image in header.Images)
        {
            WriteString(output, image.Role, "image role");
            WriteString(output, image.Name, "image name");
            WriteString(output, image.Sha256, "image SHA-256");
        }
        WriteUInt32(output, Crc32.Compute(output.WrittenSpan));
        return output.WrittenSpan.ToArray();
    }

    private static void WriteUInt32(ArrayBufferWriter<byte> output, uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), value);
        output.Advance(4);
    }

    private static void WriteString(ArrayBufferWriter<byte> output, string value, string what)
    {
        ArgumentNullException.ThrowIfNull(value);
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        if (bytes.Length > ReplayLogFormat.MaxStringBytes)
            throw new ArgumentOutOfRangeException(nameof(value), $"{what} is {bytes.Length} bytes long, more than {ReplayLogFormat.MaxStringBytes}");
        WriteUInt32(output, (uint)bytes.Length);
        output.Write(bytes);
    }
}
