using System.Globalization;
using System.Security.Cryptography;
using HexEmu.Domain.Replay;
using HexEmu.Host.Cli;

namespace HexEmu.Host.Replay;

/// <summary>
/// What a replay must agree with its recording on, taken from the command line: the icount
/// shift, the machine's guest-visible configuration as a fingerprint, and the SHA-256 of every
/// guest image. Host-side choices a replay may change are left out: character backends (only
/// the number of serial ports counts), the monitor, logging, -name, -no-shutdown, the RTC's
/// clock= source and its start time (the host clock reading is a recorded event).
/// </summary>
public static class RecordingIdentity
{
    /// <summary>
    /// The header for a run with <paramref name="options"/> (which must use a fixed icount shift).
    /// Reads every image once; throws <see cref="CommandLineException"/> with a one-line message if
    /// one cannot be read.
    /// </summary>
    public static ReplayHeader HeaderFor(HostOptions options)
    {
        int shift = options.Icount?.Shift
            ?? throw new ArgumentException("record/replay needs -icount with a fixed shift", nameof(options));
        return new ReplayHeader(shift, Fingerprint(options), Images(options));
    }

    /// <summary>
    /// The guest-visible configuration, fields in this order (see <see cref="MachineFingerprint"/>
    /// for quoting):
    /// <c>machine=pc|isapc, pc-model=N (<see cref="Domain.Machine.PcMachine.ModelVersion"/>), ram=128M (or …K), cpu=qemu32|base|486|pentium|pentium2|pentium3,
    /// vga=on|off, serial=N, debugcon=none|0xe9[+0x…], debug-exit=none|0x501-0x502,
    /// ide=none|ide0-hd0:rw[+ide1-hd0:ro…], no-reboot=on|off, rtc=utc|localtime|fixed,
    /// sleep=on|off</c>, then for a -kernel boot <c>cmdline=</c> the command line the kernel sees
    /// (QEMU's "kernel-path append") and <c>module1=</c>, <c>module2=</c>, … each module's string.
    /// </summary>
    public static string Fingerprint(HostOptions options)
    {
        var fields = new List<KeyValuePair<string, string>>
        {
            new("machine", options.Machine == MachineType.IsaPc ? "isapc" : "pc"),
            new("pc-model", Domain.Machine.PcMachine.ModelVersion.ToString(CultureInfo.InvariantCulture)),
            new("ram", RamSize(options.RamBytes)),
            new("cpu", CpuName(options.Cpu)),
            new("vga", OnOff(!options.NoDefaults)), // as VmBuilder: -nodefaults leaves the display adapter out
            new("serial", options.SerialPorts.Count.ToString(CultureInfo.InvariantCulture)),
            new("debugcon", options.DebugCons.Count == 0 ? "none" : string.Join('+', options.DebugCons.Select(d => Hex(d.IoBase)))),
            new("debug-exit", options.DebugExit is { } exit ? $"{Hex(exit.IoBase)}-{Hex(exit.IoBase + exit.IoSize - 1)}" : "none"),
            new("ide", IdeDrives(options) is { Count: > 0 } ide ? string.Join('+', ide.Select(d => $"{IdeName(d.Index)}:{(d.ReadOnly ? "ro" : "rw")}")) : "none"),
            new("no-reboot", OnOff(options.NoReboot)),
            new("rtc", options.Rtc.Base switch { Cli.RtcBase.LocalTime => "localtime", Cli.RtcBase.Fixed => "fixed", _ => "utc" }),
            new("sleep", OnOff(options.Icount?.Sleep ?? true)),
        };
        if (options.KernelGuestPath is { } kernel)
        {
            // The guest reads these strings from memory, so they must match to the byte.
            fields.Add(new("cmdline", Domain.Boot.MultibootBoot.QemuCommandLine(kernel, options.KernelCommandLine)));
            for (int k = 0; k < options.InitrdModules.Count; k++)
                fields.Add(new($"module{k + 1}", options.InitrdModules[k].CommandLine));
        }
        return MachineFingerprint.Format(fields);
    }

    /// <summary>
    /// Every image the guest sees, in a fixed order: "bios", "kernel", "module 1", …, "disk
    /// ide0-hd0", … (IDE index order; drives with if=none are not attached and not listed).
    /// </summary>
    public static IReadOnlyList<ImageIdentity> Images(HostOptions options)
    {
        var images = new List<ImageIdentity>();
        if (options.BiosPath is { } bios)
            images.Add(Identify("bios", bios, $"could not load PC BIOS '{bios}'"));
        if (options.KernelPath is { } kernel)
        {
            images.Add(Identify("kernel", kernel, $"could not open kernel file '{kernel}'"));
            for (int k = 0; k < options.InitrdModules.Count; k++)
            {
                string path = options.InitrdModules[k].Path;
                images.Add(Identify($"module {k + 1}", path, $"could not open module file '{path}'"));
            }
        }
        foreach (var drive in IdeDrives(options))
            images.Add(Identify($"disk {IdeName(drive.Index)}", drive.Path, $"could not open disk image '{drive.Path}'"));
        return images;
    }

    /// <summary>
    /// SHA-256 of a file's contents as lower-case hex, read front to back in 1 MiB pieces (a disk
    /// image may be gigabytes). Throws the usual I/O exceptions.
    /// </summary>
    public static string Sha256Hex(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = new byte[1 << 20];
        int n;
        while ((n = file.Read(buffer)) > 0) sha.AppendData(buffer, 0, n);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static ImageIdentity Identify(string role, string path, string failure)
    {
        try
        {
            if (Directory.Exists(path)) throw new CommandLineException($"{failure}: is a directory");
            return new ImageIdentity(role, path, Sha256Hex(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            string reason = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
                UnauthorizedAccessException => "Permission denied",
                ArgumentException or NotSupportedException => "not a valid file name",
                _ => e.Message,
            };
            throw new CommandLineException($"{failure}: {reason}");
        }
    }

    private static List<DriveSpec> IdeDrives(HostOptions options) =>
        [.. options.Drives.Where(d => d.Interface == DriveInterface.Ide).OrderBy(d => d.Index)];

    private static string IdeName(int index) => $"ide{index / 2}-hd{index % 2}";

    private static string RamSize(uint bytes) =>
        bytes % (1u << 20) == 0 ? $"{bytes >> 20}M" : $"{bytes >> 10}K"; // -m rounds to 4 KiB

    private static string CpuName(Cli.CpuModel cpu) => cpu switch
    {
        Cli.CpuModel.Base => "base",
        Cli.CpuModel.I486 => "486",
        Cli.CpuModel.Pentium => "pentium",
        Cli.CpuModel.Pentium2 => "pentium2",
        Cli.CpuModel.Pentium3 => "pentium3",
        Cli.CpuModel.Qemu32 => "qemu32",
        _ => cpu.ToString().ToLowerInvariant(),
    };

    private static string Hex(int port) => $"0x{port:x}";

    private static string OnOff(bool on) => on ? "on" : "off";
}
