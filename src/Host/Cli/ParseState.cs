namespace HexEmu.Host.Cli;

/// <summary>
/// What the options said, in order, before QEMU's cross-option rules run: chardev references
/// may point forward, defaults depend on -nographic/-nodefaults and on what else was given.
/// </summary>
internal sealed class ParseState
{
    public const int MaxSerialPorts = 4;
    public const string MonitorId = "compat_monitor0";

    public HostOptions Options { get; set; } = new();
    public bool SawAppend { get; set; }
    public string? Initrd { get; set; }
    public List<LegacyChardev> SerialSpecs { get; } = [];
    public List<LegacyChardev> MonitorSpecs { get; } = [];
    public List<LegacyChardev> DebugconSpecs { get; } = [];
    public List<(DebugConDevice Device, string Option)> DebugconDevices { get; } = [];
    private readonly List<ChardevSpec> _chardevs = [];
    private readonly List<DriveDraft> _drives = [];
    private string? _monitorMuxId;

    private readonly Dictionary<string, string> _origins = [];

    /// <param name="origin">The option that declared it ("-chardev null,id=a"), for error messages.</param>
    public void AddChardev(ChardevSpec spec, string origin)
    {
        if (_chardevs.Any(c => c.Id == spec.Id))
            throw new CommandLineException($"{origin}: Duplicate ID '{spec.Id}' for chardev");
        _chardevs.Add(spec);
        _origins[spec.Id] = origin;
    }

    public void AddDrive(DriveDraft drive) => _drives.Add(drive);

    public HostOptions Resolve()
    {
        var o = Options;
        if (o.KernelPath is null && Initrd is not null) throw new CommandLineException("-initrd only allowed with -kernel option");
        if (o.KernelPath is null && SawAppend) throw new CommandLineException("-append only allowed with -kernel option");

        var frontends = new List<(string Id, string Option)>();
        var serialIds = ResolveSerials(frontends, o);
        string? monitorId = ResolveMonitor(frontends, o);
        var debugCons = ResolveDebugCons(frontends);
        CheckFrontends(frontends);
        CheckSingleStdio();

        return o with
        {
            Chardevs = _chardevs.ToArray(),
            SerialPorts = serialIds,
            MonitorChardev = monitorId,
            DebugCons = debugCons,
            Drives = DriveDraft.Resolve(_drives),
            InitrdModules = Initrd is null ? [] : QemuCommandLine.ParseInitrd(Initrd),
        };
    }

    /// <summary>QEMU's defaults: the monitor shares stdio with COM1 under -nographic unless -serial or -monitor was given.</summary>
    private bool DefaultSerial(HostOptions o) => !o.NoDefaults && SerialSpecs.Count == 0;

    private bool DefaultMonitor(HostOptions o) => !o.NoDefaults && MonitorSpecs.Count == 0;

    private List<string> ResolveSerials(List<(string, string)> frontends, HostOptions o)
    {
        var specs = SerialSpecs.ToList();
        if (DefaultSerial(o))
        {
            if (o.NoGraphic && DefaultMonitor(o))
                specs.Add(new LegacyChardev("-serial", "mon:stdio", new ChardevBackend.Stdio(), MonitorMux: true));
            else if (o.NoGraphic)
                specs.Add(new LegacyChardev("-serial", "stdio", new ChardevBackend.Stdio()));
            else
                // QEMU's default is a "vc" on its display; HexEmu has none, so COM1 exists and discards output.
                specs.Add(new LegacyChardev("-serial", "vc", new ChardevBackend.VirtualConsole()));
        }
        var ids = new List<string>();
        foreach (var spec in specs)
        {
            if (spec.IsNone) continue;
            if (ids.Count == MaxSerialPorts)
                throw new CommandLineException($"{spec.Option} {spec.Text}: too many serial ports (at most {MaxSerialPorts})");
            string id = Bind(spec, $"serial{ids.Count}", frontends);
            ids.Add(id);
            if (spec.MonitorMux)
            {
                if (_monitorMuxId is not null)
                    throw new CommandLineException($"{spec.Option} {spec.Text}: hexemu supports only one monitor");
                _monitorMuxId = id;
                frontends.Add((id, $"{spec.Option} {spec.Text}"));
            }
        }
        return ids;
    }

