using System.Text;
using HexEmu.Application.Ports;

namespace HexEmu.Host.Chardev;

/// <summary>
/// The monitor's side of a chardev: a small line editor in front of the raw device, as QEMU's
/// monitor readline is. Typed characters are echoed; Backspace/DEL erases, Ctrl-U clears the line,
/// escape sequences (arrow keys) are ignored; Enter (CR, LF or CR LF) echoes a newline and makes
/// the whole line, with a trailing '\n', readable. <see cref="TryRead"/> therefore only ever
/// returns complete lines. Output passes through unchanged.
/// </summary>
public sealed class LineEditingCharBackend : CharBackendBase
{
    private readonly ICharBackend _inner;
    private readonly StringBuilder _line = new();
    private readonly object _lock = new();
    private bool _lastWasCr;
    private int _escapeState;

    public LineEditingCharBackend(ICharBackend inner) : base(inner.Id)
    {
        _inner = inner;
        _inner.InputAvailable += Pump;
    }

    public ICharBackend Inner => _inner;

    public override string Description => _inner.Description;

    public override void Write(ReadOnlySpan<byte> data) => _inner.Write(data);

    public override void Flush() => _inner.Flush();

    private void Pump()
    {
        Span<byte> buffer = stackalloc byte[256];
        lock (_lock)
        {
            int n;
            while ((n = _inner.TryRead(buffer)) > 0)
                foreach (byte b in buffer[..n])
                    Edit(b);
            _inner.Flush();
        }
    }

    private void Edit(byte b)
    {
        bool wasCr = _lastWasCr;
        _lastWasCr = b == '\r';
        if (_escapeState == 1)
        {
            _escapeState = b is (byte)'[' or (byte)'O' ? 2 : 0;
            return;
        }
        if (_escapeState == 2)
        {
            // CSI parameters are digits and ';'; any other byte ends the sequence.
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (byte)';')) _escapeState = 0;
            return;
        }
        switch (b)
        {
            case 0x1B:
                _escapeState = 1;
                break;
            case (byte)'\n' when wasCr:
                break;
            case (byte)'\r' or (byte)'\n':
                Echo("\r\n");
                _line.Append('\n');
                string line = _line.ToString();
                _line.Clear();
                Deliver(Encoding.UTF8.GetBytes(line));
                break;
            case 0x08 or 0x7F:
                if (_line.Length == 0) break;
                _line.Length--;
                Echo("\b \b");
                break;
            case 0x15:
                Echo(string.Concat(Enumerable.Repeat("\b \b", _line.Length)));
                _line.Clear();
                break;
            case >= 0x20 and < 0x7F:
                _line.Append((char)b);
                _inner.Write([b]);
                break;
            // Other control characters are not part of a command line.
        }
    }

    private void Echo(string text) => _inner.Write(Encoding.ASCII.GetBytes(text));

    protected override void DisposeCore()
    {
        _inner.InputAvailable -= Pump;
        _inner.Dispose();
    }
}
