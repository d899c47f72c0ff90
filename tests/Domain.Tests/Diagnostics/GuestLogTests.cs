using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Io;

namespace HexEmu.Domain.Tests.Diagnostics;

/// <summary>`-d guest_errors` and `-d unimp`: each reported only when its item is on; unassigned ports are guest errors.</summary>
public class GuestLogTests
{
    private sealed class Port : IPortDevice
    {
        public uint Read(ushort port, int size) => 0x42;
        public void Write(ushort port, int size, uint value) { }
    }

    private static (IoBus Bus, RecordingLogSink Log) Bus(LogItems items)
    {
        var log = new RecordingLogSink();
        var bus = new IoBus { GuestLog = new GuestLog(items, log) };
        bus.Map(0x60, 1, new Port());
        return (bus, log);
    }

    [Fact]
    public void Reads_and_writes_of_unassigned_ports_are_guest_errors_with_port_size_and_value()
    {
        var (bus, log) = Bus(LogItems.GuestErrors);

        Assert.Equal(0xFFFFu, bus.Read(0x1234, 2)); // still all ones
        bus.Write(0x0080, 1, 0x55);
        bus.Write(0x0cf8, 4, 0x8000_0000);

        Assert.Equal(
        [
            "Invalid read at I/O port 0x1234, size 2: no device",
            "Invalid write at I/O port 0x0080, size 1, value 0x55: no device",
            "Invalid write at I/O port 0x0cf8, size 4, value 0x80000000: no device",
        ], log.Lines);
    }

    [Fact]
    public void Assigned_ports_report_nothing()
    {
        var (bus, log) = Bus(LogItems.GuestErrors);
        Assert.Equal(0x42u, bus.Read(0x60, 1));
        bus.Write(0x60, 1, 0);
        Assert.Equal(0, log.Writes);
    }

    [Fact]
    public void With_guest_errors_off_unassigned_ports_report_nothing()
    {
        var (bus, log) = Bus(LogItems.Unimp | LogItems.Int);
        bus.Read(0x1234, 1);
        bus.Write(0x1234, 1, 0);
        Assert.Equal(0, log.Writes);
    }

    [Fact]
    public void Each_report_goes_out_only_with_its_item_on_one_line_each()
    {
        var log = new RecordingLogSink();
        var unimpOnly = new GuestLog(LogItems.Unimp, log);
        Assert.False(unimpOnly.LogsGuestErrors);
        Assert.True(unimpOnly.LogsUnimplemented);

        unimpOnly.GuestError("i8042: bad command 0xff");
        unimpOnly.Unimplemented("serial: FIFO trigger level 14\n");
        unimpOnly.Unimplemented("pit: mode 4");

        Assert.Equal(["serial: FIFO trigger level 14", "pit: mode 4"], log.Lines);
    }

    [Fact]
    public void A_tracer_with_no_CPU_item_is_not_attached()
    {
        var h = Support.CpuHarness.RealMode();
        h.Cpu.Tracer = new CpuTracer(LogItems.GuestErrors | LogItems.Unimp, new RecordingLogSink());
        Assert.Null(h.Cpu.Tracer);
        var tracer = new CpuTracer(LogItems.Int, new RecordingLogSink());
        h.Cpu.Tracer = tracer;
        Assert.Same(tracer, h.Cpu.Tracer);
    }
}
