using HexEmu.Domain.Machine;
using HexEmu.Domain.Storage;
using HexEmu.Domain.State;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HexEmu.Domain.Tests.Machine;

/// <summary>
/// Whole-machine checkpoints on our guests: a restored checkpoint has the state digest (RAM
/// included) the machine had when it was taken, and runs on exactly as the original run did —
/// whatever the order of takes, restores and discards.
/// </summary>
public class MachineCheckpointsTests
{
    /// <summary>The original run: the state digest (RAM included) at every slice boundary, by icount.</summary>
    private sealed class Tape
    {
        public readonly Dictionary<long, ulong> DigestAt = [];
    }

    private sealed record Taken(long Icount, ulong Digest, byte[][] Disks);

    /// <summary>Every sector of each disk, read through the disk as the guest reads it.</summary>
    private static byte[][] DiskContents(IEnumerable<IBlockDevice?> disks) =>
        [.. disks.OfType<IBlockDevice>().Select(d =>
        {
            var bytes = new byte[d.SectorCount * IBlockDevice.SectorSize];
            Assert.True(d.TryRead(0, bytes));
            return bytes;
        })];

    /// <summary>
    /// Runs <paramref name="slices"/> slices of <paramref name="slice"/> instructions (or to the
    /// guest's exit), recording the digest at every boundary and taking a checkpoint at every
    /// <paramref name="takeEvery"/>-th.
    /// </summary>
    private static (Tape Tape, Dictionary<int, Taken> Taken) RunOriginal(PcMachine m, MachineCheckpoints checkpoints, long slice, int slices, int takeEvery)
    {
        var tape = new Tape();
        var taken = new Dictionary<int, Taken>();
        for (int k = 0; ; k++)
        {
            ulong digest = m.ComputeStateDigest(includeRam: true);
            tape.DigestAt[m.Cpu.Icount] = digest;
            if (k % takeEvery == 0)
            {
                int id = checkpoints.Take(tag: k);
                Assert.Equal(digest, m.ComputeStateDigest(includeRam: true)); // taking changes nothing
                taken[id] = new Taken(m.Cpu.Icount, digest, DiskContents(m.Config.Disks));
            }
            if (k == slices) break;
            if (m.Run(slice) is MachineStop.GuestExit or MachineStop.Shutdown)
            {
                tape.DigestAt[m.Cpu.Icount] = m.ComputeStateDigest(includeRam: true);
                break;
            }
        }
        return (tape, taken);
    }

    private static void AssertRestored(PcMachine m, MachineCheckpoints checkpoints, int id, Taken expected)
    {
        checkpoints.Restore(id);
        Assert.Equal(expected.Icount, m.Cpu.Icount);
        Assert.Equal(expected.Icount, checkpoints.IcountOf(id));
        Assert.True(expected.Digest == m.ComputeStateDigest(includeRam: true), $"checkpoint {id} at icount {expected.Icount} restored to another state");
        var disks = DiskContents(m.Config.Disks);
        for (int d = 0; d < disks.Length; d++)
            Assert.True(expected.Disks[d].AsSpan().SequenceEqual(disks[d]), $"checkpoint {id}: disk {d} reads otherwise than when taken");
    }

