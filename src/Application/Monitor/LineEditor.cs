namespace HexEmu.Application.Monitor;

/// <summary>
/// The monitor's line editor, behaving as QEMU's readline does on a terminal: printable bytes insert at
/// the cursor; Backspace/DEL delete before it, ^D and ESC[3~ under it; ^A, ESC[1~, ESC O H go to the start;
/// ^E, ESC[4~, ESC O F to the end; ESC[D and ESC[C move; ESC[A / ESC[B walk the history (64 lines);
/// ^W deletes the word before the cursor; CR and LF each end a line (so CR LF also runs an empty one);
/// Tab completes the word before the cursor from the completer: one candidate is inserted with a space
/// after it, several insert their common prefix and are listed in columns (80 / (longest + 2) per row,
/// each at least 10 wide) before the prompt and line are shown again.
/// <para>
/// The echo is QEMU's too: when the text changes, the cursor goes back to the start of the input
/// (ESC[D per column), the whole input is rewritten and the rest of the screen line cleared (ESC[K);
/// cursor moves are ESC[C / ESC[D. The end of a line echoes '\n'.
/// </para>
/// </summary>
internal sealed class LineEditor
{
    private const int MaxLength = 4095;
    private const int MaxHistory = 64;

    private enum EscapeState { None, Escape, Csi, Ss3 }

    private readonly List<byte> _text = new(128);
    private int _cursor;
    private readonly List<byte> _shown = new(128);
    private int _shownCursor;
    private EscapeState _escape;
    private int _escapeParameter;
    private readonly List<byte[]> _history = [];
    private int _historyEntry = -1;
    private readonly string _prompt;
    private readonly Func<string, LineCompletion>? _completer;

    /// <param name="prompt">Shown again after a completion list.</param>
    /// <param name="completer">Finds the candidates for the text before the cursor; null: Tab does nothing.</param>
    public LineEditor(string prompt = "", Func<string, LineCompletion>? completer = null)
    {
        _prompt = prompt;
        _completer = completer;
    }

    /// <summary>
    /// Takes one input byte, appends its echo to <paramref name="echo"/>, and returns the finished line
    /// (without its end) when the byte ended one.
    /// </summary>
    public byte[]? Feed(byte b, List<byte> echo)
    {
        byte[]? finished = null;
        switch (_escape)
        {
            case EscapeState.None:
                finished = Plain(b, echo);
                break;
            case EscapeState.Escape:
                _escapeParameter = 0;
                _escape = b == '[' ? EscapeState.Csi : b == 'O' ? EscapeState.Ss3 : EscapeState.None;
                break;
            case EscapeState.Csi:
                if (b is >= (byte)'0' and <= (byte)'9')
                {
                    _escapeParameter = Math.Min(_escapeParameter * 10 + (b - '0'), 1000);
                    break;
                }
                Csi(b);
                _escape = EscapeState.None;
                break;
            case EscapeState.Ss3:
                if (b == 'F')
                    _cursor = _text.Count;
                else if (b == 'H')
                    _cursor = 0;
                _escape = EscapeState.None;
                break;
        }
        if (finished is null)
            Redraw(echo);
        return finished;
    }

    /// <summary>Drops the line being typed (QEMU's readline_restart).</summary>
    public void Clear()
    {
        _text.Clear();
        _cursor = 0;
    }

    /// <summary>Forgets what is on the screen, as after a fresh prompt: the next change redraws from the prompt.</summary>
    public void PromptShown()
    {
        _shown.Clear();
        _shownCursor = 0;
        _escape = EscapeState.None;
    }

    private byte[]? Plain(byte b, List<byte> echo)
    {
        switch (b)
        {
            case 1: _cursor = 0; break;                       // ^A
            case 4: DeleteUnderCursor(); break;               // ^D
            case 5: _cursor = _text.Count; break;             // ^E
            case 9: Complete(echo); break;
            case 10:
            case 13:
                return FinishLine(echo);
            case 23: DeleteWordBefore(); break;               // ^W
            case 27: _escape = EscapeState.Escape; break;
            case 8:
            case 127:
                if (_cursor > 0)
                {
                    _cursor--;
                    DeleteUnderCursor();
                }
                break;
            case 155: _escape = EscapeState.Csi; _escapeParameter = 0; break; // 8-bit CSI
            default:
                if (b >= 32 && _text.Count < MaxLength)
                    _text.Insert(_cursor++, b);
                break;
        }
        return null;
    }

