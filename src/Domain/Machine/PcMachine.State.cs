using HexEmu.Domain.State;

namespace HexEmu.Domain.Machine;

/// <summary>
/// The whole machine's state: one named section per component (ARCHITECTURE.md §4). The
/// configuration (RAM size, firmware, which ports exist) is not state: a state loads into a
/// machine built from the same configuration.
/// </summary>
public sealed partial class PcMachine
{
    public const string StateSection = "machine";
    public const ushort StateVersion = 1;

    public void SaveState(StateWriter w) => SaveSections(w, includeMemory: true);

    /// <summary>Every section in load order; without <paramref name="includeMemory"/> RAM's section is left out (the state digest hashes RAM in place).</summary>
    private void SaveSections(StateWriter w, bool includeMemory)
    {
        AdvanceTimers(); // timers keep time relative to their last update: save them at "now"
        w.BeginSection(StateSection, StateVersion);
        w.WriteI32(Resets);
        w.WriteBool(_resetRequested);
        w.WriteBool(ExitCode is not null);
        w.WriteI32(ExitCode ?? 0);
        w.EndSection();
        Clock.SaveState(w);
        Cpu.SaveState(w);
        if (includeMemory) Memory.SaveState(w);
        Rtc.SaveState(w);
        _chipset.Pic.SaveState(w);
        _chipset.Pit.SaveState(w);
        _chipset.Port61.SaveState(w);
        _chipset.Keyboard.SaveState(w);
        _chipset.Port92.SaveState(w);
        _chipset.Cga.SaveState(w);
        foreach (var uart in _chipset.Serial) uart?.SaveState(w);
        foreach (var channel in _chipset.Ide) channel.SaveState(w);
    }

    /// <summary>Loads every section; if any is malformed the machine is put back exactly as it was and the error goes on.</summary>
    public void LoadState(StateReader r)
    {
        var backup = new StateWriter();
        SaveState(backup);
        try
        {
            LoadSections(r);
        }
        catch (StateFormatException)
        {
            LoadSections(new StateReader(backup.ToArray()));
            throw;
        }
    }

    private void LoadSections(StateReader r)
    {
        var s = r.Open(StateSection, StateVersion);
        s.ExpectLength(10);
        int resets = s.ReadI32();
        bool resetRequested = s.ReadBool();
        bool exited = s.ReadBool();
        int exitCode = s.ReadI32();
        Clock.LoadState(r);
        Cpu.LoadState(r);
        Memory.LoadState(r);
        Rtc.LoadState(r);
        _chipset.Pic.LoadState(r);
        _chipset.Pit.LoadState(r);
        _chipset.Port61.LoadState(r);
        _chipset.Keyboard.LoadState(r);
        _chipset.Port92.LoadState(r);
        _chipset.Cga.LoadState(r);
        foreach (var uart in _chipset.Serial) uart?.LoadState(r);
        foreach (var channel in _chipset.Ide) channel.LoadState(r);
        Resets = resets;
        _resetRequested = resetRequested;
        ExitCode = exited ? exitCode : null;
        _chipset.ResyncTimers(Clock.NowNs);
        Cpu.FlushCodeCache();
    }
}
