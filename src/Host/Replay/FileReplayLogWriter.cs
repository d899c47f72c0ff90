using System.Buffers;
using HexEmu.Application.Ports;
using HexEmu.Domain.Replay;

namespace HexEmu.Host.Replay;

/// <summary>
/// Records a replay log to a file. The header is written and handed to the OS at creation, so the
/// file is a valid (empty) log from then on and nothing is ever patched later; events are encoded
/// into memory by <see cref="Append"/> and handed to the OS by <see cref="Flush"/>. Bytes the OS
/// holds survive the process being killed (SIGKILL), so a killed recording keeps every event up to
/// its last flush; no fsync, which would only matter for a host crash. Not thread-safe: one
/// thread (the machine's) appends and flushes.
/// </summary>
public sealed class FileReplayLogWriter : IReplayLogWriter
{
    /// <summary>Pending bytes beyond this are handed to the OS without waiting for <see cref="Flush"/>.</summary>
    private const int AutoFlushBytes = 1 << 20;

    private readonly FileStream _file;
    private readonly ReplayLogEncoder _encoder;
    private readonly ArrayBufferWriter<byte> _pending = new(4096);
    private long _flushedBytes;
    private bool _disposed;

    /// <summary>Creates (or truncates) <paramref name="path"/> and writes the header; throws <see cref="ReplayLogFileException"/> if it cannot.</summary>
    public FileReplayLogWriter(string path, ReplayHeader header)
    {
        Path = path;
        _encoder = new ReplayLogEncoder(header);
        try
        {
            _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ReplayLogFileException.For("create", path, e);
        }
        try
        {
            _file.Write(_encoder.HeaderBytes);
            _file.Flush();
            _flushedBytes = _encoder.HeaderBytes.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _file.Dispose();
            throw ReplayLogFileException.For("write", path, e);
        }
    }

    public string Path { get; }

    /// <summary>The log's size once everything appended is flushed: header and events, in bytes.</summary>
    public long BytesWritten => _flushedBytes + _pending.WrittenCount;

    /// <summary>The icount of the last event appended.</summary>
    public long Icount => _encoder.Icount;

    public void Append(ReplayEvent e)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _encoder.Encode(e, _pending);
        if (_pending.WrittenCount >= AutoFlushBytes) Flush();
    }

    public void Flush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pending.WrittenCount == 0) return;
        try
        {
            _file.Write(_pending.WrittenSpan);
            _file.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ReplayLogFileException.For("write", Path, e);
        }
        _flushedBytes += _pending.WrittenCount;
        _pending.Clear();
    }

    public void Dispose()
    {
        if (_disposed) return;
        try
        {
            Flush();
        }
        finally
        {
            _disposed = true;
            _file.Dispose();
        }
    }
}
