using System.Buffers.Binary;
using System.Text;

namespace HexEmu.Domain.Replay;

/// <summary>
/// Reads log bytes (layout: <see cref="ReplayLogFormat"/>) back into a header and events. The
/// header is read and checked by the constructor; events one at a time by <see cref="TryReadNext"/>,
/// which hands out every complete event before damage and raises only when asked for the event
/// that is damaged. Every failure is a one-line <see cref="ReplayLogException"/> naming the byte
/// offset (and the icount once events have started); a corrupt length never allocates more than
/// the bytes actually present, and every read makes progress, so a bad log cannot hang it.
/// </summary>
public sealed class ReplayLogDecoder
{
    private const int BufferSize = 64 * 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly IReplayByteSource _source;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _position;
    private int _length;
    private bool _sourceEnded;
    private uint _crc = Crc32.Start;
    private long _crcStart;
    private string? _error;
    private bool _finished;

    /// <summary>Reads the header from <paramref name="source"/>; throws <see cref="ReplayLogException"/> if it is not a valid header.</summary>
    public ReplayLogDecoder(IReplayByteSource source)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        Header = ReadHeader();
        HeaderLength = Offset;
        _crcStart = Offset;
        _crc = Crc32.Start;
    }

    public ReplayHeader Header { get; }

    /// <summary>How many bytes the header takes (the first event's offset).</summary>
    public long HeaderLength { get; }

    /// <summary>The offset of the next byte to read.</summary>
    public long Offset { get; private set; }

    /// <summary>The icount reached so far (the last event's, or later after a trailing instruction count).</summary>
    public long Icount { get; private set; }

    /// <summary>The byte offset at which the last event returned starts (its instruction count, if any, comes before).</summary>
    public long LastEventOffset { get; private set; }

    /// <summary>How many events have been returned.</summary>
    public long EventCount { get; private set; }

    /// <summary>True once the end event has been read: the recording finished normally.</summary>
    public bool SawEnd { get; private set; }

    /// <summary>Decodes a whole log in memory: the header and every event; throws at the first damage.</summary>
    public static (ReplayHeader Header, List<ReplayEvent> Events) DecodeAll(ReadOnlyMemory<byte> log)
    {
        var decoder = new ReplayLogDecoder(new MemoryReplayByteSource(log));
        var events = new List<ReplayEvent>();
        while (decoder.TryReadNext(out var e)) events.Add(e!);
        return (decoder.Header, events);
    }

    /// <summary>
    /// The next event, or false at the end of the log (after the end event, or at an event boundary
    /// where the bytes stop: a recording that was killed). Throws <see cref="ReplayLogException"/>
    /// at damage, and again on every later call.
    /// </summary>
    public bool TryReadNext(out ReplayEvent? e)
    {
        e = null;
        if (_error is not null) throw new ReplayLogException(_error);
        if (_finished) return false;
        try
        {
            e = ReadEvent();
            if (e is null)
            {
                _finished = true;
                return false;
            }
            EventCount++;
            return true;
        }
        catch (ReplayLogException ex)
        {
            _error = ex.Message;
            throw;
        }
    }

    private ReplayEvent? ReadEvent()
    {
        while (true)
        {
            long start = Offset;
            if (!Ensure(1)) return null;
            if (SawEnd) throw Damaged(start, "there are bytes after the end event");
            byte id = Consume(1)[0];
            switch (id)
            {
                case ReplayLogFormat.EventInstruction:
                {
                    uint count = BinaryPrimitives.ReadUInt32BigEndian(Need(start, 4, "instruction count"));
                    long limit = ReplayLogFormat.MaxIcount(Header.Shift);
                    if (count > limit - Icount)
                        throw Damaged(start, $"an instruction count of {count} takes icount past {limit}, the most shift {Header.Shift} allows");
                    Icount += count;
                    if (!Ensure(1)) throw Truncated("the log ends after an instruction count, without the event it precedes");
                    continue;
                }
                case ReplayLogFormat.EventAsync:
                {
                    var head = Need(start, 6, "serial input event");
                    byte kind = head[0];
                    if (kind != ReplayLogFormat.AsyncCharRead)
                        throw Damaged(start, $"asynchronous event kind {kind} is not one this log uses (only {ReplayLogFormat.AsyncCharRead}, character read)");
                    int port = head[1];
                    uint length = BinaryPrimitives.ReadUInt32BigEndian(head[2..]);
                    if (length > ReplayLogFormat.MaxSerialDataBytes)
                        throw Damaged(start + 3, $"serial input event at offset {start} declares {length} data bytes, more than the {ReplayLogFormat.MaxSerialDataBytes} a log event may carry");
                    byte[] data = ReadArray(start, (int)length, "serial input event");
                    return Returned(start, new SerialInputEvent(Icount, port, data));
                }
                case >= ReplayLogFormat.EventShutdown and <= ReplayLogFormat.EventShutdownLast:
                {
                    int exitCode = BinaryPrimitives.ReadInt32BigEndian(Need(start, 4, "shutdown event"));
                    return Returned(start, new ShutdownEvent(Icount, (ShutdownCause)(id - ReplayLogFormat.EventShutdown), exitCode));
                }
                case ReplayLogFormat.EventClockHost:
                    return Returned(start, new HostClockEvent(Icount, BinaryPrimitives.ReadInt64BigEndian(Need(start, 8, "host clock event"))));
                case ReplayLogFormat.EventClockVirtualRt:
                    return Returned(start, new IdleWarpEvent(Icount, BinaryPrimitives.ReadInt64BigEndian(Need(start, 8, "idle warp event"))));
                case ReplayLogFormat.EventCheckpoint:
                    return Returned(start, ReadCheckpoint(start));
                case ReplayLogFormat.EventEnd:
                    SawEnd = true;
                    return Returned(start, new EndEvent(Icount));
                default:
                    throw Damaged(start, $"unknown event id 0x{id:X2}");
            }
        }
    }

    private CheckpointEvent ReadCheckpoint(long start)
    {
        var body = Need(start, 9, "checkpoint event");
        byte kind = body[0];
        if (kind is not (ReplayLogFormat.CheckpointStateDigest or ReplayLogFormat.CheckpointFullStateDigest))
            throw Damaged(start, $"checkpoint kind 0x{kind:X2} is not one this log uses (0x{ReplayLogFormat.CheckpointStateDigest:X2} and 0x{ReplayLogFormat.CheckpointFullStateDigest:X2}, state digests)");
        ulong digest = BinaryPrimitives.ReadUInt64BigEndian(body[1..]);
        uint computed = Crc32.Finish(_crc);
        long coveredEnd = Offset;
        uint recorded = BinaryPrimitives.ReadUInt32BigEndian(Need(start, 4, "checkpoint event"));
        if (recorded != computed)
            throw new ReplayLogException(
                $"replay log damaged between offsets {_crcStart} and {coveredEnd} (icount {Icount}): the checkpoint at offset {start} records CRC-32 0x{recorded:X8}, the bytes give 0x{computed:X8}");
        _crc = Crc32.Start;
        _crcStart = Offset;
        return new CheckpointEvent(Icount, digest, recorded, IncludesRam: kind == ReplayLogFormat.CheckpointFullStateDigest);
    }

    private ReplayEvent Returned(long start, ReplayEvent e)
    {
        LastEventOffset = start;
        return e;
    }

    private ReplayHeader ReadHeader()
    {
        if (!Ensure(4)) throw HeaderTruncated("the version id");
        uint version = BinaryPrimitives.ReadUInt32BigEndian(Consume(4));
        if (version != ReplayLogFormat.Version)
            throw new ReplayLogException(
                $"replay log version {ReplayLogFormat.FormatVersion(version)} is unknown to this build (it reads {ReplayLogFormat.FormatVersion(ReplayLogFormat.Version)}), at offset 0");
        long shiftOffset = Offset;
        uint shift = HeaderUInt32("the icount shift");
        if (shift > Time.TimeMode.InstructionCounted.MaxShift)
            throw HeaderDamaged(shiftOffset, $"icount shift {shift} is out of range (0-{Time.TimeMode.InstructionCounted.MaxShift})");
        string fingerprint = HeaderString("the machine fingerprint");
        long countOffset = Offset;
        uint count = HeaderUInt32("the image count");
        if (count > ReplayLogFormat.MaxImages)
            throw HeaderDamaged(countOffset, $"{count} images is more than the {ReplayLogFormat.MaxImages} a log may name");
        var images = new List<ImageIdentity>((int)count);
        for (int i = 0; i < count; i++)
            images.Add(new ImageIdentity(HeaderString($"image {i + 1}'s role"), HeaderString($"image {i + 1}'s name"), HeaderString($"image {i + 1}'s SHA-256")));
        uint computed = Crc32.Finish(_crc);
        long crcOffset = Offset;
        uint recorded = HeaderUInt32("the header CRC");
        if (recorded != computed)
            throw new ReplayLogException(
                $"replay log header damaged between offsets 0 and {crcOffset}: it records CRC-32 0x{recorded:X8}, the bytes give 0x{computed:X8}");
        return new ReplayHeader((int)shift, fingerprint, images);
    }

    private uint HeaderUInt32(string what)
    {
        if (!Ensure(4)) throw HeaderTruncated(what);
        return BinaryPrimitives.ReadUInt32BigEndian(Consume(4));
    }

    private string HeaderString(string what)
    {
        long start = Offset;
        uint length = HeaderUInt32(what);
        if (length > ReplayLogFormat.MaxStringBytes)
            throw HeaderDamaged(start, $"{what} is said to be {length} bytes long, more than the {ReplayLogFormat.MaxStringBytes} a log string may have");
        byte[] bytes = ReadArrayOrNull((int)length) ?? throw HeaderTruncated(what);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw HeaderDamaged(start + 4, $"{what} is not valid UTF-8");
        }
    }

    /// <summary>The next <paramref name="count"/> bytes of the event that started at <paramref name="start"/>, or a truncation error.</summary>
    private ReadOnlySpan<byte> Need(long start, int count, string what)
    {
        if (!Ensure(count)) throw Truncated($"the {what} at offset {start} is incomplete");
        return Consume(count);
    }

    private byte[] ReadArray(long start, int length, string what) =>
        ReadArrayOrNull(length) ?? throw Truncated($"the {what} at offset {start} declares {length} data bytes, but the log ends first");

    /// <summary>
    /// <paramref name="length"/> bytes, or null if the data ends first. The array grows with the
    /// bytes that actually arrive, so a corrupt length costs no more memory than the log holds.
    /// </summary>
    private byte[]? ReadArrayOrNull(int length)
    {
        var result = new byte[Math.Min(length, BufferSize)];
        int filled = 0;
        while (filled < length)
        {
            if (!Ensure(1)) return null;
            int n = Math.Min(length - filled, _length - _position);
            if (filled + n > result.Length) Array.Resize(ref result, (int)Math.Min(length, Math.Max((long)result.Length * 2, filled + n)));
            Consume(n).CopyTo(result.AsSpan(filled));
            filled += n;
        }
        return result;
    }

    /// <summary>True when at least <paramref name="count"/> (≤ the buffer size) bytes are buffered; false if the data ends first.</summary>
    private bool Ensure(int count)
    {
        if (_length - _position >= count) return true;
        if (_position > 0)
        {
            Array.Copy(_buffer, _position, _buffer, 0, _length - _position);
            _length -= _position;
            _position = 0;
        }
        while (_length < count && !_sourceEnded)
        {
            int n = _source.Read(_buffer.AsSpan(_length));
            if (n <= 0) _sourceEnded = true;
            else _length += n;
        }
        return _length >= count;
    }

    private ReadOnlySpan<byte> Consume(int count)
    {
        var span = _buffer.AsSpan(_position, count);
        _crc = Crc32.Update(_crc, span);
        _position += count;
        Offset += count;
        return span;
    }

    private ReplayLogException Damaged(long offset, string detail) =>
        new($"replay log damaged at offset {offset} (icount {Icount}): {detail}");

    private ReplayLogException Truncated(string detail) =>
        new($"replay log truncated at offset {Offset + (_length - _position)} (icount {Icount}): {detail}");

    private ReplayLogException HeaderDamaged(long offset, string detail) =>
        new($"replay log header damaged at offset {offset}: {detail}");

    private ReplayLogException HeaderTruncated(string what) =>
        new($"replay log header truncated at offset {Offset + (_length - _position)}: it ends before {what}");
}
