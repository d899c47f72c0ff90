using HexEmu.Application.Ports;

namespace HexEmu.Host.Chardev;

/// <summary>
/// The input half every backend shares: background threads <see cref="Deliver"/> what they read,
/// <see cref="TryRead"/> never blocks, and <see cref="InputAvailable"/> fires after each arrival
/// (outside any lock, so a handler may read at once).
/// </summary>
public abstract class CharBackendBase(string id) : ICharBackend
{
    private readonly InputQueue _input = new();
    private Action? _inputAvailable;
    private int _disposed;

    public string Id { get; } = id;

    public abstract string Description { get; }

    public event Action? InputAvailable
    {
        add
        {
            lock (_input) _inputAvailable += value;
            OnReaderWanted();
        }
        remove
        {
            lock (_input) _inputAvailable -= value;
        }
    }

    protected bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    public abstract void Write(ReadOnlySpan<byte> data);

    public virtual void Flush()
    {
    }

    public int TryRead(Span<byte> buffer)
    {
        OnReaderWanted();
        return _input.TryDequeue(buffer);
    }

    /// <summary>Hands received bytes to the machine side; false when the backend is closing.</summary>
    protected bool Deliver(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty) return true;
        if (!_input.Enqueue(data)) return false;
        Action? handlers;
        lock (_input) handlers = _inputAvailable;
        handlers?.Invoke();
        return true;
    }

    /// <summary>Called when someone reads or subscribes: backends that read lazily (stdio) start their reader here.</summary>
    protected virtual void OnReaderWanted()
    {
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _input.Close();
        DisposeCore();
        GC.SuppressFinalize(this);
    }

    protected virtual void DisposeCore()
    {
    }

    /// <summary>Starts a background reader thread that must not keep the process alive.</summary>
    protected static Thread StartReader(string name, Action body)
    {
        var thread = new Thread(() => body()) { IsBackground = true, Name = name };
        thread.Start();
        return thread;
    }
}
