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
        const string secret = "c2VjcmV0LWtleS1kby1ub3Qtc2hvdw=="; // a made-up key, not any account's
        const string key = "AccountKey=" + secret;
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

/// <summary>The snapshot backends chosen by configuration, through the real hexemu process.</summary>
public sealed class SnapshotBackendTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-backend-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string In(string name) => Path.Combine(_dir, name);

    [Fact]
    public void A_recording_starts_from_and_replays_from_a_snapshot_kept_in_a_litedb_file()
    {
        // The issue's diskless record/replay, with the rrsnapshot in LiteDB instead of a qcow2 image.
        string[] machine = ["-kernel", HexEmuProcess.GuestPath("gdbguest.elf"), "-append", "iterations=300", "-display", "none",
                            "-serial", "null", "-device", "isa-debug-exit", "--Snapshots:Backend=LiteDb", $"--Snapshots:LiteDb:Path={In("vm.db")}"];
        var recorded = HexEmuProcess.Run(Timeout, [.. machine, "-icount", $"shift=0,rr=record,rrfile={In("run.rr")},rrsnapshot=init"]);
        Assert.Equal(3, recorded.ExitCode);
        Assert.True(File.Exists(In("vm.db")));

        var replayed = HexEmuProcess.Run(Timeout, [.. machine, "-icount", $"shift=0,rr=replay,rrfile={In("run.rr")},rrsnapshot=init"]);
        Assert.Equal("", replayed.Stderr);
        Assert.Equal(3, replayed.ExitCode);

        var missing = HexEmuProcess.Run(Timeout, [.. machine, "-icount", $"shift=0,rr=replay,rrfile={In("run.rr")},rrsnapshot=nope"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("nope", missing.Stderr);
    }

    [Fact]
    public void A_litedb_file_that_is_not_one_is_a_clear_error_and_stays_as_it_was()
    {
        File.WriteAllText(In("notes.db"), "these are my notes, not a database");
        var result = HexEmuProcess.Run(Timeout, "-kernel", HexEmuProcess.GuestPath("gdbguest.elf"), "-display", "none",
            "--Snapshots:Backend=LiteDb", $"--Snapshots:LiteDb:Path={In("notes.db")}");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("hexemu: configuration: Snapshots:Backend=LiteDb: ", result.Stderr);
        Assert.Contains(In("notes.db"), result.Stderr);
        Assert.Equal("these are my notes, not a database", File.ReadAllText(In("notes.db")));
    }

    [Fact]
    public void Unreachable_blob_storage_is_a_clear_error_in_bounded_time_without_the_key()
    {
        // Port 1 on loopback: nothing listens there.
        const string key = "c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWJlLXNob3du";
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = HexEmuProcess.Run(Timeout, "-kernel", HexEmuProcess.GuestPath("gdbguest.elf"), "-display", "none",
            "--Snapshots:Backend=AzureBlob",
            $"--Snapshots:AzureBlob:ConnectionString=DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={key};BlobEndpoint=http://127.0.0.1:1/devstoreaccount1",
            "--Snapshots:AzureBlob:Container=vm");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("hexemu: configuration: Snapshots:Backend=AzureBlob: ", result.Stderr);
        Assert.DoesNotContain(key, result.Stderr + result.Stdout);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Savevm_to_litedb_refuses_a_drive_written_in_place_and_says_what_to_do()
    {
        File.WriteAllBytes(In("disk.raw"), new byte[1 << 20]);
        var result = HexEmuProcess.RunWithInput(Timeout, "savevm s1\nquit\n", "-kernel", HexEmuProcess.GuestPath("gdbguest.elf"),
            "-display", "none", "-serial", "null", "-monitor", "stdio", "-S",
            "-drive", $"file={In("disk.raw")},format=raw,if=ide,index=0",
            "--Snapshots:Backend=LiteDb", $"--Snapshots:LiteDb:Path={In("vm.db")}");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Device 'ide0-hd0' is written in place, which LiteDb snapshots cannot put back", result.Stdout);
    }
}
