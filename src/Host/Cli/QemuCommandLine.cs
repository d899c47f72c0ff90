namespace HexEmu.Host.Cli;

/// <summary>
/// Parses qemu-system-i386's command line conventions: options start with one or two dashes and
/// take at most one argument; sub-options are comma-separated <c>key=value</c> pairs with
/// <c>,,</c> for a literal comma; the last occurrence of a single-valued option wins; a bare
/// argument is the first hard disk (as QEMU). An option QEMU has that HexEmu does not support is
/// an error that says so, never ignored. Error messages are QEMU's without the program prefix.
/// </summary>
public static partial class QemuCommandLine
{
    /// <summary>Options we understand, and whether each takes an argument.</summary>
    private static readonly Dictionary<string, bool> Supported = new()
    {
        ["M"] = true, ["machine"] = true, ["cpu"] = true, ["m"] = true, ["smp"] = true,
        ["kernel"] = true, ["append"] = true, ["initrd"] = true, ["bios"] = true,
        ["serial"] = true, ["chardev"] = true, ["debugcon"] = true, ["monitor"] = true,
        ["nographic"] = false, ["display"] = true, ["nodefaults"] = false,
        ["no-reboot"] = false, ["no-shutdown"] = false, ["device"] = true, ["drive"] = true, ["snapshot"] = false, ["loadvm"] = true, ["S"] = false,
        ["s"] = false, ["gdb"] = true,
        ["hda"] = true, ["hdb"] = true, ["hdc"] = true, ["hdd"] = true, ["net"] = true, ["nic"] = true,
        ["rtc"] = true, ["icount"] = true, ["d"] = true, ["D"] = true, ["name"] = true,
        ["version"] = false, ["h"] = false, ["help"] = false,
    };

    /// <summary>Other options qemu-system-i386 7.2 has (`qemu-system-i386 -h`), which HexEmu does not implement.</summary>
    private static readonly HashSet<string> KnownButUnsupported =
    [
        "preconfig", "L", "accel", "acpitable", "action", "add-fd", "async-teardown", "audio", "audio-help",
        "audiodev", "blockdev", "boot", "cdrom", "chroot", "compat", "daemonize", "dfilter", "dtb", "dump-vmstate",
        "echr", "enable-kvm", "enable-sync-profile", "fda", "fdb", "fsdev", "full-screen", "fw_cfg", "global",
        "incoming", "iscsi", "k", "mem-path", "mem-prealloc", "mon", "msg", "mtdblock", "netdev", "no-acpi",
        "no-fd-bootchk", "no-hpet", "no-user-config", "numa", "object", "only-migratable", "option-rom",
        "overcommit", "parallel", "pflash", "pidfile", "plugin", "portrait", "qmp", "qmp-pretty", "readconfig",
        "rotate", "runas", "sandbox", "sd", "seed", "set", "singlestep", "smbios", "spice", "tpmdev", "trace",
        "usb", "usbdevice", "uuid", "vga", "virtfs", "vnc", "watchdog-action", "win2k-hack", "xen-attach",
        "xen-domid", "xen-domid-restrict", "no-kvm", "soundhw", "watchdog", "alt-grab", "ctrl-grab", "sdl",
        "curses", "no-quit", "no-frame", "show-cursor", "tb-size", "semihosting", "semihosting-config",
        "bt", "g", "device-help", "machine-help", "msg", "rtc-td-hack", "localtime", "kernel-kqemu",
    ];

    public static HostOptions Parse(IReadOnlyList<string> args)
    {
        var state = new ParseState();
        for (int k = 0; k < args.Count; k++)
        {
            string arg = args[k];
            if (!arg.StartsWith('-'))
            {
                // As QEMU: a bare argument is the first hard disk image.
                state.AddDrive(DriveDraft.FromLegacy("-hda", arg, 0));
                continue;
            }
            string name = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg[1..];
            if (!Supported.TryGetValue(name, out bool takesValue))
            {
                if (KnownButUnsupported.Contains(name)) throw new CommandLineException($"option not supported by hexemu: -{name}");
                throw new CommandLineException($"{arg}: invalid option");
            }
            string value = "";
            if (takesValue)
            {
                if (k + 1 >= args.Count) throw new CommandLineException($"-{name}: requires an argument");
                value = args[++k];
            }
            // QEMU acts on these at once, ignoring whatever follows.
            if (name is "h" or "help") return new HostOptions { Action = HostAction.ShowHelp };
            if (name == "version") return new HostOptions { Action = HostAction.ShowVersion };
            Apply(state, name, value);
        }
        return state.Resolve();
    }

