namespace HexEmu.Host.Storage;

/// <summary>
/// A disk image cannot be used (missing, unreadable, locked, a directory). The message is one
/// line fit for the user, e.g. <c>could not open disk image 'disk.img': No such file or directory</c>.
/// </summary>
public sealed class DiskImageException(string path, string reason, Exception? inner = null)
    : Exception($"could not open disk image '{path}': {reason}", inner)
{
    public string ImagePath { get; } = path;
}
