using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;
using HexEmu.Application.Ports;
using HexEmu.Host.Chardev;

namespace HexEmu.Host.Tests;

/// <summary>Helpers for chardev tests: bounded waits (never sleeps), reading everything a backend received, FIFOs.</summary>
internal static class ChardevTestSupport
{
    public static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(10);

    public static void WaitFor(Func<bool> condition, string what)
    {
        if (!SpinWait.SpinUntil(condition, WaitLimit)) Assert.Fail($"timed out waiting for {what}");
    }

    /// <summary>Collects what a backend receives until <paramref name="expected"/> bytes arrived.</summary>
    public static string ReadText(ICharBackend backend, int expected)
    {
        var received = new List<byte>();
        var buffer = new byte[256];
        WaitFor(() =>
        {
            int n = backend.TryRead(buffer);
            received.AddRange(buffer.AsSpan(0, n).ToArray());
            return received.Count >= expected;
        }, $"{expected} bytes on {backend.Id} (got '{Encoding.ASCII.GetString(received.ToArray())}')");
        return Encoding.ASCII.GetString(received.ToArray());
    }

    public static void Write(ICharBackend backend, string text)
    {
        backend.Write(Encoding.ASCII.GetBytes(text));
        backend.Flush();
    }

    public static string TempPath(string tag) => Path.Combine(Path.GetTempPath(), $"hexemu-{tag}-{Guid.NewGuid():N}");

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, uint mode);

    public static void MakeFifo(string path)
    {
        if (mkfifo(path, 0x180) != 0) throw new IOException($"mkfifo {path} failed: errno {Marshal.GetLastPInvokeError()}");
    }
}

/// <summary>A stdin the test types into, over a real anonymous pipe, and a stdout it can read.</summary>
internal sealed class FakeConsole : IDisposable
{
    private readonly AnonymousPipeServerStream _typing = new(PipeDirection.Out);
    private readonly AnonymousPipeClientStream _stdin;
    private readonly MemoryStream _stdout = new();
    private readonly object _lock = new();

    public FakeConsole()
    {
        _stdin = new AnonymousPipeClientStream(PipeDirection.In, _typing.ClientSafePipeHandle);
        Output = new LockedStream(_stdout, _lock);
    }

    public Stream Input => _stdin;

    public Stream Output { get; }

    public StringWriter Announce { get; } = new();

    public CharHostConsole Host => new((id, _) => new StdioCharBackend(id, Input, Output), Announce);

    public void Type(params byte[] bytes)
    {
        _typing.Write(bytes);
        _typing.Flush();
    }

    public void Type(string text) => Type(Encoding.ASCII.GetBytes(text));

    /// <summary>Ends stdin (EOF).</summary>
    public void CloseInput() => _typing.Dispose();

    public string Printed
    {
        get { lock (_lock) return Encoding.ASCII.GetString(_stdout.ToArray()); }
    }

    public void Dispose()
    {
        _typing.Dispose();
        _stdin.Dispose();
    }

    /// <summary>stdout written by the backend's threads and read by the test.</summary>
    private sealed class LockedStream(MemoryStream inner, object gate) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (gate) inner.Write(buffer, offset, count);
        }
    }
}