    private void Complete(List<byte> echo)
    {
        if (_completer is null)
            return;
        string before = System.Text.Encoding.Latin1.GetString(_text.GetRange(0, _cursor).ToArray());
        var completion = _completer(before);
        var candidates = completion.Candidates;
        if (candidates.Count == 0)
            return;

        if (candidates.Count == 1)
        {
            string only = candidates[0];
            InsertText(only, completion.PrefixLength);
            if (only.Length > 0 && only[^1] != '/')
                InsertText(" ", 0);
            return;
        }

        int common = candidates.Min(c => c.Length);
        foreach (string candidate in candidates)
            common = Math.Min(common, CommonPrefixLength(candidates[0], candidate));
        if (common > 0)
            InsertText(candidates[0][..common], completion.PrefixLength);

        int width = Math.Clamp(candidates.Max(c => c.Length) + 2, 10, 80);
        int columns = 80 / width;
        var listing = new System.Text.StringBuilder("\n");
        for (int i = 0; i < candidates.Count; i++)
        {
            listing.Append(candidates[i].PadRight(width));
            if ((i + 1) % columns == 0 || i == candidates.Count - 1)
                listing.Append('\n');
        }
        listing.Append(_prompt);
        echo.AddRange(System.Text.Encoding.Latin1.GetBytes(listing.ToString()));
        PromptShown();
    }

    private static int CommonPrefixLength(string a, string b)
    {
        int n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n])
            n++;
        return n;
    }

    /// <summary>Inserts <paramref name="text"/> from index <paramref name="from"/> on at the cursor.</summary>
    private void InsertText(string text, int from)
    {
        for (int i = from; i < text.Length && _text.Count < MaxLength; i++)
            _text.Insert(_cursor++, (byte)text[i]);
    }

    private void Csi(byte b)
    {
        switch (b)
        {
            case (byte)'A' or (byte)'F': HistoryUp(); break;
            case (byte)'B' or (byte)'E': HistoryDown(); break;
            case (byte)'D': if (_cursor > 0) _cursor--; break;
            case (byte)'C': if (_cursor < _text.Count) _cursor++; break;
            case (byte)'~':
                if (_escapeParameter == 1) _cursor = 0;
                else if (_escapeParameter == 3) DeleteUnderCursor();
                else if (_escapeParameter == 4) _cursor = _text.Count;
                break;
        }
    }

    private byte[] FinishLine(List<byte> echo)
    {
        byte[] line = [.. _text];
        AddToHistory(line);
        echo.Add((byte)'\n');
        _text.Clear();
        _cursor = 0;
        _shown.Clear();
        _shownCursor = 0;
        return line;
    }

    private void DeleteUnderCursor()
    {
        if (_cursor < _text.Count)
            _text.RemoveAt(_cursor);
    }

    /// <summary>^W: back over spaces, then over the word before them, and delete what was crossed.</summary>
    private void DeleteWordBefore()
    {
        if (_cursor == 0)
            return;
        int start = _cursor - 1;
        while (start > 0 && IsSpace(_text[start]))
            start--;
        while (start > 0)
        {
            if (IsSpace(_text[start]))
            {
                start++;
                break;
            }
            start--;
        }
        _text.RemoveRange(start, _cursor - start);
        _cursor = start;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private void HistoryUp()
    {
        if (_historyEntry == 0 || _history.Count == 0)
            return;
        _historyEntry = (_historyEntry == -1 ? _history.Count : _historyEntry) - 1;
        Replace(_history[_historyEntry]);
    }

    private void HistoryDown()
    {
        if (_historyEntry == -1)
            return;
        if (++_historyEntry < _history.Count)
        {
            Replace(_history[_historyEntry]);
        }
        else
        {
            _historyEntry = -1;
            Replace([]);
        }
    }

    private void Replace(byte[] text)
    {
        _text.Clear();
        _text.AddRange(text);
        _cursor = _text.Count;
    }

    /// <summary>Non-empty lines go to the end of the history; a line already there moves to the end instead of repeating.</summary>
    private void AddToHistory(byte[] line)
    {
        _historyEntry = -1;
        if (line.Length == 0)
            return;
        int existing = _history.FindIndex(h => h.AsSpan().SequenceEqual(line));
        if (existing >= 0)
            _history.RemoveAt(existing);
        else if (_history.Count == MaxHistory)
            _history.RemoveAt(0);
        _history.Add(line);
    }

    /// <summary>Brings the screen in line with the buffer, the way QEMU's readline does (see the class comment).</summary>
    private void Redraw(List<byte> echo)
    {
        if (!_text.SequenceEqual(_shown))
        {
            for (int i = 0; i < _shownCursor; i++)
                echo.AddRange(CursorLeft);
            echo.AddRange(_text);
            echo.AddRange(ClearToEnd);
            _shown.Clear();
            _shown.AddRange(_text);
            _shownCursor = _text.Count;
        }
        for (; _shownCursor < _cursor; _shownCursor++)
            echo.AddRange(CursorRight);
        for (; _shownCursor > _cursor; _shownCursor--)
            echo.AddRange(CursorLeft);
    }

    private static readonly byte[] CursorLeft = "\e[D"u8.ToArray();
    private static readonly byte[] CursorRight = "\e[C"u8.ToArray();
    private static readonly byte[] ClearToEnd = "\e[K"u8.ToArray();
}
