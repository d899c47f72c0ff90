using HexEmu.Application.Monitor;
using HexEmu.Application.Ports;
using HexEmu.Domain.Boot;
using HexEmu.Domain.Io;
using HexEmu.Domain.Machine;
using HexEmu.Domain.Storage;
using HexEmu.Domain.Time;
using HexEmu.Host.Chardev;
using HexEmu.Host.Cli;
using HexEmu.Host.Storage;
using DomainCpuModel = HexEmu.Domain.Cpu.CpuModel;

namespace HexEmu.Host;

/// <summary>
/// Turns the parsed command line into a machine configuration: reads the firmware, kernel,
/// modules and disk images (each failure a one-line <see cref="CommandLineException"/>), and
/// connects the devices to the host character devices.
/// </summary>
public static class VmBuilder
{
    public sealed class Disks : IDisposable
    {
        public List<IDisposable> Images { get; } = [];

        /// <summary>Every drive with its opened image, and whether guest writes go to an overlay instead of the image.</summary>
        public List<(DriveSpec Drive, DiskImages.Opened Image, bool Overlaid)> Drives { get; } = [];
        public List<MonitorBlockInfo> Info { get; } = [];

        public void Dispose()
        {
            foreach (var image in Images) image.Dispose();
        }
    }

    public static MachineConfig Configure(HostOptions options, CharDevices chardevs, Disks disks, IHostClock clock)
    {
        var config = new MachineConfig
        {
            RamBytes = options.RamBytes,
            CpuModel = CpuModelFor(options.Cpu),
            IsaOnly = options.Machine == MachineType.IsaPc,
            Vga = !options.NoDefaults,
            SerialPorts = [.. chardevs.Serial.Select(b => (IByteSink?)new CharBackendByteSink(b))],
            DebugConsoles = [.. chardevs.DebugCons.Select(d => (d.Device.IoBase, (IByteSink)new CharBackendByteSink(d.Backend)))],
            DebugExit = options.DebugExit is { } exit ? (exit.IoBase, exit.IoSize) : null,
            NoReboot = options.NoReboot,
            Time = TimeModeFor(options.Icount),
            RtcBaseUnixSeconds = RtcBase(options.Rtc, clock),
            Disks = OpenDisks(options.Drives, disks, overlayAll: options.RecordReplay is not null || options.Snapshot),
        };
        if (options.KernelPath is { } kernel)
        {
            var boot = MultibootFor(kernel, options, config.RamBytes);
            return config with { BootLoader = boot, Bios = options.BiosPath is { } b ? ReadBios(b) : null };
        }
        if (options.BiosPath is { } bios) return config with { Bios = ReadBios(bios) };
        // As QEMU starts its firmware when told nothing: ours says there is nothing to boot, and the
        // machine still runs (a diskless VM can be recorded, replayed and snapshotted).
        Console.Error.WriteLine("hexemu: nothing to boot (no -kernel or -bios): the built-in firmware will only say so");
        return config with { Bios = DefaultFirmware() };
    }

    private static DomainCpuModel CpuModelFor(Cli.CpuModel model) => DomainCpuModel.ByName(model switch
    {
        Cli.CpuModel.Base => "base",
        Cli.CpuModel.I486 => "486",
        Cli.CpuModel.Pentium => "pentium",
        Cli.CpuModel.Pentium2 => "pentium2",
        Cli.CpuModel.Pentium3 => "pentium3",
        _ => "qemu32",
    }) ?? DomainCpuModel.Default;

    private static TimeMode TimeModeFor(IcountOptions? icount) => icount switch
    {
        null => new TimeMode.HostPaced(),
        { Shift: null } => new TimeMode.InstructionCounted(TimeMode.InstructionCounted.AutoInitialShift, Adaptive: true, SleepWhenIdle: icount.Sleep),
        _ => new TimeMode.InstructionCounted(icount.Shift.Value, SleepWhenIdle: icount.Sleep),
    };

