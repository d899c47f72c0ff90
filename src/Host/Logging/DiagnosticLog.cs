using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Io;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Host.Logging;

/// <summary>
/// The `-d ITEMS -D FILE` log of one run, composed: the sink, the CPU tracer and the guest log
/// that devices report to. Program creates it from the options, attaches it to the CPU and the
/// I/O bus, flushes it when the machine stops, and disposes of it at exit.
/// </summary>
public sealed class DiagnosticLog : IDisposable
{
    private readonly TextLogSink? _sink;

    private DiagnosticLog(LogItems items, TextLogSink? sink)
    {
        Items = items;
        _sink = sink;
        ILogSink target = sink ?? (ILogSink)new DiscardingSink();
        GuestLog = new GuestLog(items, target);
        var tracer = new CpuTracer(items, target);
        CpuTracer = tracer.TracesAnything ? tracer : null;
    }

    /// <summary>
    /// Opens the log for <paramref name="items"/>: the file <paramref name="path"/>, or stderr when
    /// it is null. With no items nothing is opened and everything is off. A file that cannot be
    /// opened is a <see cref="Cli.CommandLineException"/>.
    /// </summary>
    public static DiagnosticLog Open(LogItems items, string? path) =>
        new(items, items == LogItems.None ? null : TextLogSink.Open(path));

    public LogItems Items { get; }

    /// <summary>For the devices: guest_errors and unimp reports go here (the disabled ones are dropped).</summary>
    public IGuestLog GuestLog { get; }

    /// <summary>The CPU tracer, or null when no CPU item (in_asm, exec, cpu, int, pcall) is on.</summary>
    public CpuTracer? CpuTracer { get; }

    /// <summary>Connects the log to the CPU (tracer) and the I/O bus (unassigned ports are guest errors).</summary>
    public void AttachTo(X86Cpu cpu, IoBus io)
    {
        cpu.Tracer = CpuTracer;
        io.GuestLog = GuestLog.LogsGuestErrors ? GuestLog : null;
    }

    /// <summary>Pushes the buffered log out: call when the machine stops or pauses.</summary>
    public void Flush() => _sink?.Flush();

    public void Dispose() => _sink?.Dispose();

    private sealed class DiscardingSink : ILogSink
    {
        public void Write(string text) { }
    }
}
