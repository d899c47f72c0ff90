using HexEmu.Application.Archive;
using HexEmu.Application.Ports;
using HexEmu.Host.Cli;
using Microsoft.Extensions.Configuration;

namespace HexEmu.Host.Archive;

/// <summary>
/// File options that name archived files: <c>rrfile=archive:NAME[/PATH]</c> (the recording's replay
/// log, or the one at PATH when it holds several), <c>-kernel archive:NAME/PATH</c>,
/// <c>-initrd "archive:NAME/PATH args"</c>, <c>-bios archive:NAME/PATH</c> and
/// <c>-drive file=archive:NAME/PATH</c>. Each is replaced by the file in the local cache before
/// anything else reads the options; the guest still sees the kernel's and modules' paths as they
/// are in the recording, and archived drives are never written (guest writes go to an overlay).
/// </summary>
public static class ArchiveReferences
{
    public const string Prefix = "archive:";

    public static bool IsReference(string? path) => path is not null && path.StartsWith(Prefix, StringComparison.Ordinal);

    public static bool Any(HostOptions options) =>
        IsReference(options.RecordReplay?.File) || IsReference(options.KernelPath) || IsReference(options.BiosPath) ||
        options.InitrdModules.Any(m => IsReference(m.Path)) || options.Drives.Any(d => IsReference(d.Path));

    /// <summary>
    /// <paramref name="options"/> with every archive reference replaced by its cached file; the
    /// archive's settings are read only if there is one. Failures are one-line
    /// <see cref="CommandLineException"/>s naming the option.
    /// </summary>
    public static HostOptions Resolve(HostOptions options, IConfiguration configuration, TextWriter notices)
    {
        if (!Any(options)) return options;
        var settings = ArchiveSettings.From(configuration);
        return Resolve(options, new ArchiveCache(Open(settings), settings.CacheDirectory, notices));
    }

    public static HostOptions Resolve(HostOptions options, ArchiveCache cache)
    {
        var resolved = options;
        if (options.RecordReplay is { } rr && IsReference(rr.File))
        {
            if (rr.Mode == RecordReplayMode.Record)
                throw new CommandLineException($"rrfile={rr.File}: a recording is written to a local file; push it to the archive afterwards");
            string log = Guarded($"rrfile={rr.File}", () => ReplayLog(cache, rr.File));
            resolved = resolved with { Icount = resolved.Icount! with { RecordReplay = rr with { File = log } } };
        }
        if (IsReference(options.KernelPath))
        {
            var (path, relative) = Guarded($"-kernel {options.KernelPath}", () => File(cache, options.KernelPath!));
            resolved = resolved with { KernelPath = path, KernelArchivePath = relative };
        }
        if (IsReference(options.BiosPath))
            resolved = resolved with { BiosPath = Guarded($"-bios {options.BiosPath}", () => File(cache, options.BiosPath!)).Path };
        if (options.InitrdModules.Any(m => IsReference(m.Path)))
        {
            resolved = resolved with
            {
                InitrdModules = [.. options.InitrdModules.Select(m =>
                {
                    if (!IsReference(m.Path)) return m;
                    var (path, relative) = Guarded($"-initrd {m.Path}", () => File(cache, m.Path));
                    return m with { Path = path, ArchivePath = relative };
                })],
            };
        }
        if (options.Drives.Any(d => IsReference(d.Path)))
        {
            resolved = resolved with
            {
                // The cached image must stay as pulled: the guest writes to an overlay.
                Drives = [.. options.Drives.Select(d => IsReference(d.Path)
                    ? d with { Path = Guarded($"-drive file={d.Path}", () => File(cache, d.Path)).Path, Snapshot = true }
                    : d)],
            };
        }
        return resolved;
    }

    private static IRecordingArchive Open(ArchiveSettings settings)
    {
        try
        {
            return settings.Open();
        }
        catch (RecordingArchiveException e)
        {
            throw new Configuration.ConfigurationError($"{ArchiveSettings.Section}: {e.Message}");
        }
    }

    private static string ReplayLog(ArchiveCache cache, string reference)
    {
        var (name, relative) = Split(reference);
        var (manifest, files) = cache.Get(name);
        if (relative is not null)
        {
            var file = Find(manifest, name, relative);
            if (file.Kind != ArchiveFileKind.ReplayLog) throw new RecordingArchiveException($"'{relative}' in archive {name} is not a replay log");
            return Local(files, relative);
        }
        var logs = manifest.ReplayLogs.Select(f => f.Path).ToList();
        return logs.Count switch
        {
            1 => Local(files, logs[0]),
            0 => throw new RecordingArchiveException($"archive {name} holds no replay log"),
            _ => throw new RecordingArchiveException($"archive {name} holds {logs.Count} replay logs; name one with {Prefix}{name}/PATH: {string.Join(", ", logs)}"),
        };
    }

    private static (string Path, string Relative) File(ArchiveCache cache, string reference)
    {
        var (name, relative) = Split(reference);
        if (relative is null) throw new RecordingArchiveException($"name a file of the recording: {Prefix}{name}/PATH");
        var (manifest, files) = cache.Get(name);
        Find(manifest, name, relative);
        return (Local(files, relative), relative);
    }

    private static ManifestFile Find(RecordingManifest manifest, string name, string relative) =>
        manifest.Find(relative) ?? throw new RecordingArchiveException(
            $"archive {name} has no file '{relative}' (it has {string.Join(", ", manifest.Files.Select(f => f.Path).Take(20))}{(manifest.Files.Count > 20 ? ", …" : "")})");

    private static (string Name, string? Relative) Split(string reference)
    {
        string rest = reference[Prefix.Length..];
        int slash = rest.IndexOf('/');
        string name = slash < 0 ? rest : rest[..slash];
        string? relative = slash < 0 ? null : rest[(slash + 1)..];
        if (ArchiveNames.NameProblem(name) is { } problem) throw new RecordingArchiveException(problem);
        if (relative is not null && ArchiveNames.PathProblem(relative) is { } bad) throw new RecordingArchiveException(bad);
        return (name, relative);
    }

    private static string Local(string files, string relative) => Path.Combine(files, relative.Replace('/', Path.DirectorySeparatorChar));

    private static T Guarded<T>(string option, Func<T> resolve)
    {
        try
        {
            return resolve();
        }
        catch (RecordingArchiveException e)
        {
            throw new CommandLineException($"{option}: {e.Message}");
        }
    }
}
