namespace HexEmu.Host.Chardev;

/// <summary>Output to a file, truncated when opened unless appending (QEMU's file chardev: output only).</summary>
public sealed class FileCharBackend : CharBackendBase
{
    private readonly FileStream _file;
    private readonly object _lock = new();

    public FileCharBackend(string id, string path, bool append = false) : base(id)
    {
        Path = path;
        _file = CharDeviceErrors.Open(path, () =>
            new FileStream(path, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.ReadWrite, 64 * 1024));
    }

    public string Path { get; }

    public override string Description => "file";

    public override void Write(ReadOnlySpan<byte> data)
    {
        lock (_lock) _file.Write(data);
    }

    public override void Flush()
    {
        lock (_lock) _file.Flush();
    }

    protected override void DisposeCore()
    {
        lock (_lock) _file.Dispose();
    }
}
