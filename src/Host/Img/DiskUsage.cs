using System.Runtime.InteropServices;

namespace HexEmu.Host.Img;

/// <summary>
/// Bytes a file really occupies on the host ("disk size" / actual-size), as qemu-img reports it: the
/// allocated 512-byte blocks of stat(2) on 64-bit Linux; elsewhere the length rounded to 4 KiB.
/// </summary>
internal static class DiskUsage
{
    // st_blocks sits at byte 64 of struct stat in both the x86-64 and the generic (arm64) 64-bit Linux layouts.
    private const int StBlocksOffset = 64;
    private const int StatBufferSize = 256;

    public static long Of(string path)
    {
        var length = new FileInfo(path).Length;
        if (OperatingSystem.IsLinux() && Environment.Is64BitProcess
            && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64)
        {
            try
            {
                var buffer = new byte[StatBufferSize];
                if (stat(path, buffer) == 0) return BitConverter.ToInt64(buffer, StBlocksOffset) * 512;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        }
        return (length + 4095) & ~4095L;
    }

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int stat(string path, byte[] buffer);
}
