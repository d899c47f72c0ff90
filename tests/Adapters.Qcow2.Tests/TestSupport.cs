using System.Diagnostics;

namespace HexEmu.Adapters.Qcow2.Tests;

/// <summary>A scratch directory deleted after the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hexemu-qcow2-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Copies a fixture (and nothing else) in; returns its path here.</summary>
    public string CopyFixture(string name)
    {
        var target = this[name];
        File.Copy(Fixtures.PathOf(name), target, overwrite: true);
        File.SetAttributes(target, FileAttributes.Normal);
        return target;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

internal static class Fixtures
{
    public static string Directory => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures");
    public static string PathOf(string name) => System.IO.Path.Combine(Directory, name);
}

/// <summary>The real qemu-img, the independent judge of every image we read or write.</summary>
internal static class QemuImg
{
    public static (int Exit, string Output) Run(params string[] args)
    {
        var info = new ProcessStartInfo("qemu-img") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            throw new TimeoutException("qemu-img " + string.Join(' ', args) + " did not finish in 30 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    public static void MustRun(params string[] args)
    {
        var (exit, output) = Run(args);
        Assert.True(exit == 0, $"qemu-img {string.Join(' ', args)} failed ({exit}): {output}");
    }

    /// <summary>Asserts qemu-img check finds neither errors nor leaks (exit 0).</summary>
    public static void AssertClean(string image)
    {
        var (exit, output) = Run("check", image);
        Assert.True(exit == 0, $"qemu-img check {image} exit {exit}: {output}");
    }

    /// <summary>The guest content as qemu-img sees it (the whole backing chain flattened).</summary>
    public static byte[] ToRaw(string image, string scratchDir)
    {
        var raw = System.IO.Path.Combine(scratchDir, "judge-" + Guid.NewGuid().ToString("N")[..8] + ".raw");
        MustRun("convert", "-O", "raw", image, raw);
        var bytes = File.ReadAllBytes(raw);
        File.Delete(raw);
        return bytes;
    }
}
