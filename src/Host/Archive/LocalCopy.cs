using System.Security.Cryptography;
using HexEmu.Application.Archive;

namespace HexEmu.Host.Archive;

/// <summary>Whether files on disk still are what a manifest says: sizes, then each block's SHA-256, blocks hashed in parallel.</summary>
public static class LocalCopy
{
    public static bool Matches(string directory, RecordingManifest manifest) =>
        manifest.Files.All(f => Matches(Path.Combine(directory, f.Path.Replace('/', Path.DirectorySeparatorChar)), f));

    public static bool Matches(string path, ManifestFile file)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            if (RandomAccess.GetLength(handle) != file.Size) return false;
            bool intact = true;
            Parallel.For(0, file.BlockSha256.Count, (i, loop) =>
            {
                long offset = (long)i * file.BlockSize;
                var block = new byte[(int)Math.Min(file.BlockSize, file.Size - offset)];
                int read = 0;
                while (read < block.Length)
                {
                    int n = RandomAccess.Read(handle, block.AsSpan(read), offset + read);
                    if (n == 0) break;
                    read += n;
                }
                if (read != block.Length || Convert.ToHexStringLower(SHA256.HashData(block)) != file.BlockSha256[i])
                {
                    intact = false;
                    loop.Stop();
                }
            });
            return intact;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
