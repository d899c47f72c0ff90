using HexEmu.Application.Ports;

namespace HexEmu.Host.Chardev;

/// <summary>
/// QEMU's mux chardev (-nographic, mon:stdio, mux=on): one backend shared by several frontends
/// (serial port, monitor). Output from every frontend goes through; input goes to the frontend
/// that has the focus (the first one at start). Ctrl-a starts a console command:
/// x quits (<see cref="QuitRequested"/>), c moves the focus to the next frontend, h or ? prints
/// the key list, Ctrl-a sends one Ctrl-a; s, b and t are accepted and do nothing here; any other
/// key after Ctrl-a is dropped.
/// </summary>
public sealed class CharMux : IDisposable
{
    public const byte EscapeKey = 0x01;

    private readonly ICharBackend _backend;
    private readonly List<MuxFrontend> _frontends = [];
    private readonly object _lock = new();
    private bool _escapePending;
    private volatile int _focus;

    public CharMux(ICharBackend backend)
    {
        _backend = backend;
        _backend.InputAvailable += Pump;
    }

    /// <summary>Ctrl-a x: the user asked to quit (raised on the input thread; exit status 0 as QEMU).</summary>
    public event Action? QuitRequested;

    /// <summary>Ctrl-a c: the frontend now focused (its index, in the order frontends were added).</summary>
    public event Action<int>? FocusChanged;

    public ICharBackend Backend => _backend;

    /// <summary>Read without the lock: the input thread may hold it while waiting for the machine thread to drain a queue.</summary>
    public int Focus => _focus;

    public IReadOnlyList<MuxFrontend> Frontends
    {
        get { lock (_lock) return _frontends.ToArray(); }
    }

    /// <summary>Adds a frontend (serial port first, then the monitor, as QEMU attaches them).</summary>
    public MuxFrontend AddFrontend()
    {
        lock (_lock)
        {
            var frontend = new MuxFrontend(this, _frontends.Count);
            _frontends.Add(frontend);
            return frontend;
        }
    }

    internal void Write(ReadOnlySpan<byte> data) => _backend.Write(data);

    internal void Flush() => _backend.Flush();

    /// <summary>Drains the shared backend's input through the escape state machine (on the backend's reader thread).</summary>
    private void Pump()
    {
        Span<byte> buffer = stackalloc byte[256];
        lock (_lock)
        {
            int n;
            while ((n = _backend.TryRead(buffer)) > 0)
                foreach (byte b in buffer[..n])
                    Process(b);
        }
    }

    private void Process(byte b)
    {
        if (!_escapePending)
        {
            if (b == EscapeKey)
                _escapePending = true;
            else
                SendToFocus(b);
            return;
        }
        _escapePending = false;
        switch (b)
        {
            case EscapeKey:
                SendToFocus(b);
                break;
            case (byte)'x':
                Print("hexemu: Terminated\r\n");
                _backend.Flush();
                QuitRequested?.Invoke();
                break;
            case (byte)'c':
                if (_frontends.Count == 0) break;
                var old = _frontends[_focus];
                _focus = (_focus + 1) % _frontends.Count;
                old.RaiseFocus(false);
                _frontends[_focus].RaiseFocus(true);
                FocusChanged?.Invoke(_focus);
                break;
            case (byte)'h' or (byte)'?':
                Print(HelpText);
                _backend.Flush();
                break;
            // s (save disk data), b (send break), t (timestamps): not supported, nothing happens.
        }
    }

    private void SendToFocus(byte b)
    {
        if (_frontends.Count > 0) _frontends[_focus].Receive(b);
    }

    private void Print(string text) => _backend.Write(System.Text.Encoding.ASCII.GetBytes(text));

    /// <summary>The key list, laid out as QEMU's (one "C-a key    what" per line).</summary>
    public const string HelpText =
        "\r\n" +
        "C-a h    print this help\r\n" +
        "C-a x    exit emulator\r\n" +
        "C-a s    save disk data back to file (not supported by hexemu)\r\n" +
        "C-a t    toggle console timestamps (not supported by hexemu)\r\n" +
        "C-a b    send break (not supported by hexemu)\r\n" +
        "C-a c    switch between console and monitor\r\n" +
        "C-a C-a  sends C-a\r\n";

    public void Dispose()
    {
        _backend.InputAvailable -= Pump;
        _backend.Dispose();
    }
}

/// <summary>One frontend's view of a <see cref="CharMux"/>: its own input queue, output shared.</summary>
public sealed class MuxFrontend : CharBackendBase
{
    private readonly CharMux _mux;
    private readonly byte[] _one = new byte[1];

    internal MuxFrontend(CharMux mux, int index) : base(mux.Backend.Id)
    {
        _mux = mux;
        Index = index;
    }

    public int Index { get; }

    /// <summary>Raised when this frontend gains (true) or loses (false) the focus; the monitor prints its prompt on gaining it.</summary>
    public event Action<bool>? FocusChanged;

    public bool HasFocus => _mux.Focus == Index;

    public override string Description => "mux";

    public override void Write(ReadOnlySpan<byte> data) => _mux.Write(data);

    public override void Flush() => _mux.Flush();

    internal void Receive(byte b)
    {
        _one[0] = b;
        Deliver(_one);
    }

    internal void RaiseFocus(bool focused) => FocusChanged?.Invoke(focused);
}
