using HexEmu.Domain.Devices.Ata;
using HexEmu.Domain.State;
using HexEmu.Domain.Storage;
using HexEmu.Domain.Tests.Support;

namespace HexEmu.Domain.Tests.Devices.Ata;

/// <summary>ARCHITECTURE.md §4 invariants for an IDE channel: save→load→save is byte-identical, and a reloaded channel carries on exactly like the original — half-done PIO transfers included.</summary>
public class AtaStateTests
{
    private const long Sectors = 4096;

    private static byte[] Save(AtaChannel channel)
    {
        var w = new StateWriter();
        channel.SaveState(w);
        return w.ToArray();
    }

    /// <summary>A fresh channel over copies of <paramref name="from"/>'s disks (the images are not part of the state).</summary>
    private static AtaRig CopyDisks(AtaRig from) => new(
        new MemoryBlockDevice(((MemoryBlockDevice)from.Master!).Contents.ToArray()),
        new MemoryBlockDevice(((MemoryBlockDevice)from.Slave!).Contents.ToArray()));

    private static AtaRig TwoDisks()
    {
        var master = new MemoryBlockDevice(Sectors);
        var slave = new MemoryBlockDevice(Sectors);
        var rig = new AtaRig(master, slave);
        AtaRig.Fill(master);
        AtaRig.Fill(slave);
        // The slave gets non-default settings: translation, multiple count, write cache off.
        rig.Out(AtaRig.Device, 0xB7);
        rig.Out(AtaRig.Count, 9);
        rig.Out(AtaRig.Command, 0x91);
        rig.Out(AtaRig.Count, 2);
        rig.Out(AtaRig.Command, 0xC6);
        rig.Out(AtaRig.Features, 0x82);
        rig.Out(AtaRig.Command, 0xEF);
        rig.In(AtaRig.Status);
        return rig;
    }

    /// <summary>Master in the middle of a READ MULTIPLE EXT: second block of four, 100 bytes read; INTRQ asserted; HOB set.</summary>
    private static AtaRig HalfwayThroughARead()
    {
        var rig = TwoDisks();
        rig.Select(0);
        rig.Out(AtaRig.Count, 4);
        rig.Out(AtaRig.Command, 0xC6);
        rig.Lba48(0x29, lba: 0x345, count: 10);
        rig.In(AtaRig.Status);
        rig.ReadBlock(4);
        for (int i = 0; i < 50; i++) rig.InW(AtaRig.Data);
        rig.Out(AtaRig.Control, 0x80);
        return rig;
    }

    /// <summary>Slave in the middle of a WRITE MULTIPLE: first block of two written, 300 bytes of the second.</summary>
    private static AtaRig HalfwayThroughAWrite()
    {
        var rig = TwoDisks();
        rig.Lba28(0xC5, lba: 0x77, count: 5, unit: 1);
        rig.WriteBlock(AtaRig.Pattern(1000, 2));
        for (int i = 0; i < 75; i++) rig.OutD(AtaRig.Data, 0xC0DE0000u + (uint)i);
        return rig;
    }

    /// <summary>Everything a driver can see from here on, in a fixed order (reads have side effects, so both copies get the same sequence).</summary>
    private static List<int> FinishAndObserve(AtaRig rig, bool write)
    {
        var seen = new List<int>();
        int levelsBefore = rig.Irq.Levels.Count;
        seen.Add(rig.Channel.IrqLevel ? 1 : 0);
        foreach (ushort port in new[] { AtaRig.Error, AtaRig.Count, AtaRig.LbaLow, AtaRig.LbaMid, AtaRig.LbaHigh, AtaRig.Device, AtaRig.AltStatus })
            seen.Add(rig.In(port));
        rig.Out(AtaRig.Control, 0x00);
        // Move data until the drive stops asking for it.
        for (int i = 0; i < 20_000 && (rig.In(AtaRig.AltStatus) & AtaRig.Drq) != 0; i++)
        {
            if (write) rig.OutW(AtaRig.Data, (ushort)(i * 3));
            else seen.Add(rig.InW(AtaRig.Data));
            if (i % 256 == 255) seen.Add(rig.In(AtaRig.Status));
        }
        foreach (ushort port in new[] { AtaRig.Status, AtaRig.Error, AtaRig.Count, AtaRig.LbaLow, AtaRig.LbaMid, AtaRig.LbaHigh, AtaRig.Device })
            seen.Add(rig.In(port));
        // Settings survive too: IDENTIFY of both devices.
        seen.AddRange(rig.Identify(0).Select(w => (int)w));
        seen.AddRange(rig.Identify(1).Select(w => (int)w));
        seen.AddRange(rig.Irq.Levels.Skip(levelsBefore).Select(l => l ? 1 : 0));
        return seen;
    }