    /// <summary>
    /// Restores random checkpoints, runs a slice from each and compares with the original run at
    /// the same icount; sometimes takes a checkpoint there (so checkpoints are taken after
    /// restores, between older ones), sometimes discards one. Finally every live checkpoint is
    /// restored once more, all are discarded, and nothing is left held.
    /// </summary>
    private static void Shuffle(PcMachine m, MachineCheckpoints checkpoints, Tape tape, Dictionary<int, Taken> taken, long slice, int seed, int operations)
    {
        var rng = new Random(seed);
        long tapeEnd = tape.DigestAt.Keys.Max();
        int takesAfterRestore = 0, discards = 0;
        for (int op = 0; op < operations; op++)
        {
            var ids = taken.Keys.Order().ToList();
            if (ids.Count > 1 && rng.Next(4) == 0)
            {
                int gone = ids[rng.Next(ids.Count)];
                checkpoints.Discard(gone);
                taken.Remove(gone);
                discards++;
                continue;
            }
            int id = ids[rng.Next(ids.Count)];
            AssertRestored(m, checkpoints, id, taken[id]);
            if (m.Cpu.Icount >= tapeEnd) continue; // the original run went no further
            m.Run(slice);
            Assert.True(tape.DigestAt.TryGetValue(m.Cpu.Icount, out ulong expected), $"the run from checkpoint {id} stopped at {m.Cpu.Icount}, where the original never stood");
            Assert.True(expected == m.ComputeStateDigest(includeRam: true), $"the run from checkpoint {id} reached icount {m.Cpu.Icount} in another state than the original run");
            if (rng.Next(2) == 0)
            {
                int fresh = checkpoints.Take(tag: op);
                Assert.DoesNotContain(fresh, ids);
                taken[fresh] = new Taken(m.Cpu.Icount, expected, DiskContents(m.Config.Disks));
                takesAfterRestore++;
            }
        }
        Assert.True(takesAfterRestore > 0 && discards > 0);
        Assert.Equal(taken.Count, checkpoints.Count);
        foreach (var id in taken.Keys.OrderBy(_ => rng.Next())) AssertRestored(m, checkpoints, id, taken[id]);
        foreach (var id in taken.Keys.OrderBy(_ => rng.Next())) checkpoints.Discard(id);
        Assert.Equal(0, checkpoints.Count);
        Assert.Equal(0, checkpoints.BytesHeld);
    }

    [Fact]
    public void The_devices_guest_on_128_MiB_comes_back_exactly_and_runs_on_as_it_did()
    {
        var m = CheckpointGuests.Kernel("devices.elf");
        var checkpoints = new MachineCheckpoints(m);
        var (tape, taken) = RunOriginal(m, checkpoints, slice: 400_000, slices: 30, takeEvery: 3);
        Assert.Equal(11, taken.Count);
        Shuffle(m, checkpoints, tape, taken, slice: 400_000, seed: 6, operations: 24);
    }

    [Fact]
    public void The_timer_guest_sleeping_in_hlt_comes_back_exactly_at_every_tick()
    {
        var serial = new CheckpointGuests.Collect();
        var m = CheckpointGuests.Kernel("timer.elf", serial, ram: 16 << 20);
        var checkpoints = new MachineCheckpoints(m);
        var (tape, taken) = RunOriginal(m, checkpoints, slice: 700, slices: 1000, takeEvery: 2);
        Assert.Equal(3, m.ExitCode); // all its checks passed: the run was a real one
        Assert.True(taken.Count > 20);
        Shuffle(m, checkpoints, tape, taken, slice: 700, seed: 7, operations: 80);
    }

    [Fact]
    public void The_ata_guest_reads_back_the_sectors_it_had_when_a_checkpoint_was_taken()
    {
        var serial = new CheckpointGuests.Collect();
        var m = CheckpointGuests.Kernel("ata.elf", serial, [CheckpointGuests.AtaDisk(), null, CheckpointGuests.AtaDisk()], ram: 16 << 20);
        var checkpoints = new MachineCheckpoints(m);
        var (tape, taken) = RunOriginal(m, checkpoints, slice: 20_000, slices: 1000, takeEvery: 1);
        Assert.Equal(3, m.ExitCode);
        Assert.Equal(File.ReadAllText(CheckpointGuests.GuestPath("ata.expected"), System.Text.Encoding.Latin1), serial.Text);

        // The guest writes sectors 100-101 and 32-39 and then puts them back: some checkpoints
        // must have been taken in between, or this test would prove nothing about disks.
        byte[] image = File.ReadAllBytes(CheckpointGuests.GuestPath("ata.img"));
        var during = taken.Where(t => !t.Value.Disks[0].AsSpan().SequenceEqual(image)).Select(t => t.Key).ToList();
        Assert.NotEmpty(during);
        Assert.True(taken[taken.Keys.Max()].Disks[0].AsSpan().SequenceEqual(image));

        // Straight from the end (disk back as the image) to a checkpoint with changed sectors.
        AssertRestored(m, checkpoints, during[0], taken[during[0]]);
        Shuffle(m, checkpoints, tape, taken, slice: 20_000, seed: 8, operations: 120);
    }

