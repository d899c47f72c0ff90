using System.Text;
using System.Text.Json;
using HexEmu.Domain.Replay;

namespace HexEmu.Host.Replay;

/// <summary>
/// <c>hexemu rr dump FILE [--json]</c> and <c>hexemu rr verify FILE</c>: look into a replay log
/// without running a machine. Damage is reported as the decoder finds it (one line, with the byte
/// offset), after everything before it; the exit status is 0 for a sound log, 1 otherwise.
/// </summary>
public static class RrTool
{
    public const string Usage =
        "Usage: hexemu rr dump FILE [--json]   list the header and every event with its icount\n" +
        "       hexemu rr verify FILE          check the whole log; report the first damaged byte offset\n";

    /// <summary>Runs <c>hexemu rr ARGS</c> (<paramref name="args"/> without the "rr"); returns the exit status.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            return RunCommand(args, stdout, stderr);
        }
        catch (Exception e)
        {
            // Never a stack trace for the user; HEXEMU_TRACE=1 shows it to a developer.
            if (Environment.GetEnvironmentVariable("HEXEMU_TRACE") == "1") stderr.WriteLine(e);
            return Fail(stderr, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    private static int RunCommand(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Count == 0 ? stderr : stdout).Write(Usage);
            return args.Count == 0 ? 1 : 0;
        }
        var command = args[0];
        var rest = args.Skip(1).ToList();
        bool json = rest.Remove("--json");
        var unknownOption = rest.FirstOrDefault(a => a.StartsWith('-') && a != "-");
        if (command is not ("dump" or "verify"))
            return Fail(stderr, $"rr: unknown command '{command}' (use dump or verify)");
        if (unknownOption is not null || (json && command == "verify"))
            return Fail(stderr, $"rr {command}: unknown option '{unknownOption ?? "--json"}'");
        if (rest.Count != 1)
            return Fail(stderr, $"rr {command}: expected one FILE, got {rest.Count}");

        return command == "dump"
            ? (json ? DumpJson(rest[0], stdout, stderr) : DumpText(rest[0], stdout, stderr))
            : Verify(rest[0], stdout, stderr);
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine($"hexemu: {message}");
        return 1;
    }

    private static int Verify(string path, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            using var reader = new FileReplayLogReader(path);
            while (reader.TryReadNext(out _)) { }
            var d = reader.Decoder;
            stdout.WriteLine($"OK: {d.EventCount} events, last icount {d.Icount}{(d.SawEnd ? "" : ", no end event (the recording stopped without finishing)")}");
            return 0;
        }
        catch (Exception e) when (e is ReplayLogException or ReplayLogFileException)
        {
            return Fail(stderr, e.Message);
        }
    }

    private static int DumpText(string path, TextWriter stdout, TextWriter stderr)
    {
        FileReplayLogReader reader;
        try
        {
            reader = new FileReplayLogReader(path);
        }
        catch (Exception e) when (e is ReplayLogException or ReplayLogFileException)
        {
            return Fail(stderr, e.Message);
        }
        using (reader)
        {
            var d = reader.Decoder;
            var header = reader.Header;
            stdout.WriteLine($"replay log '{path}': version {ReplayLogFormat.FormatVersion(ReplayLogFormat.Version)}, header {d.HeaderLength} bytes");
            stdout.WriteLine($"icount shift: {header.Shift}");
            stdout.WriteLine($"machine: {header.MachineFingerprint}");
            foreach (var image in header.Images)
                stdout.WriteLine($"image {image.Role}: '{image.Name}' sha256 {image.Sha256}");
            try
            {
                while (reader.TryReadNext(out var e)) stdout.WriteLine(ReplayEventText.Line(e!, d.LastEventOffset));
            }
            catch (ReplayLogException e)
            {
                stdout.Flush();
                return Fail(stderr, e.Message);
            }
            stdout.WriteLine($"{d.EventCount} events, last icount {d.Icount}{(d.SawEnd ? "" : ", no end event (the recording stopped without finishing)")}");
            return 0;
        }
    }

    private static int DumpJson(string path, TextWriter stdout, TextWriter stderr)
    {
        var buffer = new MemoryStream();
        string? error = null;
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("file", path);
            json.WriteString("version", ReplayLogFormat.FormatVersion(ReplayLogFormat.Version));
            FileReplayLogReader? reader = null;
            try
            {
                reader = new FileReplayLogReader(path);
            }
            catch (Exception e) when (e is ReplayLogException or ReplayLogFileException)
            {
                error = e.Message;
            }
            if (reader is not null)
            {
                using (reader)
                    error = WriteLog(json, reader);
            }
            if (error is not null) json.WriteString("error", error);
            json.WriteEndObject();
        }
        stdout.WriteLine(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        stdout.Flush();
        return error is null ? 0 : Fail(stderr, error);
    }

    /// <summary>Writes the header and events; returns the decoder's error, if the log is damaged.</summary>
    private static string? WriteLog(Utf8JsonWriter json, FileReplayLogReader reader)
    {
        var d = reader.Decoder;
        json.WriteStartObject("header");
        json.WriteNumber("length", d.HeaderLength);
        json.WriteNumber("shift", reader.Header.Shift);
        json.WriteString("machine", reader.Header.MachineFingerprint);
        json.WriteStartArray("images");
        foreach (var image in reader.Header.Images)
        {
            json.WriteStartObject();
            json.WriteString("role", image.Role);
            json.WriteString("name", image.Name);
            json.WriteString("sha256", image.Sha256);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();

        string? error = null;
        json.WriteStartArray("events");
        try
        {
            while (reader.TryReadNext(out var e)) WriteEvent(json, e!, d.LastEventOffset);
        }
        catch (ReplayLogException ex)
        {
            error = ex.Message;
        }
        json.WriteEndArray();
        json.WriteNumber("eventCount", d.EventCount);
        json.WriteNumber("lastIcount", d.Icount);
        json.WriteBoolean("complete", error is null && d.SawEnd);
        return error;
    }

    private static void WriteEvent(Utf8JsonWriter json, ReplayEvent e, long offset)
    {
        json.WriteStartObject();
        json.WriteNumber("icount", e.Icount);
        json.WriteNumber("offset", offset);
        json.WriteString("type", ReplayEventText.TypeName(e));
        switch (e)
        {
            case SerialInputEvent s:
                json.WriteNumber("port", s.Port);
                json.WriteString("data", Convert.ToHexStringLower(s.Data));
                json.WriteString("text", ReplayEventText.Printable(s.Data));
                break;
            case IdleWarpEvent w:
                json.WriteNumber("nanoseconds", w.Nanoseconds);
                break;
            case HostClockEvent h:
                json.WriteNumber("unixSeconds", h.UnixSeconds);
                break;
            case ShutdownEvent sd:
                json.WriteString("cause", ReplayEventText.CauseName(sd.Cause));
                json.WriteNumber("causeNumber", (int)sd.Cause);
                json.WriteNumber("exitCode", sd.ExitCode);
                break;
            case CheckpointEvent c:
                json.WriteString("stateDigest", $"0x{c.StateDigest:x16}");
                json.WriteString("logCrc", $"0x{c.LogCrc:x8}");
                json.WriteBoolean("includesRam", c.IncludesRam);
                break;
        }
        json.WriteEndObject();
    }
}
