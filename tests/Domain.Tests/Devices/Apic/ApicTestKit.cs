using HexEmu.Domain.Cpu;
using HexEmu.Domain.Devices.Apic;
using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.State;
using HexEmu.Domain.Time;

namespace HexEmu.Domain.Tests.Devices.Apic;

/// <summary>
/// A local APIC and an I/O APIC wired to each other as the PC wires them, on a manual clock,
/// with a stand-in for the 8259 pair on LINT0 and a guest log that keeps what it is told.
/// </summary>
internal sealed class ApicTestKit
{
    public const uint Id = 0x020, VersionReg = 0x030, Tpr = 0x080, Apr = 0x090, Ppr = 0x0A0, Eoi = 0x0B0, Ldr = 0x0D0,
        Dfr = 0x0E0, Svr = 0x0F0, Isr = 0x100, Tmr = 0x180, Irr = 0x200, Esr = 0x280, IcrLow = 0x300, IcrHigh = 0x310,
        LvtTimer = 0x320, LvtThermal = 0x330, LvtPerf = 0x340, Lint0 = 0x350, Lint1 = 0x360, LvtError = 0x370,
        InitialCount = 0x380, CurrentCount = 0x390, DivideConfig = 0x3E0;

    public const uint Masked = 1u << 16, Periodic = 1u << 17, Level = 1u << 15, Logical = 1u << 11, RemoteIrr = 1u << 14;

    public ManualClock Clock { get; } = new();
    public FakePic Pic { get; } = new();
    public RecordingLog Log { get; } = new();
    public LocalApic Lapic { get; }
    public IoApic IoApic { get; }

    public ApicTestKit()
    {
        Lapic = new LocalApic(Clock, Pic, Log);
        IoApic = new IoApic(Lapic, Log);
        Lapic.EoiListener = IoApic;
    }

    /// <summary>A kit whose local APIC is software-enabled with spurious vector FFh, as every OS starts.</summary>
    public static ApicTestKit Enabled()
    {
        var kit = new ApicTestKit();
        kit.Write(Svr, 0x1FF);
        return kit;
    }

    public uint Read(uint reg) => Lapic.Read(reg, 4);

    public void Write(uint reg, uint value) => Lapic.Write(reg, 4, value);

    public uint IoRead(int reg)
    {
        IoApic.Write(0x00, 4, (uint)reg);
        return IoApic.Read(0x10, 4);
    }

    public void IoWrite(int reg, uint value)
    {
        IoApic.Write(0x00, 4, (uint)reg);
        IoApic.Write(0x10, 4, value);
    }

    /// <summary>Programs redirection entry <paramref name="pin"/>: low dword, then the destination in the high one.</summary>
    public void Route(int pin, uint low, byte destination = 0)
    {
        IoWrite(0x11 + 2 * pin, (uint)destination << 24);
        IoWrite(0x10 + 2 * pin, low);
    }

    public bool IrrBit(int vector) => (Read(Irr + (uint)(vector >> 5) * 0x10) & (1u << (vector & 31))) != 0;

    public bool IsrBit(int vector) => (Read(Isr + (uint)(vector >> 5) * 0x10) & (1u << (vector & 31))) != 0;

    public bool TmrBit(int vector) => (Read(Tmr + (uint)(vector >> 5) * 0x10) & (1u << (vector & 31))) != 0;

    /// <summary>The CPU takes an interrupt if one is pending: its vector, or null.</summary>
    public int? Take() => Lapic.HasPendingInterrupt ? Lapic.AcknowledgeInterrupt() : null;

    /// <summary>Moves virtual time to <paramref name="ns"/> and lets the timer catch up, as the machine's run loop does.</summary>
    public void At(long ns)
    {
        Clock.NowNs = ns;
        Lapic.AdvanceTo(ns);
    }

    public byte[] Save()
    {
        var w = new StateWriter();
        Lapic.SaveState(w);
        IoApic.SaveState(w);
        return w.ToArray();
    }

    public void Load(byte[] state)
    {
        var r = new StateReader(state);
        Lapic.LoadState(r);
        IoApic.LoadState(r);
    }
}

/// <summary>Stands for the 8259 pair: an INTR level and the vector its INTA cycle gives.</summary>
internal sealed class FakePic : IInterruptSource
{
    public bool Intr { get; set; }
    public byte Vector { get; set; } = 0x08;
    public int Acknowledges { get; private set; }

    public bool HasPendingInterrupt => Intr;

    public byte AcknowledgeInterrupt()
    {
        Acknowledges++;
        Intr = false;
        return Vector;
    }
}

/// <summary>A guest log with every item on, keeping the lines.</summary>
internal sealed class RecordingLog : IGuestLog
{
    public List<string> Errors { get; } = [];
    public List<string> Unimplemented { get; } = [];
    public bool LogsGuestErrors => true;
    public bool LogsUnimplemented => true;
    public void GuestError(string message) => Errors.Add(message);
    void IGuestLog.Unimplemented(string message) => Unimplemented.Add(message);
}
