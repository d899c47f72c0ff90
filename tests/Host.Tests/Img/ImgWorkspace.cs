using System.Buffers.Binary;
using System.Diagnostics;

namespace HexEmu.Host.Tests.Img;

/// <summary>
/// A temporary directory holding copies of the qcow2 fixtures, where `hexemu img` and the real
/// qemu-img (the oracle) run side by side with the same relative file names, so their outputs can be
/// compared without rewriting paths.
/// </summary>
public sealed class ImgWorkspace : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly string FixtureDir = HexEmuProcess.RepoPath(Path.Combine("tests", "Adapters.Qcow2.Tests", "Fixtures"));

    public string Dir { get; } = Directory.CreateTempSubdirectory("hexemu-img-").FullName;

    public ImgWorkspace()
    {
        foreach (var file in Directory.GetFiles(FixtureDir))
            if (!file.EndsWith(".md", StringComparison.Ordinal)) File.Copy(file, Path.Combine(Dir, Path.GetFileName(file)));
    }

    public void Dispose() => Directory.Delete(Dir, recursive: true);

    public string PathOf(string name) => Path.Combine(Dir, name);

    public HexEmuProcess.Result Hexemu(params string[] args) =>
        Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "hexemu.dll"), "img", .. args]);

    public HexEmuProcess.Result Qemu(params string[] args) => Run("qemu-img", args);

    /// <summary>Runs qemu-img and fails the test unless it exits 0.</summary>
    public string QemuOk(params string[] args)
    {
        var r = Qemu(args);
        Assert.True(r.ExitCode == 0, $"qemu-img {string.Join(' ', args)} failed: {r.Stderr}");
        return r.Stdout;
    }

    private HexEmuProcess.Result Run(string program, string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Dir };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["TZ"] = "UTC";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not exit within {Timeout}");
        }
        return new HexEmuProcess.Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A 1 MiB raw image with data in every third 4 KiB cluster and zeros elsewhere.</summary>
    public string PatternedRaw(string name)
    {
        var bytes = new byte[1 << 20];
        for (var cluster = 0; cluster < 256; cluster += 3)
            for (var i = 0; i < 4096; i++) bytes[cluster * 4096 + i] = (byte)(cluster * 7 + i % 251 + 1);
        File.WriteAllBytes(PathOf(name), bytes);
        return name;
    }

    public static ulong ReadU64(byte[] image, long offset) => BinaryPrimitives.ReadUInt64BigEndian(image.AsSpan((int)offset));
    public static void WriteU64(byte[] image, long offset, ulong value) => BinaryPrimitives.WriteUInt64BigEndian(image.AsSpan((int)offset), value);
    public static void WriteU16(byte[] image, long offset, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(image.AsSpan((int)offset), value);
}
