using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Io;
using HexEmu.Domain.Memory;
using HexEmu.Host.Cli;
using HexEmu.Host.Logging;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Host.Tests.Logging;

/// <summary>The `-D` file sink and the composed `-d` log: buffered, flushed on demand and at dispose, one-line errors.</summary>
public sealed class DiagnosticLogTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hexemu-log-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    [Fact]
    public void The_file_sink_buffers_until_flushed_and_keeps_what_was_written_in_order()
    {
        string path = Path.Combine(_dir, "q.log");
        using var sink = TextLogSink.Open(path);
        sink.Write("check_exception old: 0xffffffff new 0xd\n");
        sink.Write("Trace 0: 0x00010000 [00000000/00010000/000000b0/00000003] \n");
        Assert.Equal("", ReadShared(path)); // still in the buffer

        sink.Flush();

        Assert.Equal("check_exception old: 0xffffffff new 0xd\nTrace 0: 0x00010000 [00000000/00010000/000000b0/00000003] \n", ReadShared(path));
    }

    [Fact]
    public void Dispose_flushes_and_an_existing_file_is_truncated_as_QEMU_does()
    {
        string path = Path.Combine(_dir, "q.log");
        File.WriteAllText(path, "an older, longer log that must disappear\n");
        using (var sink = TextLogSink.Open(path))
            sink.Write("IN: \n");
        Assert.Equal("IN: \n", File.ReadAllText(path));
    }

    [Fact]
    public void A_log_file_that_cannot_be_opened_is_a_one_line_command_line_error()
    {
        string path = Path.Combine(_dir, "no-such-dir", "q.log");
        var e = Assert.Throws<CommandLineException>(() => TextLogSink.Open(path));
        Assert.StartsWith($"-D {path}: cannot open the log file: ", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void The_composed_log_attaches_its_tracer_and_guest_log_and_writes_to_the_file()
    {
        string path = Path.Combine(_dir, "q.log");
        var cpu = new X86Cpu(new PhysicalMemory(1 << 20), new IoBus());
        using (var log = DiagnosticLog.Open(LogItems.Int | LogItems.GuestErrors, path))
        {
            log.AttachTo(cpu, cpu.Io);
            Assert.Same(log.CpuTracer, cpu.Tracer);
            Assert.Same(log.GuestLog, cpu.Io.GuestLog);
            cpu.Io.Read(0x1234, 1);
            log.Flush();
            Assert.Equal("Invalid read at I/O port 0x1234, size 1: no device\n", ReadShared(path));
        }
    }

    [Fact]
    public void With_no_items_nothing_is_opened_and_nothing_attached()
    {
        string path = Path.Combine(_dir, "q.log");
        var cpu = new X86Cpu(new PhysicalMemory(1 << 20), new IoBus());
        using var log = DiagnosticLog.Open(LogItems.None, path);
        log.AttachTo(cpu, cpu.Io);
        Assert.Null(cpu.Tracer);
        Assert.Null(cpu.Io.GuestLog);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Guest_items_alone_attach_no_CPU_tracer()
    {
        string path = Path.Combine(_dir, "q.log");
        var cpu = new X86Cpu(new PhysicalMemory(1 << 20), new IoBus());
        using var log = DiagnosticLog.Open(LogItems.Unimp, path);
        log.AttachTo(cpu, cpu.Io);
        Assert.Null(cpu.Tracer);
        Assert.True(log.GuestLog.LogsUnimplemented);
        Assert.Null(cpu.Io.GuestLog); // unassigned ports are guest_errors, which is off
    }
}
