using System.Globalization;

namespace HexEmu.Host.Cli;

public static partial class QemuCommandLine
{
    /// <summary>-cpu names (QEMU's, with their -v1 versions) and the model each selects.</summary>
    internal static readonly (string Name, CpuModel Model, string Description)[] CpuModels =
    [
        ("486", CpuModel.I486, "Intel 486 (CPUID family 4)"),
        ("pentium", CpuModel.Pentium, "Intel Pentium (family 5: TSC, MSR, CX8)"),
        ("pentium2", CpuModel.Pentium2, "Intel Pentium II (family 6: adds CMOV)"),
        ("pentium3", CpuModel.Pentium3, "Intel Pentium III (family 6 model 7)"),
        ("qemu32", CpuModel.Qemu32, "QEMU's generic 32-bit CPU (the default)"),
        ("base", CpuModel.Base, "base CPU model with no CPUID features"),
    ];

    /// <summary>Models qemu-system-i386 has that HexEmu does not emulate.</summary>
    private static readonly HashSet<string> UnsupportedCpuModels =
    [
        "max", "kvm32", "kvm64", "qemu64", "coreduo", "core2duo", "n270", "athlon", "phenom", "Conroe", "Penryn",
        "Nehalem", "Westmere", "SandyBridge", "IvyBridge", "Haswell", "Broadwell", "Skylake-Client", "Opteron_G1",
    ];

    internal static readonly (string Name, MachineType Type, string Description)[] MachineTypes =
    [
        ("pc", MachineType.Pc, "PC with PIC, PIT, RTC, UARTs, i8042 and IDE (default)"),
        ("isapc", MachineType.IsaPc, "the same devices, ISA only"),
    ];

    private static readonly HashSet<string> UnsupportedMachineTypes = ["q35", "microvm", "none", "x-remote", "xenfv", "xenpv"];

    /// <summary>Properties QEMU's pc machine has that HexEmu does not model.</summary>
    private static readonly string[] UnsupportedMachineProperties =
    [
        "usb", "vmport", "acpi", "hpet", "smm", "graphics", "dump-guest-core", "mem-merge", "kernel-irqchip",
        "suppress-vmdesc", "i8042", "sata", "pit", "pic", "smbus", "max-ram-below-4g", "memory-backend", "firmware",
        "nvdimm", "sgx-epc", "hmat", "pflash0", "pflash1", "kernel", "initrd", "append", "dtb", "dumpdtb",
        "phandle-start", "dt-compatible", "memory-encryption", "confidential-guest-support", "boot", "smp",
        "nvdimm-persistence", "default-bus-bypass-iommu", "vmport", "bus-lock-ratelimit",
    ];

    private static void ApplyMachine(ParseState s, string option, string value)
    {
        var args = OptionArgs.Parse(option, value, "type", ["type", "accel", .. UnsupportedMachineProperties]);
        string? type = args.Get("type");
        if (type is "help" or "?")
        {
            s.Options = s.Options with { Action = HostAction.ListMachines };
            return;
        }
        string accel = args.Get("accel") ?? "tcg";
        if (accel != "tcg")
            throw args.Error($"accelerator '{accel}' not supported by hexemu (it is its own accelerator: accel=tcg or nothing)");
        foreach (string property in UnsupportedMachineProperties)
            if (args.Has(property))
                throw args.Error($"machine property '{property}' not supported by hexemu");
        if (type is null) return;
        var match = MachineTypes.FirstOrDefault(m => m.Name == type);
        if (match.Name is null)
        {
            if (UnsupportedMachineTypes.Contains(type) || type.StartsWith("pc-", StringComparison.Ordinal))
                throw args.Error($"machine type '{type}' not supported by hexemu (use -machine help to list supported machines)");
            throw args.Error("unsupported machine type (use -machine help to list supported machines)");
        }
        s.Options = s.Options with { Machine = match.Type };
    }

