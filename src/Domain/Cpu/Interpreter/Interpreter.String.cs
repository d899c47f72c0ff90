namespace HexEmu.Domain.Cpu;

using System.Runtime.CompilerServices;
using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>
/// MOVS, CMPS, SCAS, LODS, STOS, INS, OUTS with REP prefixes (SDM vol. 1, 7.3.9; vol. 2 REP).
/// The address size picks SI/DI/CX or ESI/EDI/ECX; the source is seg:(E)SI (DS unless
/// overridden), the destination always ES:(E)DI; DF picks the direction.
///
/// Each iteration of a repeated instruction retires as one instruction and the instruction is
/// interruptible between iterations: one handler call does up to min(count, budget left)
/// iterations, counts all but the last itself (the run loop counts that one), and leaves NextEip
/// at the instruction when it is not finished so it resumes after the run loop had its say. A
/// fault in an iteration leaves the registers as the previous iteration left them, with the
/// completed iterations counted. REP MOVS and REP STOS move whole page-sized chunks through host
/// pointers when both sides are plain RAM.
/// </summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterString(DispatchTable.Registrar r)
    {
        r.Add(Code.Movsb_m8_m8, &Movs8);
        r.Add(Code.Movsw_m16_m16, &Movs16);
        r.Add(Code.Movsd_m32_m32, &Movs32);
        r.Add(Code.Stosb_m8_AL, &Stos8);
        r.Add(Code.Stosw_m16_AX, &Stos16);
        r.Add(Code.Stosd_m32_EAX, &Stos32);
        r.Add(Code.Lodsb_AL_m8, &Lods8);
        r.Add(Code.Lodsw_AX_m16, &Lods16);
        r.Add(Code.Lodsd_EAX_m32, &Lods32);
        r.Add(Code.Scasb_AL_m8, &Scas8);
        r.Add(Code.Scasw_AX_m16, &Scas16);
        r.Add(Code.Scasd_EAX_m32, &Scas32);
        r.Add(Code.Cmpsb_m8_m8, &Cmps8);
        r.Add(Code.Cmpsw_m16_m16, &Cmps16);
        r.Add(Code.Cmpsd_m32_m32, &Cmps32);
        // Port I/O can raise an interrupt: one iteration per call, and the block ends.
        r.Add(Code.Insb_m8_DX, &Ins8, endsBlock: true);
        r.Add(Code.Insw_m16_DX, &Ins16, endsBlock: true);
        r.Add(Code.Insd_m32_DX, &Ins32, endsBlock: true);
        r.Add(Code.Outsb_DX_m8, &Outs8, endsBlock: true);
        r.Add(Code.Outsw_DX_m16, &Outs16, endsBlock: true);
        r.Add(Code.Outsd_DX_m32, &Outs32, endsBlock: true);
    }

    private static void Movs8(Cpu c, ref Insn i) => RunString<MovsStep>(c, ref i, 1);
    private static void Movs16(Cpu c, ref Insn i) => RunString<MovsStep>(c, ref i, 2);
    private static void Movs32(Cpu c, ref Insn i) => RunString<MovsStep>(c, ref i, 4);
    private static void Stos8(Cpu c, ref Insn i) => RunString<StosStep>(c, ref i, 1);
    private static void Stos16(Cpu c, ref Insn i) => RunString<StosStep>(c, ref i, 2);
    private static void Stos32(Cpu c, ref Insn i) => RunString<StosStep>(c, ref i, 4);
    private static void Lods8(Cpu c, ref Insn i) => RunString<LodsStep>(c, ref i, 1);
    private static void Lods16(Cpu c, ref Insn i) => RunString<LodsStep>(c, ref i, 2);
    private static void Lods32(Cpu c, ref Insn i) => RunString<LodsStep>(c, ref i, 4);
    private static void Scas8(Cpu c, ref Insn i) => RunString<ScasStep>(c, ref i, 1);
    private static void Scas16(Cpu c, ref Insn i) => RunString<ScasStep>(c, ref i, 2);
    private static void Scas32(Cpu c, ref Insn i) => RunString<ScasStep>(c, ref i, 4);
    private static void Cmps8(Cpu c, ref Insn i) => RunString<CmpsStep>(c, ref i, 1);
    private static void Cmps16(Cpu c, ref Insn i) => RunString<CmpsStep>(c, ref i, 2);
    private static void Cmps32(Cpu c, ref Insn i) => RunString<CmpsStep>(c, ref i, 4);

    /// <summary>One string operation, specialised by the JIT per implementing struct.</summary>
    private interface IStringStep
    {
        /// <summary>
        /// One iteration, restartable (everything read and checked before anything changes),
        /// advancing (E)SI/(E)DI. Returns false when a REPE/REPNE comparison ends the repetition.
        /// </summary>
        static abstract bool Step(Cpu c, ref Insn i, int size);

        /// <summary>Up to <paramref name="max"/> iterations at once through host pointers, or 0 when that is not possible here.</summary>
        static abstract uint Bulk(Cpu c, ref Insn i, int size, uint max);
    }

    /// <summary>The REP driver shared by MOVS, STOS, LODS, SCAS and CMPS.</summary>
    private static void RunString<T>(Cpu c, ref Insn i, int size) where T : struct, IStringStep
    {
        if (i.Rep == RepPrefix.None)
        {
            T.Step(c, ref i, size);
            return;
        }
        bool a32 = i.Addr32;
        uint count = a32 ? c.Gpr[Cpu.ECX] : c.Gpr[Cpu.ECX] & 0xFFFF;
        if (count == 0) return; // retires once, doing nothing
        // With TF set each iteration traps (SDM vol. 3, 18.3.1.4), so only one per call.
        long budget = (c.Eflags & Flags.TF) != 0 ? 1 : c.BudgetLeft;
        uint max = budget < count ? (uint)Math.Max(budget, 1) : count;
        uint done = 0;
        bool ended = false;
        try
        {
            while (done < max)
            {
                c.RepIterationsDone = done; // a watch hit names this iteration's icount
                uint bulk = T.Bulk(c, ref i, size, max - done);
                if (bulk == 0)
                {
                    ended = !T.Step(c, ref i, size);
                    bulk = 1;
                }
                done += bulk;
                count -= bulk;
                if (a32) c.Gpr[Cpu.ECX] = count; else c.SetReg16(Cpu.ECX, (ushort)count);
                if (ended) break;
                // A watchpoint was hit: the CPU stops after this iteration (bulk runs never touch
                // watched pages, whose tags are off the fast path, so a hit is always a Step's).
                if (c.WatchHitPending) break;
            }
        }
        catch (CpuFault)
        {
            c.RepIterationsDone = 0;
            c.Icount += done; // the completed iterations retired; the faulting one did not
            throw;
        }
        c.RepIterationsDone = 0;
        c.Icount += done - 1;
        // Iterations beyond the first used budget the block loop does not know about: end the
        // block so the run loop checks the budget (and interrupts) before the next instruction.
        if (done > 1) c.EndBlock();
        if (count != 0 && !ended) c.NextEip = c.Eip; // resume here after the run loop's checks
    }

    // ---- helpers ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint StringIndex(Cpu c, int reg, bool a32) => a32 ? c.Gpr[reg] : c.Gpr[reg] & 0xFFFF;

    /// <summary>Moves (E)SI or (E)DI by <paramref name="elements"/> elements in the DF direction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AdvanceIndex(Cpu c, int reg, bool a32, int size, uint elements)
    {
        uint bytes = elements * (uint)size;
        uint delta = (c.Eflags & Flags.DF) != 0 ? 0u - bytes : bytes;
        if (a32) c.Gpr[reg] += delta;
        else c.SetReg16(reg, (ushort)(c.Gpr[reg] + delta));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint ReadSized(Cpu c, int seg, uint offset, int size) => size switch
    {
        1 => c.Read8(seg, offset),
        2 => c.Read16(seg, offset),
        _ => c.Read32(seg, offset),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteSized(Cpu c, int seg, uint offset, int size, uint value)
    {
        if (size == 1) c.Write8(seg, offset, (byte)value);
        else if (size == 2) c.Write16(seg, offset, (ushort)value);
        else c.Write32(seg, offset, value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SetAccumulator(Cpu c, int size, uint value)
    {
        if (size == 1) c.SetReg8(Cpu.EAX, (byte)value);
        else if (size == 2) c.SetReg16(Cpu.EAX, (ushort)value);
        else c.Gpr[Cpu.EAX] = value;
    }

    private static uint SignBit(int size) => size == 1 ? 0x80u : size == 2 ? 0x8000u : 0x8000_0000u;

    /// <summary>Whether a REPE/REPNE comparison lets the repetition go on (SDM vol. 2, REP: table of termination conditions).</summary>
    private static bool RepeatAfterCompare(Cpu c, ref Insn i) =>
        i.Rep == RepPrefix.Repe ? (c.Eflags & Flags.ZF) != 0 : (c.Eflags & Flags.ZF) == 0;

    /// <summary>
    /// How many whole elements from <paramref name="offset"/> on stay inside the segment's valid
    /// range and do not wrap the address size (forward: up; DF set: down).
    /// </summary>
    private static uint ElementsInSegment(uint offset, int size, bool down, uint min, uint max)
    {
        if (offset < min || (ulong)offset + (uint)size - 1 > max) return 0;
        return down ? (offset - min) / (uint)size + 1 : (uint)(((ulong)max - offset + 1) / (uint)size);
    }

    /// <summary>How many whole elements from <paramref name="linear"/> on stay inside its page.</summary>
    private static uint ElementsInPage(uint linear, int size, bool down)
    {
        uint inPage = linear & 0xFFF;
        if (inPage + (uint)size > 0x1000) return 0;
        return down ? inPage / (uint)size + 1 : (0x1000 - inPage) / (uint)size;
    }

    /// <summary>
    /// The number of iterations a bulk move may do on one side: within the segment (and the
    /// address size) and within the page, or 0.
    /// </summary>
    private static uint BulkRoom(Cpu c, int seg, uint offset, bool a32, int size, bool down, bool write, uint max)
    {
        ref SegmentCache s = ref c.Segs[seg];
        if (write ? !s.CanWrite : !s.CanRead) return 0;
        uint limit = a32 ? s.MaxOffset : Math.Min(s.MaxOffset, 0xFFFFu);
        uint n = Math.Min(max, ElementsInSegment(offset, size, down, s.MinOffset, limit));
        return n == 0 ? 0 : Math.Min(n, ElementsInPage(s.Base + offset, size, down));
    }

    // ---- the operations ----

    private struct MovsStep : IStringStep
    {
        public static bool Step(Cpu c, ref Insn i, int size)
        {
            bool a32 = i.Addr32;
            uint v = ReadSized(c, i.Seg, StringIndex(c, Cpu.ESI, a32), size);
            WriteSized(c, Seg.ES, StringIndex(c, Cpu.EDI, a32), size, v);
            AdvanceIndex(c, Cpu.ESI, a32, size, 1);
            AdvanceIndex(c, Cpu.EDI, a32, size, 1);
            return true;
        }

        /// <summary>
        /// Copies a run of elements that stays within one page on both sides. Overlapping
        /// ranges are copied element by element in the instruction's order, so that the
        /// classic "propagate a pattern" overlaps give what the processor gives.
        /// </summary>
        public static uint Bulk(Cpu c, ref Insn i, int size, uint max)
        {
            bool a32 = i.Addr32, down = (c.Eflags & Flags.DF) != 0;
            uint si = StringIndex(c, Cpu.ESI, a32), di = StringIndex(c, Cpu.EDI, a32);
            uint n = BulkRoom(c, i.Seg, si, a32, size, down, write: false, max);
            if (n == 0) return 0;
            n = BulkRoom(c, Seg.ES, di, a32, size, down, write: true, n);
            if (n == 0) return 0;
            byte* src = c.HostPointerForRead(c.Segs[i.Seg].Base + si);
            if (src == null) return 0;
            byte* dst = c.HostPointerForWrite(c.Segs[Seg.ES].Base + di);
            if (dst == null) return 0;
            nuint bytes = n * (nuint)size;
            if (!down)
            {
                if (dst > src && dst < src + bytes)
                    CopyElementsForward(src, dst, size, n);
                else
                    Buffer.MemoryCopy(src, dst, bytes, bytes);
            }
            else
            {
                CopyElementsBackward(src, dst, size, n);
            }
            AdvanceIndex(c, Cpu.ESI, a32, size, n);
            AdvanceIndex(c, Cpu.EDI, a32, size, n);
            return n;
        }

        private static void CopyElementsForward(byte* src, byte* dst, int size, uint n)
        {
            for (uint k = 0; k < n; k++, src += size, dst += size)
            {
                if (size == 1) *dst = *src;
                else if (size == 2) Unsafe.WriteUnaligned(dst, Unsafe.ReadUnaligned<ushort>(src));
                else Unsafe.WriteUnaligned(dst, Unsafe.ReadUnaligned<uint>(src));
            }
        }

        private static void CopyElementsBackward(byte* src, byte* dst, int size, uint n)
        {
            for (uint k = 0; k < n; k++, src -= size, dst -= size)
            {
                if (size == 1) *dst = *src;
                else if (size == 2) Unsafe.WriteUnaligned(dst, Unsafe.ReadUnaligned<ushort>(src));
                else Unsafe.WriteUnaligned(dst, Unsafe.ReadUnaligned<uint>(src));
            }
        }
    }

    private struct StosStep : IStringStep
    {
        public static bool Step(Cpu c, ref Insn i, int size)
        {
            bool a32 = i.Addr32;
            WriteSized(c, Seg.ES, StringIndex(c, Cpu.EDI, a32), size, c.Gpr[Cpu.EAX]);
            AdvanceIndex(c, Cpu.EDI, a32, size, 1);
            return true;
        }

        public static uint Bulk(Cpu c, ref Insn i, int size, uint max)
        {
            bool a32 = i.Addr32, down = (c.Eflags & Flags.DF) != 0;
            uint di = StringIndex(c, Cpu.EDI, a32);
            uint n = BulkRoom(c, Seg.ES, di, a32, size, down, write: true, max);
            if (n == 0) return 0;
            byte* dst = c.HostPointerForWrite(c.Segs[Seg.ES].Base + di);
            if (dst == null) return 0;
            // Every element gets the same value, so the order does not matter: fill the range.
            byte* low = down ? dst - (n - 1) * (nuint)size : dst;
            uint eax = c.Gpr[Cpu.EAX];
            if (size == 1) new Span<byte>(low, (int)n).Fill((byte)eax);
            else if (size == 2) new Span<ushort>(low, (int)n).Fill((ushort)eax);
            else new Span<uint>(low, (int)n).Fill(eax);
            AdvanceIndex(c, Cpu.EDI, a32, size, n);
            return n;
        }
    }

    private struct LodsStep : IStringStep
    {
        public static bool Step(Cpu c, ref Insn i, int size)
        {
            bool a32 = i.Addr32;
            SetAccumulator(c, size, ReadSized(c, i.Seg, StringIndex(c, Cpu.ESI, a32), size));
            AdvanceIndex(c, Cpu.ESI, a32, size, 1);
            return true;
        }

        public static uint Bulk(Cpu c, ref Insn i, int size, uint max) => 0;
    }

    /// <summary>SCAS: compares the accumulator with ES:(E)DI (flags of accumulator − memory).</summary>
    private struct ScasStep : IStringStep
    {
        public static bool Step(Cpu c, ref Insn i, int size)
        {
            bool a32 = i.Addr32;
            uint sign = SignBit(size), mask = sign | (sign - 1);
            uint b = ReadSized(c, Seg.ES, StringIndex(c, Cpu.EDI, a32), size);
            uint a = c.Gpr[Cpu.EAX] & mask;
            Alu.SetStatus(c, Alu.SubStatus(a, b, size));
            AdvanceIndex(c, Cpu.EDI, a32, size, 1);
            return RepeatAfterCompare(c, ref i);
        }

        public static uint Bulk(Cpu c, ref Insn i, int size, uint max) => 0;
    }

    /// <summary>CMPS: compares seg:(E)SI with ES:(E)DI (flags of source − destination).</summary>
    private struct CmpsStep : IStringStep
    {
        public static bool Step(Cpu c, ref Insn i, int size)
        {
            bool a32 = i.Addr32;
            uint a = ReadSized(c, i.Seg, StringIndex(c, Cpu.ESI, a32), size);
            uint b = ReadSized(c, Seg.ES, StringIndex(c, Cpu.EDI, a32), size);
            Alu.SetStatus(c, Alu.SubStatus(a, b, size));
            AdvanceIndex(c, Cpu.ESI, a32, size, 1);
            AdvanceIndex(c, Cpu.EDI, a32, size, 1);
            return RepeatAfterCompare(c, ref i);
        }

        public static uint Bulk(Cpu c, ref Insn i, int size, uint max) => 0;
    }

    // ---- INS and OUTS: one iteration per call ----

    private static void Ins8(Cpu c, ref Insn i) => Ins(c, ref i, 1);
    private static void Ins16(Cpu c, ref Insn i) => Ins(c, ref i, 2);
    private static void Ins32(Cpu c, ref Insn i) => Ins(c, ref i, 4);
    private static void Outs8(Cpu c, ref Insn i) => Outs(c, ref i, 1);
    private static void Outs16(Cpu c, ref Insn i) => Outs(c, ref i, 2);
    private static void Outs32(Cpu c, ref Insn i) => Outs(c, ref i, 4);

    /// <summary>
    /// INS: port DX → ES:(E)DI. The I/O permission and the destination are checked before the
    /// port is read, since reading a port may have side effects a restart would repeat.
    /// </summary>
    private static void Ins(Cpu c, ref Insn i, int size)
    {
        bool a32 = i.Addr32;
        if (i.Rep != RepPrefix.None && StringIndex(c, Cpu.ECX, a32) == 0) return;
        ushort port = (ushort)c.Gpr[Cpu.EDX];
        c.CheckIoPermission(port, size);
        uint di = StringIndex(c, Cpu.EDI, a32);
        c.CheckAccess(Seg.ES, di, size, write: true);
        WriteSized(c, Seg.ES, di, size, c.Io.Read(port, size));
        AdvanceIndex(c, Cpu.EDI, a32, size, 1);
        CountOneIoIteration(c, ref i, a32);
    }

    /// <summary>OUTS: seg:(E)SI → port DX.</summary>
    private static void Outs(Cpu c, ref Insn i, int size)
    {
        bool a32 = i.Addr32;
        if (i.Rep != RepPrefix.None && StringIndex(c, Cpu.ECX, a32) == 0) return;
        ushort port = (ushort)c.Gpr[Cpu.EDX];
        c.CheckIoPermission(port, size);
        uint v = ReadSized(c, i.Seg, StringIndex(c, Cpu.ESI, a32), size);
        c.Io.Write(port, size, v);
        AdvanceIndex(c, Cpu.ESI, a32, size, 1);
        CountOneIoIteration(c, ref i, a32);
    }

    private static void CountOneIoIteration(Cpu c, ref Insn i, bool a32)
    {
        if (i.Rep == RepPrefix.None) return;
        uint count = StringIndex(c, Cpu.ECX, a32) - 1;
        if (a32) c.Gpr[Cpu.ECX] = count; else c.SetReg16(Cpu.ECX, (ushort)count);
        if ((count & (a32 ? 0xFFFF_FFFFu : 0xFFFFu)) != 0) c.NextEip = c.Eip;
    }
}
