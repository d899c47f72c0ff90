using Microsoft.Win32.SafeHandles;

namespace HexEmu.Host.Chardev;

/// <summary>
/// The process's stdin and stdout. A terminal on stdin is put into raw mode while the backend
/// lives (restored at exit and on signals); a pipe or file on stdin is read as a stream and its
/// end stops input. The reader starts when someone first reads or subscribes, so an output-only
/// use (-debugcon stdio) leaves stdin alone.
/// </summary>
public sealed class StdioCharBackend : CharBackendBase
{
    private readonly Stream _input;
    private readonly BufferedStream _output;
    private readonly object _outputLock = new();
    private readonly TerminalRawMode? _terminal;
    private int _readerStarted;
    private bool _outputBroken;

    /// <param name="input">stdin (tests pass their own stream).</param>
    /// <param name="output">stdout.</param>
    /// <param name="terminal">raw mode to restore on dispose, when stdin is a terminal.</param>
    public StdioCharBackend(string id, Stream input, Stream output, TerminalRawMode? terminal = null) : base(id)
    {
        _input = input;
        _output = new BufferedStream(output, 64 * 1024);
        _terminal = terminal;
    }

    /// <summary>The real stdin/stdout; raw mode when stdin is a terminal (<paramref name="allowSignals"/>: Ctrl-C still interrupts).</summary>
    public static StdioCharBackend OpenConsole(string id, bool allowSignals = true)
    {
        if (!OperatingSystem.IsLinux()) return new(id, Console.OpenStandardInput(), Console.OpenStandardOutput());
        // File descriptors 0 and 1 directly: .NET's console streams re-configure a terminal around
        // each read (turning echo back on) and write keypad escape sequences, which a raw serial
        // console must not see.
        return new(id, OpenDescriptor(0, FileAccess.Read), OpenDescriptor(1, FileAccess.Write), TerminalRawMode.TryEnter(allowSignals));
    }

    /// <summary>A closed descriptor (a process started without stdin) reads as an immediate end and swallows output.</summary>
    private static Stream OpenDescriptor(int fd, FileAccess access)
    {
        try
        {
            return new FileStream(new SafeFileHandle(fd, ownsHandle: false), access, 1);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return Stream.Null;
        }
    }

    public override string Description => "stdio";

    /// <summary>Set once stdin has ended (EOF) or failed.</summary>
    public bool InputEnded { get; private set; }

    public override void Write(ReadOnlySpan<byte> data)
    {
        lock (_outputLock)
        {
            if (_outputBroken) return;
            try
            {
                _output.Write(data);
            }
            catch (IOException)
            {
                // stdout closed (EPIPE): drop output as QEMU does, keep the guest running.
                _outputBroken = true;
            }
        }
    }

    public override void Flush()
    {
        lock (_outputLock)
        {
            if (_outputBroken) return;
            try
            {
                _output.Flush();
            }
            catch (IOException)
            {
                _outputBroken = true;
            }
        }
    }

    protected override void OnReaderWanted()
    {
        if (Interlocked.Exchange(ref _readerStarted, 1) != 0) return;
        StartReader($"{Id} stdin reader", ReadLoop);
    }

    private void ReadLoop()
    {
        var buffer = new byte[4096];
        try
        {
            while (!IsDisposed)
            {
                int n = _input.Read(buffer);
                if (n <= 0) break;
                if (!Deliver(buffer.AsSpan(0, n))) break;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // stdin failed: treat as its end.
        }
        InputEnded = true;
    }

    protected override void DisposeCore()
    {
        Flush();
        _terminal?.Dispose();
    }
}
