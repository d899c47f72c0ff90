using System.Runtime.InteropServices;

namespace HexEmu.Host.Chardev;

/// <summary>
/// Puts the terminal on stdin into raw mode the way QEMU's stdio chardev does (no echo, no line
/// buffering, no CR/NL translation on input, 8-bit, output processing kept so "\n" still returns
/// the carriage), and guarantees the saved settings come back: on Dispose, at process exit, and
/// on SIGINT/SIGTERM/SIGQUIT/SIGHUP/SIGTSTP (raw mode is re-entered on SIGCONT).
/// Linux only (termios layout and flag values are Linux's); elsewhere nothing changes.
/// </summary>
public sealed class TerminalRawMode : IDisposable
{
    // struct termios on Linux: c_iflag, c_oflag, c_cflag, c_lflag (4 bytes each), c_line, c_cc[32], c_ispeed, c_ospeed.
    private const int TermiosSize = 60;
    private const int IFlag = 0, OFlag = 4, CFlag = 8, LFlag = 12, CcOffset = 17;
    private const int VTIME = 5, VMIN = 6;
    private const uint IGNBRK = 0x1, BRKINT = 0x2, PARMRK = 0x8, ISTRIP = 0x20, INLCR = 0x40, IGNCR = 0x80, ICRNL = 0x100, IXON = 0x400;
    private const uint OPOST = 0x1;
    private const uint CSIZE = 0x30, CS8 = 0x30, PARENB = 0x100;
    private const uint ISIG = 0x1, ICANON = 0x2, ECHO = 0x8, ECHONL = 0x40, IEXTEN = 0x8000;
    private const int TCSANOW = 0;

    private readonly byte[] _saved;
    private readonly byte[] _raw;
    private readonly List<PosixSignalRegistration> _signals = [];
    private int _restored;

    [DllImport("libc", SetLastError = true)]
    private static extern int isatty(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcgetattr(int fd, byte[] termios);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcsetattr(int fd, int actions, byte[] termios);

    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    private TerminalRawMode(byte[] saved, bool allowSignals)
    {
        _saved = saved;
        _raw = (byte[])saved.Clone();
        Update(_raw, IFlag, clear: IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
        Update(_raw, OFlag, set: OPOST);
        Update(_raw, LFlag, clear: ECHO | ECHONL | ICANON | IEXTEN | (allowSignals ? 0 : ISIG));
        Update(_raw, CFlag, clear: CSIZE | PARENB, set: CS8);
        _raw[CcOffset + VMIN] = 1;
        _raw[CcOffset + VTIME] = 0;
        tcsetattr(0, TCSANOW, _raw);

        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        foreach (var signal in (PosixSignal[])[PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT, PosixSignal.SIGHUP, PosixSignal.SIGTSTP])
            _signals.Add(PosixSignalRegistration.Create(signal, _ => RestoreSaved()));
        _signals.Add(PosixSignalRegistration.Create(PosixSignal.SIGCONT, _ =>
        {
            if (Volatile.Read(ref _restored) == 0) tcsetattr(0, TCSANOW, _raw);
        }));
    }

    /// <summary>Whether stdin is a terminal.</summary>
    public static bool StdinIsTerminal => OperatingSystem.IsLinux() && SafeIsatty();

    /// <summary>Enters raw mode when stdin is a terminal; null when it is not (a pipe or file is read as a stream).</summary>
    public static TerminalRawMode? TryEnter(bool allowSignals)
    {
        if (!OperatingSystem.IsLinux() || !StdinIsTerminal) return null;
        var saved = new byte[TermiosSize + 4];
        if (tcgetattr(0, saved) != 0) return null;
        return new TerminalRawMode(saved, allowSignals);
    }

    private static bool SafeIsatty()
    {
        try
        {
            return isatty(0) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static void Update(byte[] termios, int offset, uint clear = 0, uint set = 0)
    {
        uint value = BitConverter.ToUInt32(termios, offset);
        value = (value & ~clear) | set;
        BitConverter.TryWriteBytes(termios.AsSpan(offset), value);
    }

    private void OnProcessExit(object? sender, EventArgs e) => RestoreSaved();

    /// <summary>Puts the saved settings back (SIGTSTP does it too, SIGCONT re-enters raw mode).</summary>
    private void RestoreSaved() => tcsetattr(0, TCSANOW, _saved);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _restored, 1) != 0) return;
        RestoreSaved();
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var registration in _signals) registration.Dispose();
    }
}
