using System.Text;
using HexEmu.Domain.Cpu;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Diagnostics;

/// <summary>
/// The register dump QEMU prints for an i386 CPU (`-d cpu`, `-d int`, the monitor's `info
/// registers`), for the state HexEmu models: general registers, EIP and EFLAGS with the flag
/// letters, the segment caches, descriptor tables, control and debug registers. QEMU's lazy-flag
/// line (CCS/CCD/CCO), EFER and the FPU/SSE lines have no counterpart here and are left out.
/// Reading the state changes nothing.
/// </summary>
public static class CpuStateDump
{
    /// <summary>The dump of <paramref name="cpu"/>'s state, one register group per line, each ending in '\n'.</summary>
    public static string Format(X86Cpu cpu)
    {
        var text = new StringBuilder(1024);
        AppendTo(text, cpu);
        return text.ToString();
    }

    /// <summary>Appends the dump of <paramref name="cpu"/>'s state to <paramref name="text"/>.</summary>
    public static void AppendTo(StringBuilder text, X86Cpu cpu)
    {
        var r = cpu.Gpr;
        text.Append($"EAX={r[X86Cpu.EAX]:x8} EBX={r[X86Cpu.EBX]:x8} ECX={r[X86Cpu.ECX]:x8} EDX={r[X86Cpu.EDX]:x8}\n");
        text.Append($"ESI={r[X86Cpu.ESI]:x8} EDI={r[X86Cpu.EDI]:x8} EBP={r[X86Cpu.EBP]:x8} ESP={r[X86Cpu.ESP]:x8}\n");
        uint a20 = (cpu.Memory.A20Mask >> 20) & 1;
        text.Append($"EIP={cpu.Eip:x8} EFL={cpu.Eflags:x8} [{FlagLetters(cpu.Eflags)}] CPL={cpu.Cpl} ")
            .Append($"II={(cpu.InterruptShadow ? 1 : 0)} A20={a20} SMM=0 HLT={(cpu.Halted ? 1 : 0)}\n");

        bool pe = cpu.ProtectedMode;
        ReadOnlySpan<string> names = ["ES", "CS", "SS", "DS", "FS", "GS"];
        ReadOnlySpan<int> order = [Seg.ES, Seg.CS, Seg.SS, Seg.DS, Seg.FS, Seg.GS];
        for (int k = 0; k < order.Length; k++) AppendSegment(text, names[k], in cpu.Segs[order[k]], pe);
        AppendSegment(text, "LDT", in cpu.Ldtr, pe);
        AppendSegment(text, "TR", in cpu.Tr, pe);

        text.Append($"GDT=     {cpu.GdtBase:x8} {cpu.GdtLimit:x8}\n");
        text.Append($"IDT=     {cpu.IdtBase:x8} {cpu.IdtLimit:x8}\n");
        text.Append($"CR0={cpu.Cr0:x8} CR2={cpu.Cr2:x8} CR3={cpu.Cr3:x8} CR4={cpu.Cr4:x8}\n");
        var dr = cpu.Dr;
        text.Append($"DR0={dr[0]:x8} DR1={dr[1]:x8} DR2={dr[2]:x8} DR3={dr[3]:x8} \n");
        text.Append($"DR6={dr[6]:x8} DR7={dr[7]:x8}\n");
    }

    /// <summary>QEMU's seven flag letters: D, O, S, Z, A, P, C, each '-' when clear.</summary>
    public static string FlagLetters(uint eflags) => string.Create(7, eflags, static (span, f) =>
    {
        span[0] = (f & Flags.DF) != 0 ? 'D' : '-';
        span[1] = (f & Flags.OF) != 0 ? 'O' : '-';
        span[2] = (f & Flags.SF) != 0 ? 'S' : '-';
        span[3] = (f & Flags.ZF) != 0 ? 'Z' : '-';
        span[4] = (f & Flags.AF) != 0 ? 'A' : '-';
        span[5] = (f & Flags.PF) != 0 ? 'P' : '-';
        span[6] = (f & Flags.CF) != 0 ? 'C' : '-';
    });

    /// <summary>
    /// The descriptor's high dword as QEMU shows it (bits 8–23: type, S, DPL, P, limit 19:16, AVL,
    /// D/B, G). The cache keeps the limit expanded, so its bits 19:16 are recovered from it.
    /// </summary>
    public static uint DescriptorFlags(in SegmentCache s)
    {
        uint rawLimit = s.Granularity ? s.Limit >> 12 : s.Limit;
        return ((uint)s.Attributes << 8) | (((rawLimit >> 16) & 0xF) << 16);
    }

    private static void AppendSegment(StringBuilder text, string name, in SegmentCache s, bool protectedMode)
    {
        text.Append($"{name,-3}={s.Selector:x4} {s.Base:x8} {s.Limit:x8} {DescriptorFlags(in s):x8}");
        // The decoded attributes only mean something for a present descriptor in protected mode.
        if (protectedMode && s.Present)
        {
            text.Append($" DPL={s.Dpl} ");
            if (!s.IsSystem)
            {
                int type = s.Type;
                if (s.IsCode)
                    text.Append(s.Big ? "CS32" : "CS16").Append(" [").Append((type & 4) != 0 ? 'C' : '-').Append((type & 2) != 0 ? 'R' : '-');
                else
                    text.Append(s.Big ? "DS  " : "DS16").Append(" [").Append((type & 4) != 0 ? 'E' : '-').Append((type & 2) != 0 ? 'W' : '-');
                text.Append((type & 1) != 0 ? 'A' : '-').Append(']');
            }
            else
                text.Append(SystemTypeNames[s.Type]);
        }
        text.Append('\n');
    }

    /// <summary>System descriptor types by number (SDM vol. 3, table 3-2, 32-bit mode).</summary>
    private static readonly string[] SystemTypeNames =
    [
        "Reserved", "TSS16-avl", "LDT", "TSS16-busy", "CallGate16", "TaskGate", "IntGate16", "TrapGate16",
        "Reserved", "TSS32-avl", "Reserved", "TSS32-busy", "CallGate32", "Reserved", "IntGate32", "TrapGate32",
    ];
}
