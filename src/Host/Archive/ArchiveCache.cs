using HexEmu.Application.Archive;
using HexEmu.Application.Ports;

namespace HexEmu.Host.Archive;

/// <summary>
/// Archived recordings pulled for replaying, one directory each: <c>CACHE/NAME/manifest.json</c>
/// and <c>CACHE/NAME/files/…</c>. A cached copy is used when its manifest equals the archive's
/// and its files still hash right; otherwise the recording is pulled into a temporary directory
/// beside it that is renamed into place at the end, so neither a killed pull nor two hexemu
/// processes pulling at once ever leave a half-filled cache entry where it would be used.
/// </summary>
public sealed class ArchiveCache(IRecordingArchive archive, string directory, TextWriter notices)
{
    private const string ManifestFile = "manifest.json";
    private const string FilesFolder = "files";
    private const int Attempts = 3;
    private readonly Dictionary<string, (RecordingManifest Manifest, string Files)> _resolved = new(StringComparer.Ordinal);

    /// <summary>The manifest of <paramref name="name"/> and the directory its files are in, pulled first if need be.</summary>
    public (RecordingManifest Manifest, string Files) Get(string name)
    {
        if (_resolved.TryGetValue(name, out var known)) return known;
        if (ArchiveNames.NameProblem(name) is { } problem) throw new RecordingArchiveException(problem);
        var remote = archive.ReadManifestAsync(name).GetAwaiter().GetResult();
        string entry = Path.Combine(directory, name);
        for (int attempt = 1; ; attempt++)
        {
            if (Cached(entry, remote)) return _resolved[name] = (remote, Path.Combine(entry, FilesFolder));
            if (attempt > Attempts)
                throw new RecordingArchiveException($"archive {name}: the cache entry {entry} keeps changing under this process");
            Pull(name, entry, remote);
        }
    }

    private static bool Cached(string entry, RecordingManifest remote)
    {
        string manifestPath = Path.Combine(entry, ManifestFile);
        if (!File.Exists(manifestPath)) return false;
        try
        {
            var cached = ManifestJson.Parse(File.ReadAllBytes(manifestPath));
            return cached.SameAs(remote) && LocalCopy.Matches(Path.Combine(entry, FilesFolder), cached);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private void Pull(string name, string entry, RecordingManifest remote)
    {
        string staging = Path.Combine(directory, $".pull-{name}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(staging);
            var started = System.Diagnostics.Stopwatch.StartNew();
            var pulled = archive.PullAsync(name, Path.Combine(staging, FilesFolder)).GetAwaiter().GetResult();
            if (!pulled.SameAs(remote))
                throw new RecordingArchiveException($"archive {name} changed while it was being pulled; try again");
            File.WriteAllBytes(Path.Combine(staging, ManifestFile), ManifestJson.Write(pulled));
            notices.WriteLine($"hexemu: archive {name}: pulled {pulled.Files.Count} files, {ArchiveTool.Bytes(pulled.TotalBytes)}, into {entry} in {started.Elapsed.TotalSeconds:F1} s");
            Install(staging, entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RecordingArchiveException($"archive {name}: could not fill the cache in {directory}: {e.Message}");
        }
        finally
        {
            TryDelete(staging);
        }
    }

    /// <summary>
    /// Moves the pulled copy into place. An older entry is moved aside first and then deleted (a
    /// process still replaying from it keeps its open files); if another process installed its
    /// copy first, theirs stays and is checked on the next round.
    /// </summary>
    private void Install(string staging, string entry)
    {
        if (Directory.Exists(entry))
        {
            string aside = Path.Combine(directory, $".old-{Path.GetFileName(entry)}-{Guid.NewGuid():N}");
            try
            {
                Directory.Move(entry, aside);
            }
            catch (DirectoryNotFoundException)
            {
                // Another process moved it first.
            }
            TryDelete(aside);
        }
        try
        {
            Directory.Move(staging, entry);
        }
        catch (IOException) when (Directory.Exists(entry))
        {
            // Another process installed its copy between our two moves: the next check judges it.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover in the cache directory is harmless: it is never used as an entry.
        }
    }
}
