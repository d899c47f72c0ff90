using HexEmu.Domain.Diagnostics;

namespace HexEmu.Domain.Cpu;

/// <summary>
/// The hook for QEMU-style `-d` logging. The run loop tests one reference per block (null unless
/// exec or cpu is logged); every other event is rare enough to test its own.
/// </summary>
public sealed partial class Cpu
{
    private CpuTracer? _tracer;
    /// <summary>The tracer when it logs something at every block start, else null: the only field the hot path reads.</summary>
    private CpuTracer? _blockTracer;

    /// <summary>The `-d` tracer of this CPU, or null (the default) for none.</summary>
    public CpuTracer? Tracer
    {
        get => _tracer;
        set
        {
            _tracer = value is { TracesAnything: true } ? value : null;
            _blockTracer = value is { TracesBlocks: true } ? value : null;
            _blocks.InAsmTracer = value is { LogsInAsm: true } ? value : null;
        }
    }
}