    /// <summary>
    /// The RTC's wall-clock time at power-on. The host clock is read once, here; from then on
    /// the RTC follows virtual time (so that an -icount run is reproducible whatever clock= says).
    /// </summary>
    private static long RtcBase(RtcOptions rtc, IHostClock clock) => rtc.Base switch
    {
        Cli.RtcBase.Fixed when rtc.FixedStart is { } start => new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc)).ToUnixTimeSeconds(),
        // The RTC keeps local time: the local calendar reading, counted as if it were UTC.
        Cli.RtcBase.LocalTime => new DateTimeOffset(DateTime.SpecifyKind(clock.LocalNow, DateTimeKind.Utc)).ToUnixTimeSeconds(),
        _ => clock.UtcNow.ToUnixTimeSeconds(),
    };

    /// <summary>
    /// Opens every -drive image. A drive with snapshot=on, or every drive under -snapshot or while
    /// recording or replaying (<paramref name="overlayAll"/>), is opened read-only and the guest
    /// writes to an in-memory copy-on-write layer instead, so the image stays as it was (for a
    /// replay: as the recording's header identified it); the drive's own read-only flag (what the
    /// guest sees) is kept.
    /// </summary>
    internal static IBlockDevice?[] OpenDisks(IReadOnlyList<DriveSpec> drives, Disks disks, bool overlayAll)
    {
        var attached = new IBlockDevice?[MachineConfig.MaxDisks];
        foreach (var drive in drives)
        {
            // The orphan image (if=none,id=rr) holds record/replay snapshots, which the guest never sees: it stays writable.
            bool orphan = drive.Interface == DriveInterface.None && drive.Id == "rr";
            bool overlay = (overlayAll && !orphan) || drive.Snapshot;
            var image = DiskImages.Open(drive, readOnly: drive.ReadOnly || overlay, warning => Console.Error.WriteLine($"hexemu: warning: {warning}"));
            disks.Images.Add(image.Owner);
            disks.Drives.Add((drive, image, overlay));
            string device = drive.Interface == DriveInterface.Ide ? $"ide{drive.Index / 2}-hd{drive.Index % 2}" : drive.Id;
            string? attachedTo = null;
            if (drive.Interface == DriveInterface.Ide)
            {
                attached[drive.Index] = overlay ? new CopyOnWriteBlockDevice(image.Device, drive.ReadOnly) : image.Device;
                attachedTo = $"/machine/ide{drive.Index / 2}/unit{drive.Index % 2}";
            }
            string format = image.Format == DriveFormat.Qcow2 ? "qcow2" : "raw";
            disks.Info.Add(new MonitorBlockInfo(device, $"#block{100 + disks.Info.Count}", drive.Path, format, drive.ReadOnly, attachedTo));
        }
        return attached;
    }

    private static MultibootBoot MultibootFor(string kernelPath, HostOptions options, uint ramBytes)
    {
        byte[] kernel = ReadFile(kernelPath, $"could not open kernel file '{kernelPath}'");
        var modules = options.InitrdModules
            .Select(m => new Domain.Boot.MultibootModule(ReadFile(m.Path, $"could not open module file '{m.Path}'"), m.CommandLine))
            .ToList();
        try
        {
            var image = KernelImage.Parse(kernel);
            foreach (string warning in image.Warnings) Console.Error.WriteLine($"hexemu: {warning}");
            uint ram = Math.Min(ramBytes, Domain.Memory.PhysicalMemory.MaxRamBytes); // what the machine will have
            string commandLine = Domain.Boot.MultibootBoot.QemuCommandLine(options.KernelGuestPath ?? kernelPath, options.KernelCommandLine);
            return new MultibootBoot(image, ram, commandLine, modules);
        }
        catch (BootImageException e)
        {
            throw new CommandLineException($"-kernel {kernelPath}: {e.Message}");
        }
    }

    private static byte[] DefaultFirmware()
    {
        using var rom = typeof(VmBuilder).Assembly.GetManifestResourceStream("default.rom")
            ?? throw new InvalidOperationException("the built-in firmware is missing from this build");
        var image = new byte[rom.Length];
        rom.ReadExactly(image);
        return image;
    }

    private static byte[] ReadBios(string path)
    {
        byte[] image = ReadFile(path, $"could not load PC BIOS '{path}'");
        if (image.Length < MachineConfig.MinBiosBytes || image.Length > MachineConfig.MaxBiosBytes || image.Length % 4096 != 0)
            throw new CommandLineException($"-bios {path}: a ROM image must be 64–256 KiB in 4 KiB steps, this one is {image.Length} bytes");
        return image;
    }

    private static byte[] ReadFile(string path, string what)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string reason = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
                UnauthorizedAccessException => "Permission denied",
                _ => e.Message,
            };
            throw new CommandLineException($"{what}: {reason}");
        }
    }
}
