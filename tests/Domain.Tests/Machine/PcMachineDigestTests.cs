using HexEmu.Domain.Cpu;
using HexEmu.Domain.Machine;
using HexEmu.Domain.State;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HexEmu.Domain.Tests.Machine;

/// <summary>The state digest a replay checkpoint carries: equal for equal machines, sensitive to CPU, device and RAM state, and free of side effects.</summary>
public class PcMachineDigestTests
{
    /// <summary>Starts PIT channel 0 (so timers have state to advance), then counts in EBX and writes it to RAM forever.</summary>
    private static void TimerAndCounter(Assembler a)
    {
        a.mov(al, 0x34);
        a.@out(0x43, al);
        a.mov(al, 0x34);
        a.@out(0x40, al);
        a.mov(al, 0x12);
        a.@out(0x40, al);
        var loop = a.CreateLabel();
        a.Label(ref loop);
        a.inc(ebx);
        a.mov(__dword_ptr[RealModeBoot.DataAddress], ebx);
        a.jmp(loop);
    }

    private static PcMachine Started(long instructions = 100_000)
    {
        var m = RealModeBoot.Machine(TimerAndCounter);
        m.Run(instructions);
        return m;
    }

    private static byte[] Saved(PcMachine m)
    {
        var w = new StateWriter();
        m.SaveState(w);
        return w.ToArray();
    }

    [Fact]
    public void Identical_machines_have_identical_digests()
    {
        PcMachine a = Started(), b = Started();
        Assert.Equal(a.ComputeStateDigest(includeRam: false), b.ComputeStateDigest(includeRam: false));
        Assert.Equal(a.ComputeStateDigest(includeRam: true), b.ComputeStateDigest(includeRam: true));
    }

    [Fact]
    public void Machines_at_different_icounts_differ()
    {
        PcMachine a = Started(100_000), b = Started(100_001);
        Assert.NotEqual(a.ComputeStateDigest(includeRam: false), b.ComputeStateDigest(includeRam: false));
    }

    [Fact]
    public void A_one_byte_ram_change_changes_only_the_digest_with_ram()
    {
        PcMachine a = Started(), b = Started();
        b.Memory.Ram[0x1_2345] ^= 0x01; // a page that was all zeros
        Assert.Equal(a.ComputeStateDigest(includeRam: false), b.ComputeStateDigest(includeRam: false));
        Assert.NotEqual(a.ComputeStateDigest(includeRam: true), b.ComputeStateDigest(includeRam: true));

        PcMachine c = Started();
        c.Memory.Ram[(int)RealModeBoot.LoadAddress + 0x100] ^= 0x80; // a page with code in it
        Assert.NotEqual(a.ComputeStateDigest(includeRam: true), c.ComputeStateDigest(includeRam: true));
    }

    [Fact]
    public void A_register_change_changes_both_digests()
    {
        PcMachine a = Started(), b = Started();
        b.Cpu.Gpr[Cpu.Cpu.ESI] ^= 1;
        Assert.NotEqual(a.ComputeStateDigest(includeRam: false), b.ComputeStateDigest(includeRam: false));
        Assert.NotEqual(a.ComputeStateDigest(includeRam: true), b.ComputeStateDigest(includeRam: true));
    }

    [Fact]
    public void A_device_change_changes_the_digest()
    {
        PcMachine a = Started(), b = Started();
        b.Io.Write(0x21, 1, 0xFB); // PIC master mask
        Assert.NotEqual(a.ComputeStateDigest(includeRam: false), b.ComputeStateDigest(includeRam: false));
    }

    [Fact]
    public void The_a20_gate_is_part_of_the_digest()
    {
        PcMachine a = Started(), b = Started();
        b.Memory.SetA20(!(b.Memory.A20Mask == 0xFFFF_FFFF));
        Assert.NotEqual(a.ComputeStateDigest(includeRam: false), b.ComputeStateDigest(includeRam: false));
    }

    [Fact]
    public void Computing_it_twice_gives_the_same_value_and_leaves_the_saved_state_unchanged()
    {
        var m = Started();
        byte[] before = Saved(m);
        ulong first = m.ComputeStateDigest(includeRam: true);
        ulong second = m.ComputeStateDigest(includeRam: true);
        ulong withoutRam = m.ComputeStateDigest(includeRam: false);
        Assert.Equal(first, second);
        Assert.NotEqual(first, withoutRam);
        Assert.Equal(before, Saved(m));
    }

    [Fact]
    public void Digesting_along_the_way_does_not_change_the_run()
    {
        PcMachine watched = RealModeBoot.Machine(TimerAndCounter), plain = RealModeBoot.Machine(TimerAndCounter);
        for (int k = 0; k < 50; k++)
        {
            watched.Run(7_919 * (k + 1));
            watched.ComputeStateDigest(includeRam: k % 2 == 0);
        }
        plain.Run(watched.Cpu.Icount);
        Assert.Equal(watched.Cpu.Icount, plain.Cpu.Icount);
        Assert.Equal(Saved(plain), Saved(watched));
    }

    /// <summary>
    /// After the first call has grown the reusable buffers, digests allocate nothing. As in
    /// AllocationTests, the first rounds may allocate once while the JIT tiers methods up; a
    /// per-call allocation never reaches three zero rounds in a row.
    /// </summary>
    [Fact]
    public void A_digest_after_the_first_allocates_nothing()
    {
        var m = Started();
        var seen = new List<long>();
        int zerosInARow = 0;
        for (int round = 0; round < 30 && zerosInARow < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            m.ComputeStateDigest(includeRam: true);
            m.ComputeStateDigest(includeRam: false);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            seen.Add(allocated);
            zerosInARow = allocated == 0 ? zerosInARow + 1 : 0;
        }
        Assert.True(zerosInARow == 3, $"bytes allocated per round: {string.Join(", ", seen)}");
    }
}
