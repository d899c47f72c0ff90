using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HexEmu.Bench;

/// <summary>Guest programs for the benchmark: endless loops whose speed is measured over a fixed instruction count.</summary>
internal static class Workloads
{
    private const uint Data = 0x10_0000;
    private const uint JumpTable = 0x13_0000;

    /// <summary>
    /// A CPU-bound mix: integer arithmetic, REP MOVSD and REP STOSB, near calls and returns, and
    /// a switch through a jump table — the shapes a kernel or compiler spends its time in.
    /// </summary>
    public static byte[] Mixed(FlatMachine m)
    {
        var a = new Assembler(32);
        Label outer = a.CreateLabel(), arith = a.CreateLabel(), calls = a.CreateLabel(), sw = a.CreateLabel(),
            swNext = a.CreateLabel(), func = a.CreateLabel();
        var cases = Enumerable.Range(0, 8).Select(_ => a.CreateLabel()).ToArray();

        a.Label(ref outer);
        // Integer arithmetic.
        a.mov(ecx, 64);
        a.Label(ref arith);
        a.add(eax, ebx);
        a.imul(eax, eax, 3);
        a.xor(edx, eax);
        a.shr(edx, 3);
        a.sub(ebx, edx);
        a.lea(esi, __[eax + ebx * 2 + 1]);
        a.and(esi, 0xFFFF);
        a.dec(ecx);
        a.jnz(arith);
        // String operations.
        a.cld();
        a.mov(esi, Data);
        a.mov(edi, Data + 0x1_0000);
        a.mov(ecx, 256);
        a.rep.movsd();
        a.mov(edi, Data + 0x2_0000);
        a.mov(al, 0x5A);
        a.mov(ecx, 512);
        a.rep.stosb();
        // Near calls and returns.
        a.mov(ecx, 32);
        a.Label(ref calls);
        a.call(func);
        a.dec(ecx);
        a.jnz(calls);
        // A switch through a jump table.
        a.mov(ecx, 128);
        a.Label(ref sw);
        a.mov(edx, ecx);
        a.and(edx, 7);
        a.jmp(__dword_ptr[edx * 4 + (int)JumpTable]);
        for (int k = 0; k < cases.Length; k++)
        {
            a.Label(ref cases[k]);
            a.add(eax, k + 1);
            a.jmp(swNext);
        }
        a.Label(ref swNext);
        a.dec(ecx);
        a.jnz(sw);
        a.jmp(outer);

        a.Label(ref func);
        a.push(ebx);
        a.mov(ebx, eax);
        a.add(ebx, ecx);
        a.rol(ebx, 5);
        a.xor(eax, ebx);
        a.pop(ebx);
        a.ret();

        byte[] code = m.Load(a, out ulong[] addresses, cases);
        for (int k = 0; k < addresses.Length; k++)
            BitConverter.TryWriteBytes(m.Memory.Ram[(int)(JumpTable + 4 * k)..], (uint)addresses[k]);
        return code;
    }

    /// <summary>Only MOV, Jcc and JMP: what the core implements on its own, to measure the run loop and memory fast paths.</summary>
    public static byte[] MovJmp(FlatMachine m)
    {
        var a = new Assembler(32);
        Label top = a.CreateLabel(), skip = a.CreateLabel(), far = a.CreateLabel();
        a.Label(ref top);
        a.mov(eax, __dword_ptr[Data]);
        a.mov(__dword_ptr[Data + 4], eax);
        a.mov(ebx, eax);
        a.mov(ecx, __dword_ptr[Data + 8]);
        a.mov(__dword_ptr[Data + 12], ecx);
        a.jne(skip); // ZF is clear: taken
        a.mov(edx, 1);
        a.Label(ref skip);
        a.mov(esi, edx);
        a.mov(__byte_ptr[Data + 16], bl);
        a.mov(di, __word_ptr[Data + 18]);
        a.je(far); // not taken
        a.mov(ebp, esi);
        a.jmp(top);
        a.Label(ref far);
        a.jmp(top);
        return m.Load(a);
    }

    /// <summary>
    /// Register moves in blocks of <paramref name="movesPerBlock"/> instructions plus a JMP: the
    /// difference between short and long blocks is the run loop's cost per block.
    /// </summary>
    public static byte[] Blocks(FlatMachine m, int movesPerBlock)
    {
        var a = new Assembler(32);
        var labels = Enumerable.Range(0, 8).Select(_ => a.CreateLabel()).ToArray();
        for (int b = 0; b < labels.Length; b++)
        {
            a.Label(ref labels[b]);
            for (int k = 0; k < movesPerBlock; k++)
                if (k % 2 == 0) a.mov(eax, ebx); else a.mov(ecx, edx);
            a.jmp(labels[(b + 1) % labels.Length]);
        }
        return m.Load(a);
    }
}
