using System.Text;
using HexEmu.Application.Ports;

namespace HexEmu.Application.Tests.Monitor;

/// <summary>An in-memory chardev: tests queue input bytes and read back everything written.</summary>
internal sealed class FakeCharBackend : ICharBackend
{
    private readonly Queue<byte> _input = new();
    private readonly List<byte> _output = [];

    /// <summary>When set, TryRead hands out at most this many bytes per call (input arriving in pieces).</summary>
    public int ChunkSize { get; set; } = int.MaxValue;

    public string Id => "compat_monitor0";
    public string Description => "stdio";
    public int FlushCount { get; private set; }

    public event Action? InputAvailable;

    public void Type(string text) => Type(Encoding.Latin1.GetBytes(text));

    public void Type(byte[] bytes)
    {
        foreach (byte b in bytes)
            _input.Enqueue(b);
        InputAvailable?.Invoke();
    }

    /// <summary>Everything written so far, as Latin-1 text (byte for byte), and forgets it.</summary>
    public string TakeOutput()
    {
        string text = Encoding.Latin1.GetString(_output.ToArray());
        _output.Clear();
        return text;
    }

    public byte[] TakeOutputBytes()
    {
        byte[] bytes = [.. _output];
        _output.Clear();
        return bytes;
    }

    public int PendingInput => _input.Count;

    /// <summary>When set, writes are dropped (for inputs whose echo is huge and beside the point).</summary>
    public bool DiscardOutput { get; set; }

    public void Write(ReadOnlySpan<byte> data)
    {
        if (!DiscardOutput)
            _output.AddRange(data.ToArray());
    }

    public int TryRead(Span<byte> buffer)
    {
        int n = 0;
        while (n < buffer.Length && n < ChunkSize && _input.Count > 0)
            buffer[n++] = _input.Dequeue();
        return n;
    }

    public void Flush() => FlushCount++;

    public void Dispose()
    {
    }
}
