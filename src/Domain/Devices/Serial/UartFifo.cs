namespace HexEmu.Domain.Devices.Serial;

/// <summary>
/// A 16-entry FIFO of characters, each with a flag for a received break. The flag travels with
/// its character because the 16550 reports a character's error only when that character reaches
/// the top of the RX FIFO (PC16550D, LSR bits 1–4 "in the FIFO mode").
/// </summary>
internal sealed class UartFifo
{
    public const int Capacity = 16;

    private readonly byte[] _values = new byte[Capacity];
    private readonly bool[] _breaks = new bool[Capacity];
    private int _head;

    public int Count { get; private set; }
    public bool IsEmpty => Count == 0;

    public void Clear()
    {
        Array.Clear(_values);
        Array.Clear(_breaks);
        _head = 0;
        Count = 0;
    }

    /// <summary>Appends a character; the caller checks for room first.</summary>
    public void Push(byte value, bool lineBreak)
    {
        if (Count == Capacity) throw new InvalidOperationException("UART FIFO is full");
        int at = (_head + Count) % Capacity;
        _values[at] = value;
        _breaks[at] = lineBreak;
        Count++;
    }

    public byte Pop()
    {
        if (Count == 0) throw new InvalidOperationException("UART FIFO is empty");
        byte value = _values[_head];
        _values[_head] = 0;
        _breaks[_head] = false;
        _head = (_head + 1) % Capacity;
        Count--;
        return value;
    }

    /// <summary>The character at the top carries a break (false when empty).</summary>
    public bool TopIsBreak => Count > 0 && _breaks[_head];

    public bool AnyBreak
    {
        get
        {
            for (int i = 0; i < Count; i++)
                if (_breaks[(_head + i) % Capacity]) return true;
            return false;
        }
    }

    /// <summary>Entries oldest first, so that a saved FIFO does not depend on where its ring started.</summary>
    public void Save(State.StateWriter w)
    {
        w.WriteU8((byte)Count);
        for (int i = 0; i < Count; i++)
        {
            int at = (_head + i) % Capacity;
            w.WriteU8(_values[at]);
            w.WriteBool(_breaks[at]);
        }
    }

    public void Load(State.SectionReader r)
    {
        int count = r.ReadU8();
        if (count > Capacity) throw new State.StateFormatException($"section '{r.Name}': FIFO holds {count} characters");
        Clear();
        for (int i = 0; i < count; i++)
        {
            byte value = r.ReadU8();
            Push(value, r.ReadBool());
        }
    }
}