    private static void Apply(ParseState s, string name, string value)
    {
        switch (name)
        {
            case "M" or "machine": ApplyMachine(s, "-" + name, value); break;
            case "cpu": ApplyCpu(s, value); break;
            case "m": s.Options = s.Options with { RamBytes = ParseMemorySize(value) }; break;
            case "smp": ApplySmp(value); break;
            case "kernel": s.Options = s.Options with { KernelPath = value }; break;
            case "append": s.Options = s.Options with { KernelCommandLine = value }; s.SawAppend = true; break;
            case "initrd": s.Initrd = value; break;
            case "bios": s.Options = s.Options with { BiosPath = value }; break;
            case "serial": s.SerialSpecs.Add(ParseLegacyChardev("-serial", value)); break;
            case "monitor": s.MonitorSpecs.Add(ParseLegacyChardev("-monitor", value)); break;
            case "debugcon": s.DebugconSpecs.Add(ParseLegacyChardev("-debugcon", value)); break;
            case "chardev": s.AddChardev(ParseChardev(value), $"-chardev {value}"); break;
            case "nographic": s.Options = s.Options with { NoGraphic = true }; break;
            case "display": ApplyDisplay(value); break;
            case "nodefaults": s.Options = s.Options with { NoDefaults = true }; break;
            case "no-reboot": s.Options = s.Options with { NoReboot = true }; break;
            case "snapshot": s.Options = s.Options with { Snapshot = true }; break;
            case "loadvm": s.Options = s.Options with { LoadVm = value }; break;
            case "S": s.Options = s.Options with { StartPaused = true }; break;
            // As QEMU, the last of -s and -gdb wins; "-gdb none" means no stub.
            case "s": s.Options = s.Options with { GdbDevice = "tcp::1234" }; break;
            case "gdb": s.Options = s.Options with { GdbDevice = value == "none" ? null : value }; break;
            case "no-shutdown": s.Options = s.Options with { NoShutdown = true }; break;
            case "device": ApplyDevice(s, value); break;
            case "drive": s.AddDrive(ParseDrive(value)); break;
            case "hda" or "hdb" or "hdc" or "hdd": s.AddDrive(DriveDraft.FromLegacy("-" + name, value, name[2] - 'a')); break;
            case "net" or "nic": ApplyNetwork("-" + name, value); break;
            case "rtc": s.Options = s.Options with { Rtc = ParseRtc(value, s.Options.Rtc) }; break;
            case "icount": s.Options = s.Options with { Icount = ParseIcount(value) }; break;
            case "d": ApplyLogItems(s, value); break;
            case "D": s.Options = s.Options with { LogFile = value }; break;
            case "name": ApplyName(s, value); break;
            default: throw new CommandLineException($"-{name}: invalid option");
        }
    }

    private static void ApplyDisplay(string value)
    {
        var args = OptionArgs.Parse("-display", value, "type", "type");
        string type = args.Get("type") ?? "";
        if (type != "none")
            throw args.Error($"display '{type}' not supported by hexemu (it has no display: use -display none or -nographic)");
    }

    private static void ApplyNetwork(string option, string value)
    {
        var args = OptionArgs.Parse(option, value, "type", "type");
        if (args.Get("type") != "none")
            throw args.Error("networking not supported by hexemu (only none)");
    }

    private static void ApplyName(ParseState s, string value)
    {
        var args = OptionArgs.Parse("-name", value, "guest", "guest", "process", "debug-threads");
        args.GetBool("debug-threads", false);
        s.Options = s.Options with { Name = args.Get("guest") };
    }
}
