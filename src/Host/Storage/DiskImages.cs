using HexEmu.Adapters.Qcow2;
using HexEmu.Domain.Storage;
using HexEmu.Host.Cli;

namespace HexEmu.Host.Storage;

/// <summary>
/// Opens a -drive image in its format: format= when given, otherwise by its first bytes as QEMU
/// probes (the qcow2 magic, else raw — QEMU warns about probed raw images, and so do we).
/// </summary>
public static class DiskImages
{
    public sealed record Opened(IBlockDevice Device, IDisposable Owner, DriveFormat Format);

    /// <exception cref="CommandLineException">The image cannot be opened; the message is one line naming it.</exception>
    public static Opened Open(DriveSpec drive, bool readOnly, Action<string> warn)
    {
        var format = drive.Format ?? Probe(drive.Path, warn);
        try
        {
            if (format == DriveFormat.Qcow2)
            {
                var image = Qcow2Image.Open(drive.Path, readOnly);
                return new Opened(image, image, format);
            }
            var raw = new RawImageBlockDevice(drive.Path, readOnly);
            return new Opened(raw, raw, format);
        }
        catch (Exception e) when (e is DiskImageException or Qcow2Exception)
        {
            throw new CommandLineException(e.Message);
        }
    }

    private static ReadOnlySpan<byte> Qcow2Magic => [(byte)'Q', (byte)'F', (byte)'I', 0xFB];

    private static DriveFormat Probe(string path, Action<string> warn)
    {
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[4];
            if (file.ReadAtLeast(magic, 4, throwOnEndOfStream: false) == 4 && magic.SequenceEqual(Qcow2Magic))
                return DriveFormat.Qcow2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Opening it as raw reports the problem in the disk layer's words.
            return DriveFormat.Raw;
        }
        warn($"Image format was not specified for '{path}' and probing guessed raw; specify format=raw to remove this warning");
        return DriveFormat.Raw;
    }
}
