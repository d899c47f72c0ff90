using System.Diagnostics;
using System.Globalization;
using HexEmu.Application.Ports;
using HexEmu.Host.Configuration;

namespace HexEmu.Host.Archive;

/// <summary>
/// <c>hexemu archive push|list|pull|delete</c>: whole recordings to and from the archive named by
/// <c>Archive:AzureBlob:…</c> (appsettings.json, HEXEMU__ environment variables, or
/// <c>--Archive:…=…</c> arguments anywhere after <c>archive</c>). One-line errors; exit status 0
/// on success, 1 otherwise.
/// </summary>
public static class ArchiveTool
{
    public const string Usage =
        "Usage: hexemu archive push DIR --name NAME [--replace]   upload every file under DIR (it must hold a replay log)\n" +
        "       hexemu archive list                              the complete recordings: name, files, size, created\n" +
        "       hexemu archive pull NAME DIR                     download NAME into DIR (empty or new), every file verified\n" +
        "       hexemu archive delete NAME                       remove NAME from the archive\n" +
        "Replay from the archive: -icount shift=N,rr=replay,rrfile=archive:NAME [-kernel archive:NAME/PATH] [-drive file=archive:NAME/PATH,…]\n" +
        "Settings: --Archive:AzureBlob:ConnectionString=… --Archive:AzureBlob:Container=…, or --Archive:AzureBlob:ContainerUri=… (with a SAS);\n" +
        "          --Archive:CacheDirectory=DIR (default $XDG_CACHE_HOME/hexemu/archive or ~/.cache/hexemu/archive)\n";

