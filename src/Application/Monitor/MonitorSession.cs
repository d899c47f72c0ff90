using System.Text;
using HexEmu.Application.Ports;

namespace HexEmu.Application.Monitor;

/// <summary>
/// The monitor on a character backend: it edits input lines as QEMU's readline does (echo and Tab
/// completion included),
/// runs each finished line through the <see cref="MonitorInterpreter"/>, and writes the output and the
/// next prompt, every '\n' sent as "\r\n" as QEMU's monitor does.
/// <para>
/// Threading: the session never starts work on its own. The machine thread calls <see cref="Open"/> once
/// (or, on a mux, <see cref="FocusIn"/>/<see cref="FocusOut"/> as the focus moves) and then
/// <see cref="Poll"/> between slices and while the guest is paused (for instance when the backend's
/// InputAvailable woke it); so the target is only ever touched on the machine thread.
/// </para>
/// </summary>
public sealed class MonitorSession
{
    private readonly ICharBackend _backend;
    private readonly LineEditor _editor;
    private readonly List<byte> _echo = new(256);
    private readonly byte[] _input = new byte[512];
    private bool _opened;

    /// <summary>A session with its own interpreter over <paramref name="target"/>.</summary>
    public MonitorSession(ICharBackend backend, IMonitorTarget target)
        : this(backend, new MonitorInterpreter(target))
    {
    }

    public MonitorSession(ICharBackend backend, MonitorInterpreter interpreter)
    {
        _backend = backend;
        Interpreter = interpreter;
        _editor = new LineEditor(MonitorInterpreter.Prompt, interpreter.Complete);
    }

    public MonitorInterpreter Interpreter { get; }

    /// <summary>True once `quit` ran; the session then ignores further input.</summary>
    public bool QuitRequested => Interpreter.QuitRequested;

    /// <summary>Writes the banner and the first prompt, as QEMU does when the monitor's chardev opens (call again on each new connection).</summary>
    public void Open()
    {
        _opened = true;
        Write(Interpreter.Banner);
        ShowPrompt();
        _backend.Flush();
    }

    /// <summary>
    /// A multiplexed chardev (-nographic, Ctrl-A c) switched to the monitor. The first time, QEMU greets
    /// with the banner and prompt; afterwards it drops any half-typed line and shows a fresh prompt.
    /// </summary>
    public void FocusIn()
    {
        if (!_opened)
        {
            Open();
            return;
        }
        _editor.Clear();
        ShowPrompt();
        _backend.Flush();
    }

    /// <summary>A multiplexed chardev switched away from the monitor: QEMU ends the prompt's line.</summary>
    public void FocusOut()
    {
        if (!_opened)
            return;
        Write("\n");
        _backend.Flush();
    }

    /// <summary>
    /// Reads whatever input has arrived, without waiting, and handles it: echo, line editing, and running
    /// each finished line. Returns true when it consumed any input.
    /// </summary>
    public bool Poll()
    {
        bool consumed = false;
        while (!QuitRequested)
        {
            int count = _backend.TryRead(_input);
            if (count <= 0)
                break;
            consumed = true;
            for (int i = 0; i < count && !QuitRequested; i++)
                Handle(_input[i]);
        }
        if (consumed)
            _backend.Flush();
        return consumed;
    }

    private void Handle(byte b)
    {
        byte[]? line = _editor.Feed(b, _echo);
        WriteEcho();
        if (line is null)
            return;

        string output = Interpreter.Execute(Encoding.UTF8.GetString(line));
        Write(output);
        if (!QuitRequested)
            ShowPrompt();
    }

    private void ShowPrompt()
    {
        Write(MonitorInterpreter.Prompt);
        _editor.PromptShown();
    }

    private void WriteEcho()
    {
        if (_echo.Count == 0)
            return;
        // The echo holds the user's own bytes (possibly UTF-8 sequences): send them back unchanged.
        var bytes = new List<byte>(_echo.Count + 4);
        foreach (byte b in _echo)
        {
            if (b == '\n')
                bytes.Add((byte)'\r');
            bytes.Add(b);
        }
        _echo.Clear();
        _backend.Write(bytes.ToArray());
    }

    private void Write(string text)
    {
        if (text.Length == 0)
            return;
        _backend.Write(Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n")));
    }
}