    [Fact]
    public void A_guest_dirtying_many_pages_costs_a_copy_of_each_per_checkpoint_and_comes_back()
    {
        const uint pages = 2048; // 8 MiB from 4 MiB on, every page rewritten every ~8 200 instructions
        var m = CheckpointGuests.Flat(CheckpointGuests.Dirtier(4 << 20, pages), 32 << 20);
        var checkpoints = new MachineCheckpoints(m);
        var (tape, taken) = RunOriginal(m, checkpoints, slice: 50_000, slices: 6, takeEvery: 1);
        Assert.Equal(7, taken.Count);

        // The first checkpoint, taken before the guest ran, holds its code page (nothing else in
        // RAM is non-zero); every later one a new copy of each of those pages.
        long perPage = checkpoints.BytesHeld / (6 * pages);
        Assert.InRange(perPage, 4096, 4096 + 200);
        Shuffle(m, checkpoints, tape, taken, slice: 50_000, seed: 9, operations: 20);
    }

    [Fact]
    public void A_guest_that_writes_one_page_costs_about_one_page_per_checkpoint()
    {
        // A counter in one page: apart from the first checkpoint (code and counter), each holds one
        // page copy and the device state, a few KiB.
        var m = CheckpointGuests.Flat(a =>
        {
            var loop = a.CreateLabel();
            a.Label(ref loop);
            a.inc(__dword_ptr[0x20_0000]);
            a.jmp(loop);
        }, 32 << 20);
        var checkpoints = new MachineCheckpoints(m);
        m.Run(1000);
        checkpoints.Take();
        for (int k = 0; k < 100; k++)
        {
            m.Run(1000);
            checkpoints.Take();
        }
        // 102 page copies in all, in slabs of 64 (the last one partly empty).
        Assert.InRange(checkpoints.BytesHeld, 102 * 4096L, 102 * (4096L + 8 * 1024) + HexEmu.Domain.Memory.PageStore.SlabCost);
    }

    [Fact]
    public void A_guest_that_resets_the_pc_again_and_again_comes_back_across_the_resets()
    {
        // Counts in RAM, then resets through the keyboard controller; the boot loader runs again
        // at every reset and counts boots in RAM too.
        var m = RealModeBoot.Machine(a =>
        {
            var loop = a.CreateLabel();
            a.mov(cx, 3000);
            a.Label(ref loop);
            a.inc(__dword_ptr[RealModeBoot.DataAddress]);
            a.dec(cx);
            a.jnz(loop);
            a.mov(al, 0xFE);
            a.@out(0x64, al);
            a.hlt();
        });
        var checkpoints = new MachineCheckpoints(m);
        var (tape, taken) = RunOriginal(m, checkpoints, slice: 2_500, slices: 60, takeEvery: 2);
        Assert.InRange(m.Resets, 10, 20);
        Shuffle(m, checkpoints, tape, taken, slice: 2_500, seed: 10, operations: 80);
    }

    /// <summary>
    /// Enables paging (identity map of the first 4 MiB), reads linear 1 MiB so the TLB holds it,
    /// then points its page table entry at 2 MiB without INVLPG and keeps reading it: the value
    /// read says whether the TLB was flushed on the way (1 MiB holds 0x11111111, 2 MiB 0x22222222).
    /// </summary>
    private static PcMachine StaleTranslationGuest() => CheckpointGuests.Flat(a =>
    {
        var loop = a.CreateLabel();
        a.mov(eax, 0x2_0000);
        a.mov(cr3, eax);
        a.mov(eax, cr0);
        a.or(eax, unchecked((int)0x8000_0000));
        a.mov(cr0, eax);
        a.mov(eax, __dword_ptr[0x10_0000]);
        a.mov(__dword_ptr[0x2_1000 + 0x100 * 4], 0x20_0000 | 7);
        a.Label(ref loop);
        a.mov(eax, __dword_ptr[0x10_0000]);
        a.mov(__dword_ptr[0x5000], eax);
        a.inc(__dword_ptr[0x5004]);
        a.jmp(loop);
    }, 8 << 20, m =>
    {
        FlatProgramBoot.Poke32(m, 0x2_0000, 0x2_1000 | 7);
        for (uint i = 0; i < 1024; i++) FlatProgramBoot.Poke32(m, 0x2_1000 + i * 4, i << 12 | 7);
        FlatProgramBoot.Poke32(m, 0x10_0000, 0x1111_1111);
        FlatProgramBoot.Poke32(m, 0x20_0000, 0x2222_2222);
    });

