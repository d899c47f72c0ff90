using System.Text;
using HexEmu.Domain.Diagnostics;
using HexEmu.Host.Cli;

namespace HexEmu.Host.Logging;

/// <summary>
/// The `-d` log's destination: the `-D` file, or stderr without one (as QEMU). Buffered, since
/// exec/cpu logging writes at every block; flushed when the machine stops and at exit. Writes
/// come from the machine thread; Flush may come from another (a signal, the monitor), hence the lock.
/// </summary>
public sealed class TextLogSink : ILogSink, IDisposable
{
    private const int BufferBytes = 256 * 1024;

    private readonly TextWriter _writer;
    private readonly object _gate = new();
    private bool _disposed;

    private TextLogSink(TextWriter writer) => _writer = writer;

    /// <summary>A sink appending to <paramref name="stream"/> (left open when <paramref name="leaveOpen"/>).</summary>
    public TextLogSink(Stream stream, bool leaveOpen = false)
        : this(new StreamWriter(stream, new UTF8Encoding(false), BufferBytes, leaveOpen) { AutoFlush = false })
    {
    }

    /// <summary>
    /// The `-D` file, created or truncated (as QEMU), or stderr when <paramref name="path"/> is null.
    /// A file that cannot be opened is a <see cref="CommandLineException"/> with a one-line message.
    /// </summary>
    public static TextLogSink Open(string? path)
    {
        if (path is null) return new TextLogSink(Console.OpenStandardError(), leaveOpen: true);
        try
        {
            return new TextLogSink(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CommandLineException($"-D {path}: cannot open the log file: {e.Message}");
        }
    }

    public void Write(string text)
    {
        lock (_gate)
        {
            if (!_disposed) _writer.Write(text);
        }
    }

    /// <summary>Pushes everything written so far to the file or stderr.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (!_disposed) _writer.Flush();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _writer.Flush();
            _writer.Dispose();
        }
    }
}
