using System.ComponentModel;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HexEmu.Tests.Azurite;

/// <summary>
/// A real Azurite blob service (npm <c>azurite</c>, installed in tools/azurite from its committed
/// lock file) on a free loopback port, its data in a temporary folder; killed on dispose. Shared
/// by the adapter's tests and the benchmark.
/// </summary>
public sealed class AzuriteProcess : IDisposable
{
    /// <summary>Azurite's well-known development account (public, documented, not a secret).</summary>
    public const string Account = "devstoreaccount1";
    public const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly string _dataFolder;

    public int Port { get; }

    public Uri ServiceUri => new($"http://127.0.0.1:{Port}/{Account}");

    public string ConnectionString => ConnectionStringWithKey(Key);

    public string ConnectionStringWithKey(string key) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={key};BlobEndpoint={ServiceUri};";

    private AzuriteProcess(Process process, string dataFolder, int port)
    {
        _process = process;
        _dataFolder = dataFolder;
        Port = port;
    }

    public static AzuriteProcess Start() => Start(RepositoryRoot());

    /// <summary>Starts the Azurite installed in <paramref name="repositoryRoot"/>/tools/azurite.</summary>
    public static AzuriteProcess Start(string repositoryRoot)
    {
        string main = Path.Combine(repositoryRoot, "tools", "azurite", "node_modules", "azurite", "dist", "src", "blob", "main.js");
        if (!File.Exists(main))
            throw new InvalidOperationException($"Azurite is not installed ({main} is missing): run `npm ci --prefix tools/azurite` in the repository root");
        // A port found free can be taken by someone else before Azurite binds it: then Azurite
        // exits, and another port is tried.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return StartOn(main, FreeLoopbackPort());
            }
            catch (AzuriteExitedException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>A loopback port nobody listens on (at the moment of asking).</summary>
    public static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static AzuriteProcess StartOn(string main, int port)
    {
        string data = Directory.CreateTempSubdirectory("hexemu-azurite-").FullName;
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { main, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--location", data,
                     "--skipApiVersionCheck", "--disableTelemetry", "--silent" })
            start.ArgumentList.Add(arg);
        var output = new StringBuilder();
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            Directory.Delete(data, recursive: true);
            throw new InvalidOperationException($"could not start node for Azurite ({e.Message}): install Node.js (apt-get install nodejs npm)");
        }
        process.OutputDataReceived += (_, line) => { lock (output) output.AppendLine(line.Data); };
        process.ErrorDataReceived += (_, line) => { lock (output) output.AppendLine(line.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var azurite = new AzuriteProcess(process, data, port);
        var deadline = Stopwatch.StartNew();
        while (!AcceptsConnections(port))
        {
            // Waiting for the process to exit doubles as the pause between polls: an Azurite
            // that dies is seen at once, one that is starting is asked again 50 ms later.
            if (process.WaitForExit(50))
            {
                azurite.Dispose();
                string said;
                lock (output) said = output.ToString().Trim();
                throw new AzuriteExitedException($"Azurite exited with code {process.ExitCode} before listening on port {port}: {said}");
            }
            if (deadline.Elapsed > StartTimeout)
            {
                azurite.Dispose();
                throw new TimeoutException($"Azurite did not listen on 127.0.0.1:{port} within {StartTimeout.TotalSeconds:0} s");
            }
        }
        return azurite;
    }

    private static bool AcceptsConnections(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HexEmu.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no HexEmu.sln above {AppContext.BaseDirectory}: cannot find tools/azurite");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a dying process: the temporary folder is left behind.
        }
    }

    private sealed class AzuriteExitedException(string message) : Exception(message);
}
