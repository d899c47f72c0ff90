using System.Buffers.Binary;
using System.Runtime.InteropServices;
using HexEmu.Application.Archive;
using HexEmu.Application.Ports;
using HexEmu.Host.Replay;

namespace HexEmu.Host.Archive;

/// <summary>
/// What <c>hexemu archive push DIR</c> sends: every regular file under DIR, recursively, in
/// ordinal order of its '/'-separated relative path, each with its kind read from its first bytes
/// (a replay log by the header magic the log reader checks, a qcow2 image by QEMU's magic).
/// Symbolic links are followed only when they stay inside DIR; one pointing out of it is refused,
/// as is an empty DIR or one without a replay log.
/// </summary>
public static class RecordingDirectory
{
    /// <summary>The first three bytes of every HexEmu replay log (the fourth is its format's revision).</summary>
    private static ReadOnlySpan<byte> ReplayLogMagic => "HXR"u8;
    private static ReadOnlySpan<byte> Qcow2Magic => [(byte)'Q', (byte)'F', (byte)'I', 0xFB];

    /// <summary>The files to push; <see cref="RecordingArchiveException"/> says why DIR cannot be pushed.</summary>
    public static IReadOnlyList<ArchiveSource> Collect(string directory)
    {
        var root = new DirectoryInfo(Path.GetFullPath(directory));
        if (!root.Exists) throw new RecordingArchiveException($"'{directory}' is not a directory");
        string realRoot = RealPath(root);
        var files = new List<ArchiveSource>();
        Walk(root, realRoot, root.FullName, files);
        if (files.Count == 0) throw new RecordingArchiveException($"'{directory}' holds no files to push");
        if (!files.Any(f => f.Kind == ArchiveFileKind.ReplayLog))
            throw new RecordingArchiveException($"'{directory}' holds no replay log (a file recorded with -icount …,rr=record,rrfile=FILE)");
        return [.. files.OrderBy(f => f.RelativePath, StringComparer.Ordinal)];
    }

    private static void Walk(DirectoryInfo directory, string realRoot, string root, List<ArchiveSource> files)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            string relative = Path.GetRelativePath(root, entry.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (entry.LinkTarget is not null)
            {
                var target = entry.ResolveLinkTarget(returnFinalTarget: true);
                if (target is null || !target.Exists)
                    throw new RecordingArchiveException($"'{relative}' is a symbolic link to nothing");
                string real = RealPath(target);
                if (!IsUnder(real, realRoot))
                    throw new RecordingArchiveException($"'{relative}' is a symbolic link out of the directory (to '{target.FullName}'); copy the file in instead");
                // A link to a directory inside: its files are pushed where they really are, not twice.
                if (target is DirectoryInfo) continue;
                if (!IsRegular((FileInfo)target)) throw new RecordingArchiveException($"'{relative}' is not a regular file");
                files.Add(Source(relative, entry.FullName));
                continue;
            }
            switch (entry)
            {
                case DirectoryInfo sub:
                    Walk(sub, realRoot, root, files);
                    break;
                case FileInfo file when IsRegular(file):
                    files.Add(Source(relative, file.FullName));
                    break;
                default:
                    throw new RecordingArchiveException($"'{relative}' is not a regular file");
            }
        }
    }

    private static ArchiveSource Source(string relative, string path)
    {
        if (ArchiveNames.PathProblem(relative) is { } problem) throw new RecordingArchiveException(problem);
        var (kind, version) = Identify(path, relative);
        return new ArchiveSource(relative, path, kind, version);
    }

    /// <summary>What a file is, from its first bytes; a file that starts like a replay log must be one.</summary>
    public static (ArchiveFileKind Kind, int? Version) Identify(string path, string shownAs)
    {
        Span<byte> head = stackalloc byte[8];
        int n;
        try
        {
            using var file = File.OpenRead(path);
            n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RecordingArchiveException($"could not read '{shownAs}': {e.Message}");
        }
        if (n >= 4 && head[..3].SequenceEqual(ReplayLogMagic))
        {
            try
            {
                using var log = new FileReplayLogReader(path); // checks the whole header, CRC included
            }
            catch (Exception e) when (e is Domain.Replay.ReplayLogException or ReplayLogFileException)
            {
                throw new RecordingArchiveException($"'{shownAs}' looks like a replay log but is not a sound one: {e.Message}");
            }
            return (ArchiveFileKind.ReplayLog, (int)BinaryPrimitives.ReadUInt32BigEndian(head));
        }
        if (n >= 8 && head[..4].SequenceEqual(Qcow2Magic))
            return (ArchiveFileKind.Qcow2, (int)BinaryPrimitives.ReadUInt32BigEndian(head[4..]));
        return (ArchiveFileKind.Other, null);
    }

    /// <summary>
    /// Whether stat(2) calls <paramref name="file"/> a regular file. Pipes, sockets and devices look
    /// like files to .NET, and opening a pipe to read it would wait for a writer forever. Where
    /// stat's layout is not known (not 64-bit Linux), every file counts as regular.
    /// </summary>
    private static bool IsRegular(FileInfo file)
    {
        const int RegularFile = 0x8000, TypeMask = 0xF000;
        int? modeOffset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,
            Architecture.Arm64 => 16,
            _ => null,
        };
        if (!OperatingSystem.IsLinux() || !Environment.Is64BitProcess || modeOffset is not { } offset) return true;
        try
        {
            var buffer = new byte[256];
            return stat(file.FullName, buffer) != 0 || (BitConverter.ToInt32(buffer, offset) & TypeMask) == RegularFile;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return true;
        }
    }

    [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false)]
    private static extern int stat(string path, byte[] buffer);

    private static string RealPath(FileSystemInfo info)
    {
        // Resolve every link on the way, so "inside" is judged on where bytes really are.
        string full = Path.GetFullPath(info.FullName);
        var parts = full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        string current = Path.GetPathRoot(full)!;
        foreach (var part in parts)
        {
            current = Path.Combine(current, part);
            FileSystemInfo here = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (here.LinkTarget is not null && here.ResolveLinkTarget(returnFinalTarget: true) is { } resolved)
                current = Path.GetFullPath(resolved.FullName);
        }
        return current;
    }

    private static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);
}