    /// <summary>Runs <c>hexemu archive ARGS</c> (<paramref name="args"/> without the "archive"); returns the exit status.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancel = default)
    {
        try
        {
            var (settings, rest) = HostConfiguration.Split(args);
            if (rest.Length == 0 || rest[0] is "-h" or "--help" or "help")
            {
                (rest.Length == 0 ? stderr : stdout).Write(Usage);
                return rest.Length == 0 ? 1 : 0;
            }
            var command = Command.Parse(rest);
            var configuration = HostConfiguration.Build(settings, AppContext.BaseDirectory);
            var archive = ArchiveSettings.From(configuration).Open();
            return command.Verb switch
            {
                "push" => Push(archive, command, stdout, cancel),
                "list" => List(archive, stdout, cancel),
                "pull" => Pull(archive, command, stdout, cancel),
                _ => Delete(archive, command, stdout, cancel),
            };
        }
        catch (UsageError e)
        {
            return Fail(stderr, $"archive: {e.Message}");
        }
        catch (ConfigurationError e)
        {
            return Fail(stderr, $"configuration: {e.Message}");
        }
        catch (RecordingArchiveException e)
        {
            return Fail(stderr, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(stderr, e.Message);
        }
        catch (Exception e)
        {
            // Never a stack trace for the user; HEXEMU_TRACE=1 shows it to a developer.
            if (Environment.GetEnvironmentVariable("HEXEMU_TRACE") == "1") stderr.WriteLine(e);
            return Fail(stderr, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    private static int Push(IRecordingArchive archive, Command command, TextWriter stdout, CancellationToken cancel)
    {
        var files = RecordingDirectory.Collect(command.Operands[0]);
        var clock = Stopwatch.StartNew();
        var manifest = archive.PushAsync(command.Name!, files, new ArchivePushOptions(Program.Version, DateTimeOffset.UtcNow, command.Replace), cancel)
            .GetAwaiter().GetResult();
        stdout.WriteLine($"pushed {command.Name}: {manifest.Files.Count} files, {Bytes(manifest.TotalBytes)} in {Seconds(clock.Elapsed)}");
        return 0;
    }

    private static int List(IRecordingArchive archive, TextWriter stdout, CancellationToken cancel)
    {
        var recordings = archive.ListAsync(cancel).GetAwaiter().GetResult();
        int width = recordings.Count == 0 ? 0 : recordings.Max(r => r.Name.Length);
        foreach (var r in recordings)
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Name.PadRight(width)}  {r.Files,4} files  {Bytes(r.Bytes),-28}  {r.Created.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"));
        return 0;
    }

    private static int Pull(IRecordingArchive archive, Command command, TextWriter stdout, CancellationToken cancel)
    {
        string name = command.Operands[0];
        string target = Path.GetFullPath(command.Operands[1]);
        if (File.Exists(target)) throw new UsageError($"pull: '{command.Operands[1]}' is a file, not a directory");
        bool existed = Directory.Exists(target);
        if (existed && Directory.EnumerateFileSystemEntries(target).Any())
            throw new UsageError($"pull: '{command.Operands[1]}' is not empty; pull into an empty or new directory");
        // Everything lands in a staging directory first: a failed pull leaves DIR as it was.
        string staging = existed
            ? Path.Combine(target, $".hexemu-pull-{Guid.NewGuid():N}")
            : $"{target.TrimEnd(Path.DirectorySeparatorChar)}.partial-{Guid.NewGuid():N}";
        var clock = Stopwatch.StartNew();
        try
        {
            var manifest = archive.PullAsync(name, staging, cancel).GetAwaiter().GetResult();
            Directory.CreateDirectory(staging); // an empty recording still makes its directory
            if (existed)
            {
                foreach (var entry in new DirectoryInfo(staging).EnumerateFileSystemInfos())
                {
                    string to = Path.Combine(target, entry.Name);
                    if (entry is DirectoryInfo d) d.MoveTo(to); else ((FileInfo)entry).MoveTo(to);
                }
            }
            else
            {
                Directory.Move(staging, target);
            }
            stdout.WriteLine($"pulled {name}: {manifest.Files.Count} files, {Bytes(manifest.TotalBytes)} in {Seconds(clock.Elapsed)}, every file verified against its SHA-256");
            return 0;
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    private static int Delete(IRecordingArchive archive, Command command, TextWriter stdout, CancellationToken cancel)
    {
        archive.DeleteAsync(command.Operands[0], cancel).GetAwaiter().GetResult();
        stdout.WriteLine($"deleted {command.Operands[0]}");
        return 0;
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"hexemu: {message}");
        return 1;
    }

    /// <summary>A size for people: "812 bytes", "64.0 KiB (65536 bytes)".</summary>
    public static string Bytes(long bytes)
    {
        if (bytes < 1024) return string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes");
        string[] units = ["KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return string.Create(CultureInfo.InvariantCulture, $"{value:F1} {units[unit]} ({bytes} bytes)");
    }

    private static string Seconds(TimeSpan elapsed) => string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:F1} s");

    private sealed class UsageError(string message) : Exception(message);

    /// <summary>The parsed command line: a verb, its operands, and push's options.</summary>
    private sealed record Command(string Verb, IReadOnlyList<string> Operands, string? Name, bool Replace)
    {
        public static Command Parse(IReadOnlyList<string> args)
        {
            string verb = args[0];
            var operands = new List<string>();
            string? name = null;
            bool replace = false;
            for (int i = 1; i < args.Count; i++)
            {
                string a = args[i];
                if (verb == "push" && a == "--name")
                {
                    if (i + 1 >= args.Count) throw new UsageError("push: --name needs a NAME");
                    name = args[++i];
                }
                else if (verb == "push" && a.StartsWith("--name=", StringComparison.Ordinal)) name = a["--name=".Length..];
                else if (verb == "push" && a == "--replace") replace = true;
                else if (a.StartsWith('-') && a.Length > 1) throw new UsageError($"{verb}: unknown option '{a}'");
                else operands.Add(a);
            }
            int expected = verb switch
            {
                "push" => 1,
                "list" => 0,
                "pull" => 2,
                "delete" => 1,
                _ => throw new UsageError($"unknown command '{verb}' (use push, list, pull or delete)"),
            };
            if (operands.Count != expected)
            {
                string shape = verb switch { "push" => "DIR --name NAME", "list" => "no operands", "pull" => "NAME DIR", _ => "NAME" };
                throw new UsageError($"{verb}: expected {shape}, got {operands.Count} operand{(operands.Count == 1 ? "" : "s")}");
            }
            if (verb == "push" && name is null) throw new UsageError("push: --name NAME is required");
            if (name is not null && Application.Archive.ArchiveNames.NameProblem(name) is { } problem) throw new UsageError($"push: {problem}");
            return new Command(verb, operands, name, replace);
        }
    }
}
