using HexEmu.Host.Configuration;

namespace HexEmu.Host.Tests;

/// <summary>
/// Settings beside the qemu command line: appsettings.json beside the executable &lt; HEXEMU__
/// environment variables &lt; --Section:Key=value arguments; a bad setting is an error naming its
/// key and never showing a secret.
/// </summary>
public sealed class ConfigurationTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("--Snapshots:Backend=LiteDb", true)]
    [InlineData("--Snapshots:LiteDb:Path=/tmp/a:b.db", true)]
    [InlineData("--drive", false)]
    [InlineData("-drive", false)]
    [InlineData("file=a:b", false)]
    [InlineData("--name=x", false)]       // no section
    [InlineData("-Snapshots:Backend=x", false)] // one dash: a qemu-style option
    [InlineData("--:Backend=x", false)]
    public void Settings_are_told_from_qemu_options_by_their_shape(string arg, bool setting) =>
        Assert.Equal(setting, HostConfiguration.IsSetting(arg));

    [Fact]
    public void Split_keeps_the_order_of_both_kinds()
    {
        var (settings, qemu) = HostConfiguration.Split(["-kernel", "k", "--Snapshots:Backend=Qcow2", "-append", "a:b=c", "--A:B=1"]);
        Assert.Equal(["--Snapshots:Backend=Qcow2", "--A:B=1"], settings);
        Assert.Equal(["-kernel", "k", "-append", "a:b=c"], qemu);
    }

    [Fact]
    public void The_file_is_read_and_arguments_override_it()
    {
        File.WriteAllText(Path.Combine(_dir, "appsettings.json"), """{ "Snapshots": { "Backend": "LiteDb", "LiteDb": { "Path": "from-file.db" } } }""");
        var fromFile = SnapshotSettings.From(HostConfiguration.Build([], _dir));
        Assert.Equal(new SnapshotSettings(SnapshotBackend.LiteDb, LiteDbPath: "from-file.db"), fromFile);
        var overridden = SnapshotSettings.From(HostConfiguration.Build(["--Snapshots:LiteDb:Path=from-args.db"], _dir));
        Assert.Equal("from-args.db", overridden.LiteDbPath);
    }

    [Fact]
    public void Without_settings_snapshots_stay_in_qcow2()
    {
        Assert.Equal(SnapshotBackend.Qcow2, SnapshotSettings.From(HostConfiguration.Build([], _dir)).Backend);
    }

    [Theory]
    [InlineData("--Snapshots:Backend=Floppy", "Snapshots:Backend must be Qcow2, LiteDb or AzureBlob (it is 'Floppy')")]
    [InlineData("--Snapshots:Backend=LiteDb", "LiteDb snapshots need Snapshots:LiteDb:Path (the database file)")]
    [InlineData("--Snapshots:Backend=AzureBlob", "Snapshots:Backend=AzureBlob needs Snapshots:AzureBlob:ConnectionString and Snapshots:AzureBlob:Container, or Snapshots:AzureBlob:ContainerUri")]
    public void A_bad_or_missing_setting_names_its_key(string arg, string message)
    {
        var e = Assert.Throws<ConfigurationError>(() => SnapshotSettings.From(HostConfiguration.Build([arg], _dir)));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Secrets_never_appear_in_an_error()
    {
        const string key = "AccountKey=c2VjcmV0LWtleS1kby1ub3Qtc2hvdw==";
        const string sas = "sig=TOP-SECRET-SIGNATURE";
        string[] both = [$"--Snapshots:Backend=AzureBlob", $"--Snapshots:AzureBlob:ConnectionString=AccountName=a;{key}",
                         $"--Snapshots:AzureBlob:ContainerUri=https://a.blob.core.windows.net/c?{sas}"];
        string[] badUri = ["--Snapshots:Backend=AzureBlob", $"--Snapshots:AzureBlob:ContainerUri=ftp://a/c?{sas}"];
        string[] noContainer = ["--Snapshots:Backend=AzureBlob", $"--Snapshots:AzureBlob:ConnectionString=AccountName=a;{key}"];
        foreach (var args in new[] { both, badUri, noContainer })
        {
            var e = Assert.Throws<ConfigurationError>(() => SnapshotSettings.From(HostConfiguration.Build(args, _dir)));
            Assert.DoesNotContain("c2VjcmV0", e.Message);
            Assert.DoesNotContain("TOP-SECRET", e.Message);
            Assert.Contains("Snapshots:AzureBlob:", e.Message);
        }
    }

    [Fact]
    public void Hexemu_reads_the_environment_and_its_arguments_win()
    {
        var env = new Dictionary<string, string> { ["HEXEMU__Snapshots__Backend"] = "Floppy" };
        var bad = HexEmuProcess.RunIn(AppContext.BaseDirectory, Timeout, null, env, "-version");
        Assert.Equal(1, bad.ExitCode);
        Assert.Equal("hexemu: configuration: Snapshots:Backend must be Qcow2, LiteDb or AzureBlob (it is 'Floppy')\n", bad.Stderr);

        var overridden = HexEmuProcess.RunIn(AppContext.BaseDirectory, Timeout, null, env, "--Snapshots:Backend=Qcow2", "-version");
        Assert.Equal(0, overridden.ExitCode);
        Assert.Contains("HexEmu", overridden.Stdout);
    }

    [Fact]
    public void Hexemu_reads_appsettings_json_beside_its_executable()
    {
        // A copy of the build with its own settings file (the build's own directory is shared by every test).
        string copy = Path.Combine(_dir, "hexemu");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory))
            if (Path.GetExtension(file) is ".dll" or ".json" && !Path.GetFileName(file).StartsWith("HexEmu.Host.Tests", StringComparison.Ordinal))
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        File.WriteAllText(Path.Combine(copy, "appsettings.json"), """{ "Snapshots": { "Backend": "Tape" } }""");

        var result = HexEmuProcess.RunIn(copy, Timeout, null, new Dictionary<string, string>(), "-version");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("hexemu: configuration: Snapshots:Backend must be Qcow2, LiteDb or AzureBlob (it is 'Tape')\n", result.Stderr);

        File.WriteAllText(Path.Combine(copy, "appsettings.json"), "{ not json");
        var broken = HexEmuProcess.RunIn(copy, Timeout, null, new Dictionary<string, string>(), "-version");
        Assert.Equal(1, broken.ExitCode);
        Assert.StartsWith($"hexemu: configuration: {Path.Combine(copy, "appsettings.json")} cannot be read", broken.Stderr);
    }
}
