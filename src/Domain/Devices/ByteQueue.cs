using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices;

/// <summary>
/// A fixed-size ring of bytes a device has to send (PS/2 keyboard and mouse output). Saved
/// oldest first, so a saved queue does not depend on where its ring happened to start.
/// </summary>
internal sealed class ByteQueue(int capacity)
{
    private readonly byte[] _bytes = new byte[capacity];
    private int _head;

    public int Capacity => _bytes.Length;
    public int Count { get; private set; }

    public void Clear() => _head = Count = 0;

    /// <summary>Appends a byte; the caller checks for room first.</summary>
    public void Enqueue(byte value)
    {
        if (Count == Capacity) throw new InvalidOperationException("device output queue is full");
        _bytes[(_head + Count) % Capacity] = value;
        Count++;
    }

    public byte Dequeue()
    {
        if (Count == 0) throw new InvalidOperationException("device output queue is empty");
        byte value = _bytes[_head];
        _head = (_head + 1) % Capacity;
        Count--;
        return value;
    }

    /// <summary>Writes the count and the bytes, oldest first.</summary>
    public void Save(StateWriter w)
    {
        w.WriteU8((byte)Count);
        for (int i = 0; i < Count; i++) w.WriteU8(_bytes[(_head + i) % Capacity]);
    }

    /// <summary>
    /// Reads what <see cref="Save"/> wrote without changing the queue, so the caller can check
    /// its whole section before committing anything with <see cref="Replace"/>.
    /// </summary>
    public byte[] ReadSaved(SectionReader s)
    {
        int count = s.ReadU8();
        if (count > Capacity) throw new StateFormatException($"section '{s.Name}': {count} queued bytes exceed the queue");
        var bytes = new byte[count];
        s.ReadBytes(bytes);
        return bytes;
    }

    public void Replace(ReadOnlySpan<byte> contents)
    {
        Clear();
        foreach (byte b in contents) Enqueue(b);
    }
}