    [Fact]
    public void Save_load_save_is_byte_identical()
    {
        foreach (var rig in new[] { TwoDisks(), HalfwayThroughARead(), HalfwayThroughAWrite() })
        {
            var state = Save(rig.Channel);
            var copy = CopyDisks(rig);
            copy.Channel.LoadState(new StateReader(state));
            Assert.Equal(state, Save(copy.Channel));
        }
    }

    [Fact]
    public void A_reloaded_channel_finishes_a_half_read_block_and_the_rest_of_the_command_identically()
    {
        var original = HalfwayThroughARead();
        var copy = CopyDisks(original);
        copy.Channel.LoadState(new StateReader(Save(original.Channel)));
        Assert.Equal(original.Channel.IrqLevel, copy.Channel.IrqLevel);

        var expected = FinishAndObserve(original, write: false);
        Assert.Equal(expected, FinishAndObserve(copy, write: false));
        Assert.True(expected.Count > 2 * 256 + 100, "the read was really unfinished");
    }

    [Fact]
    public void A_reloaded_channel_finishes_a_half_written_block_and_the_rest_of_the_command_identically()
    {
        var original = HalfwayThroughAWrite();
        var copy = CopyDisks(original);
        copy.Channel.LoadState(new StateReader(Save(original.Channel)));

        Assert.Equal(FinishAndObserve(original, write: true), FinishAndObserve(copy, write: true));
        Assert.Equal(((MemoryBlockDevice)original.Slave!).Contents.ToArray(), ((MemoryBlockDevice)copy.Slave!).Contents.ToArray());
        // The words written before the save reached the disk through the copy as well.
        Assert.Equal(0xC0DE0000u, BitConverter.ToUInt32(((MemoryBlockDevice)copy.Slave!).Contents[((0x77 + 2) * 512)..]));
    }

    [Fact]
    public void A_state_saved_with_other_disks_is_refused_and_leaves_the_channel_unchanged()
    {
        var rig = HalfwayThroughARead();
        var state = Save(rig.Channel);
        var other = new AtaRig(new MemoryBlockDevice(Sectors + 1), new MemoryBlockDevice(Sectors));
        var before = Save(other.Channel);
        var e = Assert.Throws<StateFormatException>(() => other.Channel.LoadState(new StateReader(state)));
        Assert.Contains("device 0", e.Message);
        Assert.Equal(before, Save(other.Channel));

        var noSlave = new AtaRig(new MemoryBlockDevice(Sectors));
        Assert.Throws<StateFormatException>(() => noSlave.Channel.LoadState(new StateReader(state)));
    }

    [Fact]
    public void A_malformed_section_is_rejected_and_leaves_the_channel_unchanged()
    {
        var rig = HalfwayThroughAWrite();
        var good = Save(rig.Channel);
        var target = HalfwayThroughARead();
        var before = Save(target.Channel);

        // The payload starts after: magic (4), format (2), name length (1), "ide0" (4), version (2), length (4).
        const int payload = 4 + 2 + 1 + 4 + 2 + 4;
        var badSelect = (byte[])good.Clone();
        badSelect[payload + 1] = 2;
        Assert.Throws<StateFormatException>(() => target.Channel.LoadState(new StateReader(badSelect)));
        Assert.Equal(before, Save(target.Channel));

        var truncated = new StateWriter();
        truncated.BeginSection("ide0", AtaChannel.StateVersion);
        truncated.WriteBytes(good.AsSpan(payload, 40));
        truncated.EndSection();
        Assert.Throws<StateFormatException>(() => target.Channel.LoadState(new StateReader(truncated.ToArray())));
        Assert.Equal(before, Save(target.Channel));
    }

    [Fact]
    public void Each_channel_has_its_own_section()
    {
        var w = new StateWriter();
        foreach (var ports in AtaChannelPorts.All)
            new AtaChannel(ports, new RecordingIrqLine(), new MemoryBlockDevice(10), null).SaveState(w);
        Assert.Equal(["ide0", "ide1"], new StateReader(w.ToArray()).SectionNames);
    }
}
