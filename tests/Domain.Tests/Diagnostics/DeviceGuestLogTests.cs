using HexEmu.Domain.Devices.Ata;
using HexEmu.Domain.Devices.Keyboard;
using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Io;
using HexEmu.Domain.Storage;
using HexEmu.Domain.Tests.Support;

namespace HexEmu.Domain.Tests.Diagnostics;

/// <summary>Devices report commands HexEmu does not implement (-d unimp) and commands no device knows (-d guest_errors).</summary>
public class DeviceGuestLogTests
{
    private sealed class ListSink : ILogSink
    {
        public List<string> Lines { get; } = [];
        public void Write(string text) => Lines.Add(text);
    }

    private static (IoBus Bus, ListSink Sink) Ata(LogItems items)
    {
        var sink = new ListSink();
        var bus = new IoBus();
        new AtaChannel(AtaChannelPorts.Primary, new RecordingIrqLine(), new MemoryBlockDevice(100), null, new GuestLog(items, sink)).MapPorts(bus);
        bus.Write(0x1F6, 1, 0xE0); // master, LBA
        return (bus, sink);
    }

    [Fact]
    public void A_dma_read_is_reported_as_unimplemented_and_aborted()
    {
        var (bus, sink) = Ata(LogItems.Unimp | LogItems.GuestErrors);
        bus.Write(0x1F7, 1, 0xC8); // READ DMA
        Assert.Equal(0x04u, bus.Read(0x1F1, 1)); // ABRT
        Assert.Equal(["ide: command 0xc8 is not implemented (PIO-only disk): aborted\n"], sink.Lines);
    }

    [Fact]
    public void An_opcode_no_disk_knows_is_a_guest_error()
    {
        var (bus, sink) = Ata(LogItems.Unimp | LogItems.GuestErrors);
        bus.Write(0x1F7, 1, 0x8F);
        Assert.Equal(["ide: unknown command 0x8f: aborted\n"], sink.Lines);
    }

    [Fact]
    public void Nothing_is_written_for_items_that_are_off()
    {
        var (bus, sink) = Ata(LogItems.GuestErrors);
        bus.Write(0x1F7, 1, 0xC8);
        Assert.Empty(sink.Lines);
    }

    [Fact]
    public void The_keyboard_controller_reports_commands_it_ignores()
    {
        var sink = new ListSink();
        var kbc = new I8042Controller(new RecordingIrqLine(), new RecordingIrqLine(), _ => { }, () => { }, new GuestLog(LogItems.Unimp, sink));
        kbc.Write(0x64, 1, 0xA1); // "read controller version", a vendor command PCs do without
        Assert.Equal(["i8042: controller command 0xa1 ignored\n"], sink.Lines);
    }
}
