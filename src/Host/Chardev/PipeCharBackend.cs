namespace HexEmu.Host.Chardev;

/// <summary>
/// QEMU's pipe chardev: PATH.in (input) and PATH.out (output) when both exist, else PATH for both
/// directions. Opened read-write as QEMU does, so opening a FIFO never waits for a peer.
/// </summary>
public sealed class PipeCharBackend : CharBackendBase
{
    private readonly FileStream _in;
    private readonly FileStream _out;
    private readonly object _writeLock = new();

    public PipeCharBackend(string id, string path) : base(id)
    {
        string inPath = path + ".in", outPath = path + ".out";
        if (File.Exists(inPath) && File.Exists(outPath))
        {
            _in = OpenReadWrite(inPath);
            try
            {
                _out = OpenReadWrite(outPath);
            }
            catch
            {
                _in.Dispose();
                throw;
            }
        }
        else
        {
            _in = OpenReadWrite(path);
            _out = _in;
        }
        StartReader($"{id} pipe reader", ReadLoop);
    }

    public override string Description => "pipe";

    private static FileStream OpenReadWrite(string path) => CharDeviceErrors.Open(path, () =>
    {
        if (!File.Exists(path)) throw new FileNotFoundException(path);
        // Unbuffered: the reader thread blocks in read() while the machine thread writes.
        return new FileStream(File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite), FileAccess.ReadWrite, 0);
    });

    public override void Write(ReadOnlySpan<byte> data)
    {
        lock (_writeLock)
        {
            try
            {
                _out.Write(data);
            }
            catch (IOException)
            {
                // The peer is gone: output is dropped, as for a disconnected socket.
            }
        }
    }

    private void ReadLoop()
    {
        var buffer = new byte[4096];
        try
        {
            while (!IsDisposed)
            {
                int n = _in.Read(buffer);
                if (n <= 0 || !Deliver(buffer.AsSpan(0, n))) break;
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
        }
    }

    protected override void DisposeCore()
    {
        _in.Dispose();
        if (!ReferenceEquals(_in, _out)) _out.Dispose();
    }
}
