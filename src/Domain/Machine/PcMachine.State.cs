using HexEmu.Domain.Memory;
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

    /// <summary>
    /// The whole state, for VM snapshots: every section, RAM's included, and the TLB's (a guest
    /// can tell a flushed TLB from its own, see <see cref="HexEmu.Domain.Cpu.TlbContents"/>; the state digest of
    /// record/replay leaves it out, as recordings always have).
    /// </summary>
    public void SaveState(StateWriter w)
    {
        SaveSections(w, includeMemory: true);
        Cpu.CaptureTlb().Save(w);
    }

    /// <summary>
    /// Saves every section, RAM's only with <paramref name="includeMemory"/>. RAM's section also
    /// carries the A20 gate: whoever leaves it out keeps RAM and <see cref="PhysicalMemory.A20Mask"/>
    /// themselves (the reverse debugger's checkpoints keep RAM incrementally).
    /// </summary>
    public void SaveState(StateWriter w, bool includeMemory) => SaveSections(w, includeMemory);

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
        _chipset.Lapic?.SaveState(w);
        _chipset.IoApic?.SaveState(w);
        _chipset.Pit.SaveState(w);
        _chipset.Port61.SaveState(w);
        _chipset.Keyboard.SaveState(w);
        _chipset.Port92.SaveState(w);
        _chipset.Cga.SaveState(w);
        foreach (var uart in _chipset.Serial) uart?.SaveState(w);
        foreach (var channel in _chipset.Ide) channel.SaveState(w);
    }

    /// <summary>
    /// Loads every section; if any is malformed the machine is put back exactly as it was and the
    /// error goes on. A state without a TLB section (older, or made elsewhere) starts with an empty TLB.
    /// </summary>
    public void LoadState(StateReader r)
    {
        var tlb = r.HasSection(HexEmu.Domain.Cpu.TlbContents.StateSection) ? HexEmu.Domain.Cpu.TlbContents.Read(r) : null;
        var tlbBefore = Cpu.CaptureTlb();
        try
        {
            LoadState(r, includeMemory: true);
        }
        catch (StateFormatException)
        {
            Cpu.RestoreTlb(tlbBefore);
            throw;
        }
        if (tlb is not null) Cpu.RestoreTlb(tlb);
    }

    /// <summary>
    /// Loads what <see cref="SaveState(StateWriter, bool)"/> saved with the same
    /// <paramref name="includeMemory"/>; without it RAM and the A20 gate stay as they are. All or
    /// nothing, without ever copying RAM (see below).
    /// </summary>
    public void LoadState(StateReader r, bool includeMemory)
    {
        // RAM's section is checked whole before anything changes and loaded last, once nothing
        // else can fail: the backup for a malformed state then never needs a copy of RAM.
        if (includeMemory) Memory.CheckState(r);
        var backup = new StateWriter();
        SaveSections(backup, includeMemory: false);
        try
        {
            LoadSections(r);
        }
        catch (StateFormatException)
        {
            LoadSections(new StateReader(backup.ToArray()));
            throw;
        }
        if (includeMemory) Memory.LoadState(r);
    }

    /// <summary>Every section but RAM's (which <see cref="LoadState(StateReader, bool)"/> loads last).</summary>
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
        Rtc.LoadState(r);
        _chipset.Pic.LoadState(r);
        _chipset.Lapic?.LoadState(r);
        _chipset.IoApic?.LoadState(r);
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
