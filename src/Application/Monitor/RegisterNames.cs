namespace HexEmu.Application.Monitor;

/// <summary>
/// The `$name` registers of QEMU's i386 monitor. Names are case-sensitive. Values are 32-bit and, as in
/// QEMU (target_long), sign-extended into the 64-bit expression arithmetic.
/// </summary>
internal static class RegisterNames
{
    private static readonly Dictionary<string, MonitorRegister> Names = new(StringComparer.Ordinal)
    {
        ["eax"] = MonitorRegister.Eax, ["ecx"] = MonitorRegister.Ecx,
        ["edx"] = MonitorRegister.Edx, ["ebx"] = MonitorRegister.Ebx,
        ["esp"] = MonitorRegister.Esp, ["sp"] = MonitorRegister.Esp,
        ["ebp"] = MonitorRegister.Ebp, ["fp"] = MonitorRegister.Ebp,
        ["esi"] = MonitorRegister.Esi, ["edi"] = MonitorRegister.Edi,
        ["eflags"] = MonitorRegister.Eflags, ["eip"] = MonitorRegister.Eip,
        ["cs"] = MonitorRegister.Cs, ["cs.base"] = MonitorRegister.CsBase, ["cs.limit"] = MonitorRegister.CsLimit,
        ["ds"] = MonitorRegister.Ds, ["ds.base"] = MonitorRegister.DsBase, ["ds.limit"] = MonitorRegister.DsLimit,
        ["es"] = MonitorRegister.Es, ["es.base"] = MonitorRegister.EsBase, ["es.limit"] = MonitorRegister.EsLimit,
        ["ss"] = MonitorRegister.Ss, ["ss.base"] = MonitorRegister.SsBase, ["ss.limit"] = MonitorRegister.SsLimit,
        ["fs"] = MonitorRegister.Fs, ["fs.base"] = MonitorRegister.FsBase, ["fs.limit"] = MonitorRegister.FsLimit,
        ["gs"] = MonitorRegister.Gs, ["gs.base"] = MonitorRegister.GsBase, ["gs.limit"] = MonitorRegister.GsLimit,
    };

    /// <summary>The value of `$name`, or null when no register has that name.</summary>
    public static long? Read(IMonitorTarget target, string name)
    {
        if (name == "pc")
        {
            uint pc = unchecked(target.ReadRegister(MonitorRegister.CsBase) + target.ReadRegister(MonitorRegister.Eip));
            return (int)pc;
        }
        return Names.TryGetValue(name, out var register) ? (int)target.ReadRegister(register) : null;
    }
}
