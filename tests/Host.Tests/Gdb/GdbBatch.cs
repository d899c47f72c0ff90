using System.Diagnostics;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// Runs the real gdb in batch mode against a remote target:
/// <code>
/// gdb -batch -nx -ex 'set pagination off' -ex 'set confirm off' -ex 'set width 0'
///     -ex 'directory tests/guests' -ex 'file KERNEL' -ex 'target remote SOCKET' -ex … (the script)
/// </code>
/// bounded by a timeout: a gdb still running then (the target hangs) is killed with its whole
/// process tree and the result says so, with everything it printed.
/// </summary>
public static class GdbBatch
{
    public const string Program = "gdb";

    /// <summary>Enough for a session of a few dozen commands against a live target; a hang ends here.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Prints "@@connected True" once gdb has a live inferior (its pid is 0 while unconnected).</summary>
    public const string ConnectedProbe = "python print('\\n" + GdbScript.MarkerPrefix + "connected', gdb.selected_inferior().pid != 0)";

    /// <summary>
    /// Ends every session: gdb's own exit would detach, which lets the machine run on (QEMU runs
    /// the guest to its end and exits) while gdb still talks to it. Disconnecting leaves the
    /// machine to the emulator's policy for a dropped connection, and gdb exits quietly.
    /// </summary>
    public const string DisconnectIfConnected = "python gdb.execute('disconnect') if gdb.selected_inferior().pid != 0 else None";

    /// <summary>
    /// The arguments of a session: gdb reads no init file, runs <paramref name="beforeConnect"/>
    /// (settings), loads <paramref name="kernel"/>'s symbols, finds the guest's sources (for
    /// readable transcripts), connects to <paramref name="remote"/> (a unix socket path or
    /// HOST:PORT) and runs the script.
    /// </summary>
    public static IReadOnlyList<string> Arguments(string kernel, string remote, GdbScript script, IEnumerable<string>? beforeConnect = null)
    {
        List<string> args = ["-batch", "-nx"];
        foreach (var command in (string[])["set pagination off", "set confirm off", "set width 0", "set height 0", .. beforeConnect ?? [],
                     $"directory {GdbGuest.SourceDirectory}", $"file {kernel}", $"target remote {remote}", ConnectedProbe])
            args.AddRange(["-ex", command]);
        foreach (var command in script.Commands)
            args.AddRange(["-ex", command]);
        args.AddRange(["-ex", DisconnectIfConnected]);
        return args;
    }

    /// <summary>Runs one session; never throws for what gdb does (the result tells), only if gdb cannot be started.</summary>
    public static GdbResult Run(string kernel, string remote, GdbScript script, TimeSpan? timeout = null, string? workingDirectory = null,
        IEnumerable<string>? beforeConnect = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var args = Arguments(kernel, remote, script, beforeConnect);
        var psi = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // closed at once: batch mode must never wait for a terminal
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        string commandLine = Program + " " + string.Join(' ', args.Select(Quote));

        var clock = Stopwatch.StartNew();
        using var gdb = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {Program}");
        gdb.StandardInput.Close();
        var stdout = gdb.StandardOutput.ReadToEndAsync();
        var stderr = gdb.StandardError.ReadToEndAsync();
        bool timedOut = !gdb.WaitForExit(limit);
        if (timedOut)
        {
            gdb.Kill(entireProcessTree: true);
            gdb.WaitForExit();
        }
        else
        {
            gdb.WaitForExit(); // the redirected streams reach their end too
        }
        // The output of a killed gdb is whatever it had written; the pipes close with it.
        Task.WaitAll([stdout, stderr], TimeSpan.FromSeconds(10));
        return new GdbResult(commandLine, Completed(stdout), Completed(stderr), timedOut ? -1 : gdb.ExitCode, timedOut, clock.Elapsed);
    }

    private static string Completed(Task<string> text) => text.IsCompletedSuccessfully ? text.Result : "(output not complete)";

    private static string Quote(string arg) => arg.Contains(' ', StringComparison.Ordinal) || arg.Length == 0 ? $"'{arg}'" : arg;
}
