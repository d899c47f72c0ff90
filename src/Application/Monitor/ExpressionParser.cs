namespace HexEmu.Application.Monitor;

/// <summary>
/// HMP's address expressions: 64-bit wrapping integers with QEMU's precedence, loosest first:
/// `+ -`, then `&amp; | ^` (one level, left to right), then `* / %`, then unary `+ - ~`, `( )`,
/// a character `'c'`, a register `$name`, and C numbers (0x hex, leading-0 octal, decimal).
/// Whitespace may follow any token. Parsing stops at the first character that cannot continue the
/// expression; the caller decides whether what is left is extraneous.
/// </summary>
internal sealed class ExpressionParser
{
    private readonly string _text;
    private readonly Func<string, long?> _register;
    private int _pos;

    private ExpressionParser(string text, int start, Func<string, long?> register)
    {
        _text = text;
        _pos = start;
        _register = register;
    }

    /// <summary>Parses one expression starting at <paramref name="pos"/> and advances it past the expression and trailing spaces.</summary>
    /// <exception cref="MonitorCommandException">With QEMU's message for the first error.</exception>
    public static long Parse(string text, ref int pos, Func<string, long?> register)
    {
        var parser = new ExpressionParser(text, pos, register);
        parser.SkipSpaces();
        long value = parser.Sum();
        pos = parser._pos;
        return value;
    }

    private char Current => _pos < _text.Length ? _text[_pos] : '\0';

    private void SkipSpaces()
    {
        while (_pos < _text.Length && char.IsWhiteSpace(_text[_pos]))
            _pos++;
    }

    /// <summary>Consumes the current operator character and the spaces after it.</summary>
    private void Next()
    {
        if (_pos < _text.Length)
            _pos++;
        SkipSpaces();
    }

    private long Sum()
    {
        long value = Logic();
        while (Current is '+' or '-')
        {
            char op = Current;
            Next();
            long right = Logic();
            value = op == '+' ? unchecked(value + right) : unchecked(value - right);
        }
        return value;
    }

    private long Logic()
    {
        long value = Product();
        while (Current is '&' or '|' or '^')
        {
            char op = Current;
            Next();
            long right = Product();
            value = op switch { '&' => value & right, '|' => value | right, _ => value ^ right };
        }
        return value;
    }

    private long Product()
    {
        long value = Unary();
        while (Current is '*' or '/' or '%')
        {
            char op = Current;
            Next();
            long right = Unary();
            if (op == '*')
            {
                value = unchecked(value * right);
            }
            else
            {
                if (right == 0)
                    throw new MonitorCommandException("division by zero");
                // long.MinValue / -1 overflows in .NET; C's int64 arithmetic wraps to the same bits.
                if (right == -1)
                    value = op == '/' ? unchecked(-value) : 0;
                else
                    value = op == '/' ? value / right : value % right;
            }
        }
        return value;
    }

    private long Unary()
    {
        switch (Current)
        {
            case '+':
                Next();
                return Unary();
            case '-':
                Next();
                return unchecked(-Unary());
            case '~':
                Next();
                return ~Unary();
            case '(':
            {
                Next();
                long value = Sum();
                if (Current != ')')
                    throw new MonitorCommandException("')' expected");
                Next();
                return value;
            }
            case '\'':
            {
                if (_pos + 1 >= _text.Length)
                    throw new MonitorCommandException("character constant expected");
                if (_pos + 2 >= _text.Length || _text[_pos + 2] != '\'')
                    throw new MonitorCommandException("missing terminating ' character");
                long value = _text[_pos + 1];
                _pos += 3;
                SkipSpaces();
                return value;
            }
            case '$':
                return RegisterValue();
            case '\0':
                throw new MonitorCommandException("unexpected end of expression");
            default:
                return Number();
        }
    }

    private long RegisterValue()
    {
        int start = ++_pos;
        while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '.'))
            _pos++;
        string name = _text[start.._pos];
        SkipSpaces();
        return _register(name) ?? throw new MonitorCommandException("unknown register");
    }

    /// <summary>A C integer literal as strtoull(…, 0) reads it: "0x1f", "017", "42".</summary>
    private long Number()
    {
        int start = _pos;
        int radix = 10;
        if (Current == '0')
        {
            radix = 8;
            if (_pos + 2 < _text.Length && _text[_pos + 1] is 'x' or 'X' && char.IsAsciiHexDigit(_text[_pos + 2]))
            {
                radix = 16;
                _pos += 2;
            }
        }

        ulong value = 0;
        bool any = false, tooLarge = false;
        while (_pos < _text.Length && DigitValue(_text[_pos], radix) is int digit)
        {
            any = true;
            ulong next = unchecked(value * (ulong)radix + (ulong)digit);
            if (value > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
                tooLarge = true;
            value = next;
            _pos++;
        }

        if (!any)
            throw new MonitorCommandException($"invalid char '{_text[start]}' in expression");
        if (tooLarge)
            throw new MonitorCommandException("number too large");
        SkipSpaces();
        return unchecked((long)value);
    }

    private static int? DigitValue(char c, int radix)
    {
        int v = c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'a' and <= 'f' => c - 'a' + 10,
            >= 'A' and <= 'F' => c - 'A' + 10,
            _ => 99,
        };
        return v < radix ? v : null;
    }
}
