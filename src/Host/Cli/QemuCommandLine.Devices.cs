namespace HexEmu.Host.Cli;

public static partial class QemuCommandLine
{
    internal static readonly (string Name, string Description)[] DeviceModels =
    [
        ("isa-debug-exit", "a port whose write of V exits with status (V << 1) | 1 (iobase=0x501, iosize=2)"),
        ("isa-debugcon", "a port whose writes go to a chardev (iobase=0xe9, chardev=ID)"),
    ];

    private static void ApplyDevice(ParseState s, string value)
    {
        var first = OptionArgs.Parse("-device", SubOptions.SplitEscaped(value)[0], "driver", "driver");
        string driver = first.Get("driver") ?? "";
        switch (driver)
        {
            case "help" or "?":
                s.Options = s.Options with { Action = HostAction.ListDevices };
                return;
            case "isa-debug-exit":
            {
                var args = OptionArgs.Parse("-device", value, "driver", "driver", "iobase", "iosize");
                var device = new DebugExitDevice(
                    (ushort)DeviceNumber(args, driver, "iobase", 0x501, 0xFFFF),
                    (ushort)DeviceNumber(args, driver, "iosize", 2, 4));
                if (device.IoSize == 0) throw args.Error($"Property '{driver}.iosize' doesn't take value 0 (1 to 4)");
                if (s.Options.DebugExit is not null) throw args.Error("hexemu supports one isa-debug-exit device");
                s.Options = s.Options with { DebugExit = device };
                return;
            }
            case "isa-debugcon":
            {
                var args = OptionArgs.Parse("-device", value, "driver", "driver", "iobase", "chardev");
                var port = (ushort)DeviceNumber(args, driver, "iobase", DebugConDevice.DefaultIoBase, 0xFFFF);
                string? chardev = args.Get("chardev");
                if (string.IsNullOrEmpty(chardev)) throw args.Error("Can't create debugcon device, empty char device");
                s.DebugconDevices.Add((new DebugConDevice(port, chardev), $"-device {value}"));
                return;
            }
            default:
                throw new CommandLineException($"-device {value}: device '{driver}' not supported by hexemu (see -device help)");
        }
    }

    /// <summary>A device property: unknown keys were refused by the parser, so only value errors remain (QEMU's wording).</summary>
    private static uint DeviceNumber(OptionArgs args, string driver, string key, uint fallback, uint max)
    {
        string? text = args.Get(key);
        if (text is null) return fallback;
        ulong n = OptionArgs.ParseInteger(text) ?? throw args.Error($"Parameter '{key}' expects integer");
        if (n > max) throw args.Error($"Property '{driver}.{key}' doesn't take value {n} (maximum {max})");
        return (uint)n;
    }

    internal static DriveDraft ParseDrive(string value)
    {
        var args = OptionArgs.Parse("-drive", value, null,
            "file", "format", "if", "index", "bus", "unit", "media", "id", "readonly", "cache", "snapshot", "aio", "discard");
        foreach (string key in (string[])["cache", "aio", "discard"])
            if (args.Has(key)) throw args.Error($"drive option '{key}' is not supported by hexemu");
        string file = args.Get("file") ?? "";
        if (file.Length == 0) throw args.Error("file= is required (empty drives are not supported by hexemu)");
        DriveFormat? format = args.Get("format") switch
        {
            null => null,
            "raw" => DriveFormat.Raw,
            "qcow2" => DriveFormat.Qcow2,
            var other => throw args.Error($"Unknown driver '{other}'"),
        };
        var face = args.Get("if") switch
        {
            null or "ide" => DriveInterface.Ide,
            "none" => DriveInterface.None,
            "scsi" or "floppy" or "pflash" or "mtd" or "sd" or "virtio" or "xen" => throw args.Error($"interface '{args.Get("if")}' not supported by hexemu (ide or none)"),
            var other => throw args.Error($"unsupported bus type '{other}'"),
        };
        switch (args.Get("media"))
        {
            case null or "disk": break;
            case "cdrom": throw args.Error("media=cdrom not supported by hexemu yet");
            case var other: throw args.Error($"'{other}' invalid media");
        }
        int? index = null;
        if (args.Has("index"))
        {
            ulong n = args.GetNumber("index")!.Value;
            if (args.Has("bus") || args.Has("unit")) throw args.Error("index cannot be used with bus and unit");
            if (n > 3) throw args.Error($"index {n} out of range (IDE drives are 0 to 3)");
            index = (int)n;
        }
        else if (args.Has("bus") || args.Has("unit"))
        {
            ulong bus = args.GetNumber("bus") ?? 0, unit = args.GetNumber("unit") ?? 0;
            if (bus > 1) throw args.Error($"bus {bus} out of range (IDE has buses 0 and 1)");
            if (unit > 1) throw args.Error($"unit {unit} too big (max is 1)");
            index = (int)(bus * 2 + unit);
        }
        return new DriveDraft($"-drive {value}", file, face, index, args.Get("id"), args.GetBool("readonly", false))
        {
            Format = format,
            Snapshot = args.GetBool("snapshot", false),
        };
    }
}

/// <summary>A drive before automatic indexes and ids are assigned.</summary>
internal sealed record DriveDraft(string Option, string Path, DriveInterface Interface, int? Index, string? Id, bool ReadOnly)
{
    public DriveFormat? Format { get; init; }
    public bool Snapshot { get; init; }

    public static DriveDraft FromLegacy(string option, string path, int index) =>
        new($"{option} {path}", path, DriveInterface.Ide, index, null, false);

    /// <summary>Gives IDE drives without index= the first free one, as QEMU does, and default ids ("ide0-hd0", "none0").</summary>
    public static IReadOnlyList<DriveSpec> Resolve(IReadOnlyList<DriveDraft> drafts)
    {
        var taken = new HashSet<int>();
        foreach (var d in drafts.Where(d => d.Interface == DriveInterface.Ide && d.Index is not null))
            if (!taken.Add(d.Index!.Value))
                throw new CommandLineException($"{d.Option}: drive with bus={d.Index / 2}, unit={d.Index % 2} (index={d.Index}) exists");
        var result = new List<DriveSpec>();
        int noneCount = 0;
        foreach (var d in drafts)
        {
            int index;
            if (d.Interface == DriveInterface.None)
                index = noneCount++;
            else if (d.Index is int fixedIndex)
                index = fixedIndex;
            else
            {
                index = Enumerable.Range(0, 4).FirstOrDefault(i => !taken.Contains(i), -1);
                if (index < 0) throw new CommandLineException($"{d.Option}: no free IDE slot (at most 4 drives)");
                taken.Add(index);
            }
            string id = d.Id ?? (d.Interface == DriveInterface.Ide ? $"ide{index / 2}-hd{index % 2}" : $"none{index}");
            if (result.Any(r => r.Id == id)) throw new CommandLineException($"{d.Option}: Duplicate ID '{id}' for drive");
            result.Add(new DriveSpec(d.Path, d.Interface, index, id, d.ReadOnly) { Format = d.Format, Snapshot = d.Snapshot });
        }
        return result;
    }
}