    private static void ApplyCpu(ParseState s, string value)
    {
        var parts = SubOptions.SplitEscaped(value);
        string name = parts[0];
        if (name is "help" or "?")
        {
            s.Options = s.Options with { Action = HostAction.ListCpus };
            return;
        }
        if (name == "host")
            throw new CommandLineException($"-cpu {value}: CPU model 'host' requires KVM or HVF (hexemu emulates the CPU)");
        string baseName = name.EndsWith("-v1", StringComparison.Ordinal) ? name[..^3] : name;
        var match = CpuModels.FirstOrDefault(c => c.Name == baseName);
        if (match.Name is null)
        {
            if (UnsupportedCpuModels.Contains(baseName) || UnsupportedCpuModels.Any(u => baseName.StartsWith(u + "-", StringComparison.Ordinal)))
                throw new CommandLineException($"-cpu {value}: CPU model '{name}' not supported by hexemu (see -cpu help)");
            throw new CommandLineException($"-cpu {value}: unable to find CPU model '{name}'");
        }
        if (parts.Count > 1)
            throw new CommandLineException($"-cpu {value}: CPU feature flags are not supported by hexemu");
        s.Options = s.Options with { Cpu = match.Model };
    }

    /// <summary>-smp: HexEmu emulates one CPU; any topology that multiplies to 1 is accepted.</summary>
    private static void ApplySmp(string value)
    {
        var args = OptionArgs.Parse("-smp", value, "cpus", "cpus", "sockets", "dies", "clusters", "cores", "threads", "maxcpus");
        foreach (string key in (string[])["cpus", "sockets", "dies", "clusters", "cores", "threads", "maxcpus"])
        {
            ulong? n = args.GetNumber(key);
            if (n is not null && n != 1)
                throw args.Error("hexemu emulates a single CPU: SMP is not supported (use -smp 1)");
        }
    }

    /// <summary>-m [size=]N[KMG]: a bare number is MiB, as QEMU reads it.</summary>
    public static uint ParseMemorySize(string text)
    {
        var args = OptionArgs.Parse("-m", text, "size", "size", "slots", "maxmem");
        if (args.Has("slots") || args.Has("maxmem")) throw args.Error("memory hotplug (slots=, maxmem=) is not supported by hexemu");
        string size = args.Get("size") ?? throw args.Error("missing 'size' parameter");
        var invalid = args.Error("Parameter 'size' expects a non-negative number below 2^64 (optional suffix K, M, G, T)");
        if (size.Length == 0) throw invalid;
        ulong multiplier = 1UL << 20;
        char last = size[^1];
        if (char.IsLetter(last))
        {
            multiplier = char.ToUpperInvariant(last) switch
            {
                'B' => 1,
                'K' => 1UL << 10,
                'M' => 1UL << 20,
                'G' => 1UL << 30,
                'T' => 1UL << 40,
                _ => throw invalid,
            };
            size = size[..^1];
        }
        if (!double.TryParse(size, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
            throw invalid;
        double bytes = number * multiplier;
        if (bytes < 1 << 20) throw args.Error("RAM size too small (at least 1M)");
        if (bytes > 2047.0 * (1 << 20)) throw args.Error("RAM size too large for an i386 PC here (at most 2047M)");
        ulong rounded = ((ulong)bytes + 0xFFF) & ~0xFFFUL;
        return (uint)rounded;
    }

    /// <summary>
    /// -initrd "file1 args,file2": Multiboot modules separated by commas (",," is a literal comma),
    /// each a path followed, after the first space, by the module's command line.
    /// </summary>
    public static IReadOnlyList<MultibootModule> ParseInitrd(string text)
    {
        var modules = new List<MultibootModule>();
        foreach (string part in SubOptions.SplitEscaped(text))
        {
            int space = part.IndexOf(' ');
            string path = space < 0 ? part : part[..space];
            if (path.Length == 0) throw new CommandLineException($"-initrd {text}: empty module file name");
            modules.Add(new MultibootModule(path, space < 0 ? "" : part[(space + 1)..]));
        }
        return modules;
    }
}
