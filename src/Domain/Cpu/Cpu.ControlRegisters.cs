namespace HexEmu.Domain.Cpu;

/// <summary>
/// Writes to the control and debug registers with their side effects (SDM vol. 3, 2.5 and
/// 4.10.4; vol. 2, MOV—Move to/from Control Registers, MOV—Move to/from Debug Registers).
/// Privilege checks are the instructions' business; these only validate values and apply them.
/// </summary>
public sealed partial class Cpu
{
    /// <summary>CR0 bits software can change; ET is fixed by the model (no coprocessor), the rest reads as 0.</summary>
    public const uint Cr0Writable = CR0.PE | CR0.MP | CR0.EM | CR0.TS | CR0.NE | CR0.WP | CR0.AM | CR0.NW | CR0.CD | CR0.PG;

    /// <summary>CR4 bits we implement: 4 MiB pages, RDTSC restricted to CPL 0, debugging extensions.</summary>
    public const uint Cr4Implemented = CR4.PSE | CR4.TSD | CR4.DE;

    /// <summary>
    /// Loads CR0 (MOV CR0, LMSW, a task switch does not touch it). PG without PE, or NW without CD,
    /// is #GP(0). A change of PE, PG or WP drops every translation; a change of PE also switches
    /// how segment caches are checked and, leaving protected mode, makes the CPL 0.
    /// </summary>
    public void WriteCr0(uint value)
    {
        if ((value & CR0.PG) != 0 && (value & CR0.PE) == 0) Fault(Vector.GP, 0);
        if ((value & CR0.NW) != 0 && (value & CR0.CD) == 0) Fault(Vector.GP, 0);
        uint updated = (value & Cr0Writable) | (Model.ResetCr0 & CR0.ET);
        uint changed = Cr0 ^ updated;
        Cr0 = updated;
        if ((changed & (CR0.PE | CR0.PG | CR0.WP)) != 0) FlushTlb();
        if ((changed & CR0.PE) != 0)
        {
            bool protectedMode = ProtectedMode;
            for (int s = 0; s < Seg.Count; s++) Segs[s].Refresh(protectedMode);
            if (!protectedMode) SetCpl(0);
        }
        EndBlock();
    }

    /// <summary>Loads CR3, the page directory base: every translation is dropped (SDM vol. 3, 4.10.4.1).</summary>
    public void WriteCr3(uint value)
    {
        Cr3 = value;
        FlushTlb();
        EndBlock();
    }

    /// <summary>Loads CR4: a bit we do not implement is #GP(0); changing PSE drops every translation.</summary>
    public void WriteCr4(uint value)
    {
        if ((value & ~Cr4Implemented) != 0) Fault(Vector.GP, 0);
        uint changed = Cr4 ^ value;
        Cr4 = value;
        if ((changed & CR4.PSE) != 0) FlushTlb();
        EndBlock();
    }

    /// <summary>
    /// Loads a debug register (storage only: breakpoints are not armed). DR6 and DR7 keep their
    /// fixed bits: DR6 bits 4–11 and 16–31 read as 1 and bit 12 as 0; DR7 bit 10 reads as 1 and
    /// bits 11, 12, 14 and 15 as 0 (SDM vol. 3, 18.2).
    /// </summary>
    public void WriteDr(int n, uint value)
    {
        Dr[n] = n switch
        {
            6 => (value & 0x0000_E00F) | 0xFFFF_0FF0,
            7 => (value & 0xFFFF_23FF) | 0x0000_0400,
            _ => value,
        };
    }
}