    [Fact]
    public void Taking_checkpoints_does_not_change_how_the_guest_runs_not_even_through_its_tlb()
    {
        PcMachine plain = StaleTranslationGuest(), checkpointed = StaleTranslationGuest(), flushed = StaleTranslationGuest();
        var checkpoints = new MachineCheckpoints(checkpointed);
        foreach (var m in new[] { plain, checkpointed, flushed }) m.Run(20);
        for (int k = 0; k < 10; k++)
        {
            checkpoints.Take();
            flushed.Cpu.FlushTlb();
            foreach (var m in new[] { plain, checkpointed, flushed }) m.Run(300);
        }
        Assert.Equal(0x1111_1111u, RealModeBoot.Peek32(plain, 0x5000));     // the stale translation
        Assert.Equal(0x2222_2222u, RealModeBoot.Peek32(flushed, 0x5000));   // a flush would show
        Assert.Equal(plain.ComputeStateDigest(includeRam: true), checkpointed.ComputeStateDigest(includeRam: true));

        // And the pages written through that kept TLB were still noticed: restoring brings them back.
        ulong digest = checkpointed.ComputeStateDigest(includeRam: true);
        int id = checkpoints.Take();
        checkpointed.Run(1000);
        checkpoints.Restore(id);
        Assert.Equal(digest, checkpointed.ComputeStateDigest(includeRam: true));
    }

    [Fact]
    public void A_restored_checkpoint_has_its_tlb_back_so_the_guest_runs_on_as_it_did()
    {
        var m = StaleTranslationGuest();
        var checkpoints = new MachineCheckpoints(m);
        m.Run(50); // paging on, the PTE changed behind the TLB's back
        int id = checkpoints.Take();
        m.Run(3_000);
        ulong original = m.ComputeStateDigest(includeRam: true);
        Assert.Equal(0x1111_1111u, RealModeBoot.Peek32(m, 0x5000)); // read through the stale translation

        m.Run(5_000);
        checkpoints.Restore(id);
        m.Run(3_000);
        Assert.Equal(0x1111_1111u, RealModeBoot.Peek32(m, 0x5000)); // an emptied TLB would walk and read 0x22222222
        Assert.Equal(original, m.ComputeStateDigest(includeRam: true));

        // Pages the restored TLB writes directly are still tracked: a second restore puts them back.
        checkpoints.Restore(id);
        m.Run(3_000);
        Assert.Equal(original, m.ComputeStateDigest(includeRam: true));
    }

    [Fact]
    public void A_saved_machine_state_keeps_the_tlb_too_and_a_bad_tlb_section_changes_nothing()
    {
        var m = StaleTranslationGuest();
        m.Run(50);
        var saved = new StateWriter();
        m.SaveState(saved);
        m.Run(3_000);
        ulong original = m.ComputeStateDigest(includeRam: true);

        m.LoadState(new StateReader(saved.ToArray()));
        m.Run(3_000);
        Assert.Equal(0x1111_1111u, RealModeBoot.Peek32(m, 0x5000)); // still the stale translation
        Assert.Equal(original, m.ComputeStateDigest(includeRam: true));

        // The same state with a TLB entry whose tag does not belong in its slot.
        var bad = new StateWriter();
        var good = new StateReader(saved.ToArray());
        m.LoadState(good);
        m.SaveState(bad, includeMemory: true);
        bad.BeginSection(HexEmu.Domain.Cpu.TlbContents.StateSection, HexEmu.Domain.Cpu.TlbContents.StateVersion);
        bad.WriteBool(false);
        bad.WriteU32(1);
        bad.WriteU16(5);
        foreach (uint tag in new uint[] { 0x100, 0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF, 0x100 }) bad.WriteU32(tag);
        bad.EndSection();
        m.Run(1_000);
        var before = new StateWriter();
        m.SaveState(before);
        Assert.Throws<StateFormatException>(() => m.LoadState(new StateReader(bad.ToArray())));
        var after = new StateWriter();
        m.SaveState(after);
        Assert.Equal(before.ToArray(), after.ToArray());
    }

