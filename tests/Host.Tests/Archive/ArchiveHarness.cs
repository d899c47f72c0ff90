using Azure.Storage.Blobs;
using HexEmu.Host.Tests.Replay;
using HexEmu.Tests.Azurite;

namespace HexEmu.Host.Tests.Archive;

/// <summary>One Azurite for the archive's end-to-end tests.</summary>
public sealed class AzuriteForHost : IDisposable
{
    public AzuriteProcess Azurite { get; } = AzuriteProcess.Start();

    public void Dispose() => Azurite.Dispose();
}

/// <summary>
/// A test's own container, cache and folders, and the ata guest recorded with two disks in a
/// directory of its own with relative paths, so the same command line replays it anywhere:
/// <code>
/// hexemu -kernel ata.elf -display none -device isa-debug-exit -serial file:SERIAL
///        -drive file=ata.img,format=raw,if=ide,index=0 -drive file=ata2.img,format=raw,if=ide,index=2
///        -icount shift=0,rr=record,rrfile=recording.rr
/// </code>
/// </summary>
public sealed class ArchiveHarness(AzuriteProcess azurite) : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    public const string Log = "recording.rr";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("hexemu-archive-");
    public string Container { get; } = "h" + Guid.NewGuid().ToString("N");
    public string Root => _root.FullName;
    public string Cache => Path.Combine(Root, "cache");

    public BlobContainerClient Blobs => new(azurite.ConnectionString, Container);

    /// <summary>The settings arguments that point hexemu at this test's container and cache.</summary>
    public string[] Settings =>
    [
        $"--Archive:AzureBlob:ConnectionString={azurite.ConnectionString}",
        $"--Archive:AzureBlob:Container={Container}",
        $"--Archive:CacheDirectory={Cache}",
    ];

    public string Dir(string name)
    {
        string dir = Path.Combine(Root, name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static List<string> GuestArgs(string kernel, string disk0, string disk2, string serial, string rrfile, string mode) =>
    [
        "-kernel", kernel, "-display", "none", "-device", "isa-debug-exit", "-serial", $"file:{serial}",
        "-drive", $"file={disk0},format=raw,if=ide,index=0", "-drive", $"file={disk2},format=raw,if=ide,index=2",
        "-icount", $"shift=0,rr={mode},rrfile={rrfile}",
    ];

    /// <summary>Records the ata guest in a new directory <paramref name="name"/>; its serial output goes to a file outside it.</summary>
    public RecordReplayHarness.ReplayRun Record(string name, out string dir)
    {
        dir = Dir(name);
        File.Copy(HexEmuProcess.GuestPath("ata.elf"), Path.Combine(dir, "ata.elf"));
        File.Copy(HexEmuProcess.GuestPath("ata.img"), Path.Combine(dir, "ata.img"));
        File.Copy(HexEmuProcess.GuestPath("ata.img"), Path.Combine(dir, "ata2.img"));
        string serial = Path.Combine(Root, $"{name}.serial");
        var run = RecordReplayHarness.Run(dir, GuestArgs("ata.elf", "ata.img", "ata2.img", serial, Log, "record"), null, Timeout);
        return run with { Serial = File.ReadAllBytes(serial) };
    }

    /// <summary>Runs <c>hexemu archive ARGS</c> with this test's settings.</summary>
    public RecordReplayHarness.ReplayRun Archive(params string[] args) =>
        RecordReplayHarness.Run(Root, ["archive", .. args, .. Settings], null, Timeout);

    /// <summary>Starts <c>hexemu archive ARGS</c> without waiting for it.</summary>
    public HexEmuChild StartArchive(params string[] args) => new(["archive", .. args, .. Settings], Root);

    public void Dispose()
    {
        Blobs.DeleteIfExists();
        try { _root.Delete(recursive: true); }
        catch (IOException) { } // a killed process may still be letting go of a file
    }
}