    private string? ResolveMonitor(List<(string, string)> frontends, HostOptions o)
    {
        if (MonitorSpecs.Count > 1 || (MonitorSpecs.Count == 1 && _monitorMuxId is not null && !MonitorSpecs[0].IsNone))
            throw new CommandLineException($"-monitor {MonitorSpecs[^1].Text}: hexemu supports only one monitor");
        if (MonitorSpecs.Count == 1)
            return MonitorSpecs[0].IsNone ? _monitorMuxId : Bind(MonitorSpecs[0], MonitorId, frontends);
        // A mon:stdio serial (the -nographic default included) already carries the monitor.
        if (_monitorMuxId is not null) return _monitorMuxId;
        if (DefaultMonitor(o) && o.NoGraphic)
            return Bind(new LegacyChardev("-monitor", "stdio", new ChardevBackend.Stdio()), MonitorId, frontends);
        // QEMU puts the default monitor on a display console; without a display there is none to talk to.
        return null;
    }

    private List<DebugConDevice> ResolveDebugCons(List<(string, string)> frontends)
    {
        var result = new List<DebugConDevice>();
        foreach (var spec in DebugconSpecs)
        {
            if (spec.IsNone) continue;
            string id = Bind(spec, result.Count == 0 ? "debugcon" : $"debugcon{result.Count}", frontends);
            result.Add(new DebugConDevice(DebugConDevice.DefaultIoBase, id));
        }
        foreach (var (device, option) in DebugconDevices)
        {
            if (!_chardevs.Any(c => c.Id == device.ChardevId))
                throw new CommandLineException($"{option}: Property 'isa-debugcon.chardev' can't find value '{device.ChardevId}'");
            frontends.Add((device.ChardevId, option));
            result.Add(device);
        }
        return result;
    }

    /// <summary>Turns a legacy spelling into a chardev (or resolves chardev:ID) and records the frontend using it.</summary>
    private string Bind(LegacyChardev spec, string implicitId, List<(string, string)> frontends)
    {
        string id;
        if (spec.Reference is not null)
        {
            if (!_chardevs.Any(c => c.Id == spec.Reference))
                throw new CommandLineException($"{spec.Option} {spec.Text}: chardev '{spec.Reference}' not found");
            id = spec.Reference;
        }
        else
        {
            id = implicitId;
            AddChardev(new ChardevSpec(id, spec.Backend!, spec.MonitorMux), $"{spec.Option} {spec.Text}");
        }
        frontends.Add((id, $"{spec.Option} {spec.Text}"));
        return id;
    }

    /// <summary>A chardev without mux=on serves one frontend (QEMU: "Device 'x' is in use").</summary>
    private void CheckFrontends(List<(string Id, string Option)> frontends)
    {
        foreach (var group in frontends.GroupBy(f => f.Id))
        {
            var spec = _chardevs.First(c => c.Id == group.Key);
            int count = group.Count();
            if (!spec.Mux && count > 1)
                throw new CommandLineException($"{group.ElementAt(1).Option}: Device '{group.Key}' is in use");
            if (spec.Mux && count > CharMuxLimits.MaxFrontends)
                throw new CommandLineException($"{group.Last().Option}: too many uses of multiplexed chardev '{group.Key}' (at most {CharMuxLimits.MaxFrontends})");
        }
    }

    private void CheckSingleStdio()
    {
        var stdio = _chardevs.Where(c => c.Backend is ChardevBackend.Stdio).ToList();
        if (stdio.Count > 1)
            throw new CommandLineException($"{_origins[stdio[1].Id]}: cannot use stdio by multiple character devices");
    }
}

/// <summary>How many frontends one mux chardev serves (QEMU's limit).</summary>
public static class CharMuxLimits
{
    public const int MaxFrontends = 4;
}

/// <summary>
/// A -serial/-monitor/-debugcon argument: none, a reference to a -chardev id, or a backend.
/// <paramref name="MonitorMux"/>: "mon:DEV", the monitor shares this device.
/// </summary>
internal sealed record LegacyChardev(string Option, string Text, ChardevBackend? Backend, string? Reference = null, bool MonitorMux = false)
{
    public bool IsNone => Backend is null && Reference is null;
}