    [Fact]
    public void The_a20_gate_comes_back_with_the_checkpoint()
    {
        var m = RealModeBoot.Machine(a =>
        {
            var loop = a.CreateLabel();
            a.Label(ref loop);
            a.inc(__dword_ptr[RealModeBoot.DataAddress]);
            a.jmp(loop);
        });
        var checkpoints = new MachineCheckpoints(m);
        m.Run(100);
        ulong digest = m.ComputeStateDigest(includeRam: true);
        int id = checkpoints.Take();
        m.Memory.SetA20(false);
        m.Run(100);
        checkpoints.Restore(id);
        Assert.Equal(0xFFFF_FFFFu, m.Memory.A20Mask);
        Assert.Equal(digest, m.ComputeStateDigest(includeRam: true));

        int closed = checkpoints.Take();
        m.Memory.SetA20(false);
        ulong closedDigest = m.ComputeStateDigest(includeRam: true);
        int closedId = checkpoints.Take();
        checkpoints.Restore(closed);
        checkpoints.Restore(closedId);
        Assert.Equal(0xFFEF_FFFFu, m.Memory.A20Mask);
        Assert.Equal(closedDigest, m.ComputeStateDigest(includeRam: true));
    }

    [Fact]
    public void Ids_are_never_reused_and_keep_their_tags()
    {
        var m = CheckpointGuests.Flat(a => { var l = a.CreateLabel(); a.Label(ref l); a.jmp(l); }, 4 << 20);
        var checkpoints = new MachineCheckpoints(m);
        int a = checkpoints.Take("first");
        int b = checkpoints.Take(42);
        checkpoints.Discard(a);
        int c = checkpoints.Take();
        Assert.Equal(3, new[] { a, b, c }.Distinct().Count());
        Assert.Equal(42, checkpoints.TagOf(b));
        Assert.Null(checkpoints.TagOf(c));
        Assert.Equal(2, checkpoints.Count);
        Assert.False(checkpoints.Contains(a));
        Assert.Throws<ArgumentException>(() => checkpoints.Restore(a));
        Assert.Throws<ArgumentException>(() => checkpoints.Discard(a));
        Assert.Throws<ArgumentException>(() => checkpoints.TagOf(a));
        Assert.Throws<ArgumentException>(() => checkpoints.Restore(12345));
    }

    [Fact]
    public void A_disk_written_in_place_makes_taking_a_checkpoint_fail_clearly()
    {
        var m = new PcMachine(new MachineConfig
        {
            RamBytes = 2 << 20,
            BootLoader = new RealModeBoot(a => a.hlt()),
            Disks = [new MemoryBlockDevice(16, readOnly: true), new MemoryBlockDevice(16)],
        });
        var checkpoints = new MachineCheckpoints(m);
        var error = Assert.Throws<InvalidOperationException>(() => checkpoints.Take());
        Assert.Contains("disk 1", error.Message);
        Assert.Equal(0, checkpoints.Count);
    }

    [Fact]
    public void Read_only_disks_need_no_overlay()
    {
        var m = new PcMachine(new MachineConfig
        {
            RamBytes = 2 << 20,
            BootLoader = new RealModeBoot(a => a.hlt()),
            Disks = [new MemoryBlockDevice(16, readOnly: true)],
        });
        var checkpoints = new MachineCheckpoints(m);
        checkpoints.Restore(checkpoints.Take());
        Assert.Equal(1, checkpoints.Count);
    }
}
