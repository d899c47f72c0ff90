namespace HexEmu.Host.Chardev;

/// <summary>
/// Bytes received by a reader thread, waiting for the machine thread to take them. Bounded: a
/// reader that gets ahead of the guest waits (as QEMU stops reading a chardev whose frontend is
/// full) instead of growing memory without end.
/// </summary>
public sealed class InputQueue
{
    public const int Capacity = 64 * 1024;

    private readonly object _lock = new();
    private readonly byte[] _ring = new byte[Capacity];
    private int _head, _count;
    private bool _closed;

    public int Count
    {
        get { lock (_lock) return _count; }
    }

    /// <summary>Adds all of <paramref name="data"/>, waiting while the queue is full; returns false once closed.</summary>
    public bool Enqueue(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            foreach (byte b in data)
            {
                while (_count == Capacity && !_closed) Monitor.Wait(_lock);
                if (_closed) return false;
                _ring[(_head + _count) % Capacity] = b;
                _count++;
            }
            return true;
        }
    }

    public int TryDequeue(Span<byte> buffer)
    {
        lock (_lock)
        {
            int n = Math.Min(buffer.Length, _count);
            for (int k = 0; k < n; k++)
            {
                buffer[k] = _ring[_head];
                _head = (_head + 1) % Capacity;
            }
            _count -= n;
            if (n > 0) Monitor.PulseAll(_lock);
            return n;
        }
    }

    /// <summary>Releases a waiting producer for good (the backend is being disposed).</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            Monitor.PulseAll(_lock);
        }
    }
}
