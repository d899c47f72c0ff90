using System.Diagnostics;
using System.Text;

namespace HexEmu.Host.Tests.Guests;

/// <summary>
/// The Multiboot test guests of tests/guests (see its README) and the command line each runs
/// with. The same arguments go to qemu-system-i386 (the reference that captured NAME.expected)
/// and to hexemu, so a test can hold either to the same expected COM1 output and exit status.
/// </summary>
public static class GuestRuns
{
    /// <summary>isa-debug-exit value 1, which every guest writes when all its checks passed.</summary>
    public const int PassStatus = 3;

    public static readonly string[] Names = ["devices", "timer", "irqecho", "ata", "kludge", "minios"];

    public static TheoryData<string> All()
    {
        var data = new TheoryData<string>();
        foreach (var name in Names) data.Add(name);
        return data;
    }

    public sealed record Result(int ExitCode, string Serial, string Stderr);

    /// <summary>
    /// Runs guest <paramref name="name"/> on <paramref name="emulator"/> ("qemu-system-i386" or
    /// "hexemu") in a fresh temporary directory and returns its COM1 output.
    /// </summary>
    public static Result Run(string emulator, string name, TimeSpan timeout)
    {
        var dir = Directory.CreateTempSubdirectory($"hexemu-guest-{name}-");
        try
        {
            string serial = Path.Combine(dir.FullName, "serial.txt");
            string? input = name == "irqecho" ? Guest("irqecho.input") : null;
            var args = new List<string>
            {
                "-kernel", Guest(name == "kludge" ? "kludge.bin" : $"{name}.elf"),
                "-display", "none", "-device", "isa-debug-exit",
                // Input comes through stdin; otherwise a file, so stdin stays out of the way.
                "-serial", input is null ? $"file:{serial}" : "stdio",
            };
            switch (name)
            {
                case "devices":
                    args.AddRange(["-m", "128", "-debugcon", $"file:{Path.Combine(dir.FullName, "debugcon.txt")}"]);
                    break;
                case "ata":
                    // The guest writes to its disks (and puts everything back): give it copies.
                    foreach (var (copy, index) in new[] { ("primary.img", 0), ("secondary.img", 2) })
                    {
                        string image = Path.Combine(dir.FullName, copy);
                        File.Copy(Guest("ata.img"), image);
                        args.AddRange(["-drive", $"file={image},format=raw,if=ide,index={index}"]);
                    }
                    break;
                case "minios":
                    // It only reads its disk, but the emulator opens it writable: a copy all the same.
                    string disk = Path.Combine(dir.FullName, "minios.img");
                    File.Copy(Guest("ata.img"), disk);
                    args.AddRange(["-m", "128", "-drive", $"file={disk},format=raw,if=ide,index=0"]);
                    break;
            }
            var run = Start(emulator, args, input, timeout);
            string output = input is null ? (File.Exists(serial) ? File.ReadAllText(serial, Encoding.Latin1) : "") : run.Stdout;
            return new Result(run.ExitCode, output, run.Stderr);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    public static string Expected(string name) => File.ReadAllText(Guest($"{name}.expected"), Encoding.Latin1);

    private static string Guest(string file) => HexEmuProcess.GuestPath(file);

    private sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

    private static ProcessResult Start(string emulator, List<string> args, string? inputFile, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(emulator == "hexemu" ? "dotnet" : emulator)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.Latin1,
        };
        if (emulator == "hexemu") psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hexemu.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{emulator} is not installed (scripts/test.sh installs it): {e.Message}", e);
        }
        using (p)
        {
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (inputFile is not null)
            {
                p.StandardInput.BaseStream.Write(File.ReadAllBytes(inputFile));
                p.StandardInput.Flush();
            }
            // Without input stdin stays open until the end: QEMU may feed stray bytes to a UART
            // in loopback once its stdin reaches end of file.
            if (!p.WaitForExit(timeout))
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit();
                throw new TimeoutException($"{emulator} {string.Join(' ', args)} did not exit within {timeout}");
            }
            try { p.StandardInput.Close(); }
            catch (IOException) { } // the emulator has gone, and its end of the pipe with it
            return new ProcessResult(p.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
