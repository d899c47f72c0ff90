using System.Diagnostics;
using HexEmu.Application.Ports;

namespace HexEmu.Adapters.LiteDb.Tests;

/// <summary>
/// The test assembly is also a small program, so tests can put a real second process on a
/// database: `dotnet HexEmu.Adapters.LiteDb.Tests.dll open PATH` tries to open it and prints
/// "opened" or "refused: MESSAGE"; `… hold PATH [SNAPSHOT]` opens it (saving SNAPSHOT first when
/// given), prints "holding" and keeps it open until its standard input closes.
/// </summary>
public static class SecondProcess
{
    public static int Main(string[] args)
    {
        if (args.Length < 2) return 2;
        try
        {
            using var store = LiteDbSnapshotStore.Open(args[1]);
            if (args[0] == "hold")
            {
                if (args.Length > 2) store.Save(args[2], Patterns.Chunks(64, seed: 5), 1, 2, DateTimeOffset.UnixEpoch);
                Console.WriteLine("holding");
                Console.In.ReadToEnd();
            }
            else Console.WriteLine("opened");
            return 0;
        }
        catch (SnapshotStoreException e)
        {
            Console.WriteLine($"refused: {e.Message}");
            return 1;
        }
    }

    /// <summary>Starts this program in a new process with <paramref name="args"/>, its stdin and stdout piped.</summary>
    public static Process Start(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(SecondProcess).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the second process");
    }

    /// <summary>The process's next line of output, or a failure after <paramref name="timeout"/> (never a hang).</summary>
    public static string ReadLine(Process process, TimeSpan timeout)
    {
        var line = process.StandardOutput.ReadLineAsync();
        Assert.True(line.Wait(timeout), $"the second process printed nothing within {timeout.TotalSeconds} s");
        return line.Result ?? "";
    }
}
