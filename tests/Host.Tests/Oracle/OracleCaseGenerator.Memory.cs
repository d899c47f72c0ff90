namespace HexEmu.Host.Tests.Oracle;

/// <summary>
/// Cases that work on a 260-byte scratch area: memory operands through varied ModRM/SIB and 16-bit
/// addressing forms, stack instructions with ESP inside the area, and string instructions over it.
/// Every address is solved from a target inside the area, with DS based at
/// <see cref="OracleRom.ShiftedDsBase"/> where the case sets <see cref="OracleCase.ShiftedDs"/>, so an access
/// through the wrong default segment (DS for ESP/EBP bases, SS otherwise) misses its target.
/// </summary>
public sealed partial class OracleCaseGenerator
{
    /// <summary>The scratch area of these cases: 32 dwords below SCRATCH, 32 above.</summary>
    public const int AreaDwords = 65;
    private static readonly uint AreaStart = OracleRom.ScratchStart(AreaDwords);
    private static readonly uint AreaEnd = AreaStart + 4 * AreaDwords;

    public static IReadOnlyList<OracleCase> GenerateMemory(ulong seed)
    {
        var g = new OracleCaseGenerator(seed, AreaDwords);
        g.MemoryGroups();
        return g._cases;
    }

    /// <summary>
    /// The same groups for 16-bit code, where 16-bit addresses, pushes and returns are the default; with
    /// <paramref name="stack16"/> (OracleRom.Source's too) SS is a 16-bit segment and ESP's upper half
    /// must survive the stack instructions. A seeded sample that fits the ROM.
    /// </summary>
    public static IReadOnlyList<OracleCase> GenerateMemory16(ulong seed, bool stack16)
    {
        var g = new OracleCaseGenerator(seed, AreaDwords, bits: 16) { _stack16 = stack16 };
        g.MemoryGroups();
        var sample = new SplitMix64(seed ^ 0x1616);
        var kept = g._cases.Where(_ => sample.Next() % 100 < 40).Take(OracleRom.CasesPerSegment16(AreaDwords) * OracleRom.Segments16).ToList();
        return kept.Select((c, k) => c with { Index = k }).ToList();
    }

    private void MemoryGroups()
    {
        Addressing32();
        Addressing16();
        Stack();
        Strings();
    }

    /// <summary>The prefix that selects the operand size other than the code segment's default.</summary>
    private string OtherOperandSize => _bits == 32 ? "o16 " : "o32 ";

    /// <summary>A target address inside the area with room for <paramref name="bytes"/> bytes.</summary>
    private uint Target(int bytes) => AreaStart + (uint)(_rng.Next() % (AreaEnd - AreaStart - (uint)bytes + 1));

    /// <summary>Instructions with one memory operand written as {m}: loads, stores and read-modify-writes.</summary>
    private (string Text, uint Defined) MemoryInstruction(int size, string mem)
    {
        string r = Reg(size);
        return (_rng.Next() % 8) switch
        {
            0 => ($"mov {r}, {mem}", Arith),
            1 => ($"mov {mem}, {r}", Arith),
            2 => ($"add {mem}, {r}", Arith),
            3 => ($"sub {r}, {mem}", Arith),
            4 => ($"xor {mem}, {Imm(size)}", Arith & ~AF),
            5 => ($"inc {mem}", Arith),
            6 => ($"xchg {mem}, {r}", Arith),
            _ => size == 8 ? ($"movzx {Reg(32)}, {mem}", Arith) : ($"cmp {mem}, {SignedImm8()}", Arith),
        };
    }

    private static string SizeName(int size) => size switch { 8 => "byte", 16 => "word", _ => "dword" };

    /// <summary>
    /// 32-bit ModRM/SIB forms: base, base + index × 1/2/4/8, index alone, displacement alone, with no,
    /// 8-bit (often negative) and 32-bit displacements. The base register (or the displacement when
    /// there is none) is solved so the address wraps to the target; an ESP or EBP base means SS,
    /// everything else DS (SDM Vol. 1, 3.7.5 and Table 3-5).
    /// </summary>
    private void Addressing32()
    {
        string[] bases = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
        string[] indexes = ["eax", "ecx", "edx", "ebx", "ebp", "esi", "edi"];
        for (int n = 0; n < 360; n++)
        {
            int size = (n % 3) switch { 0 => 8, 1 => 16, _ => 32 };
            int form = (n / 3) % 4;          // 0: base+index*scale, 1: base, 2: index*scale (disp32), 3: disp32 alone
            string baseReg = Pick(bases);
            string index = Pick(indexes);
            while (index == baseReg) index = Pick(indexes);
            uint scale = Pick(new uint[] { 1, 2, 4, 8 });
            int dispKind = form >= 2 ? 2 : (int)(_rng.Next() % 3); // 0: none, 1: 8-bit, 2: 32-bit
            uint disp = dispKind switch { 0 => 0, 1 => (uint)(sbyte)(byte)_rng.Next(), _ => Value() };
            uint target = Target(size / 8);
            bool ss = form <= 1 && baseReg is "esp" or "ebp";
            uint offset = ss ? target : target - OracleRom.ShiftedDsBase;
            uint indexValue = Value();
            uint scaled = form is 0 or 2 ? indexValue * scale : 0;
            // Solve the base (forms 0, 1) or the displacement (forms 2, 3) so base + index*scale + disp = offset.
            uint solved = offset - scaled - (form <= 1 ? disp : 0);
            if (form >= 2) disp = solved;
            string dispText = dispKind == 0 ? "" : dispKind == 1 ? $"{(int)disp:+0;-0}" : $"+0x{disp:X}";
            string wide = dispKind == 2 ? "dword " : ""; // NASM: a 32-bit displacement even for small values
            string address = form switch
            {
                0 => $"{wide}{baseReg}+{index}*{scale}{dispText}",
                1 => $"{wide}{baseReg}{dispText}",
                2 => $"nosplit {index}*{scale}+0x{disp:X}", // nosplit: NASM would make [ebp*2] into [ebp+ebp]
                _ => $"dword 0x{disp:X}",   // dword: a 32-bit address in 16-bit code too
            };
            string mem = $"{SizeName(size)} [{address}]";
            var (text, defined) = MemoryInstruction(size, mem);
            Add(text, defined, s =>
            {
                s.ShiftedDs = true;
                if (form is 0 or 2) SetReg(s.Regs, index, indexValue);
                if (form <= 1) SetReg(s.Regs, baseReg, solved);
            });
        }
    }

    /// <summary>
    /// 16-bit addressing in 32-bit code (the 0x67 prefix): [BX+SI], [BX+DI], [BP+SI], [BP+DI], [SI], [DI],
    /// [BP+disp], [BX] and [disp16]. The sum wraps at 64 KiB (SDM Vol. 2, 2.1.5 Table 2-1: the effective
    /// address is 16 bits), the upper halves of the registers are random and must not count, and BP
    /// means SS.
    /// </summary>
    private void Addressing16()
    {
        string[][] forms = [["bx", "si"], ["bx", "di"], ["bp", "si"], ["bp", "di"], ["si"], ["di"], ["bp"], ["bx"], []];
        for (int n = 0; n < 240; n++)
        {
            int size = (n % 3) switch { 0 => 8, 1 => 16, _ => 32 };
            string[] regs = forms[n / 3 % forms.Length];
            int dispKind = regs.Length == 0 ? 2 : regs is ["bp"] ? 1 + (int)(_rng.Next() % 2) : (int)(_rng.Next() % 3);
            uint disp = dispKind switch { 0 => 0, 1 => (uint)(sbyte)(byte)_rng.Next() & 0xFFFF, _ => (uint)_rng.Next() & 0xFFFF };
            uint target = Target(size / 8);
            bool ss = regs.Length > 0 && regs[0] == "bp";
            uint offset = (ss ? target : target - OracleRom.ShiftedDsBase) & 0xFFFF;
            var values = regs.Select(_ => Value()).ToArray();
            uint sum = disp;
            for (int k = 0; k + 1 < values.Length; k++) sum += values[k];
            if (values.Length > 0) values[^1] = (values[^1] & 0xFFFF0000) | ((offset - sum) & 0xFFFF);
            else disp = offset;
            string dispText = dispKind switch { 0 => "", 1 => $"{(short)(sbyte)(byte)disp:+0;-0}", _ => $"+0x{disp:X}" };
            string address = regs.Length == 0 ? $"0x{disp:X}" : (dispKind == 2 ? "word " : "") + string.Join('+', regs) + dispText;
            var (text, defined) = MemoryInstruction(size, $"{SizeName(size)} [{address}]");
            if (regs.Length == 0) text = "a16 " + text; // a bare displacement would otherwise be a 32-bit address
            Add(text, defined, s =>
            {
                s.ShiftedDs = true;
                for (int k = 0; k < regs.Length; k++) SetReg(s.Regs, "e" + regs[k], values[k]);
            });
        }
    }

    private const uint DF = 0x400;

    /// <summary>An ESP inside the area with room for 64 bytes of pushes below and 32 of pops above; now and then not dword-aligned.</summary>
    private uint StackPointer() => AreaStart + 64 + 4 * (uint)(_rng.Next() % 41) + ((_rng.Next() % 8) == 0 ? 2u : 0);

    private static void WriteArea(Inputs s, uint address, uint value, int bytes)
    {
        for (int k = 0; k < bytes; k++)
        {
            uint at = address + (uint)k - AreaStart;
            int shift = 8 * (int)(at % 4);
            s.Memory[at / 4] = (s.Memory[at / 4] & ~(0xFFu << shift)) | ((value >> (8 * k)) & 0xFF) << shift;
        }
    }

    private static uint ReadArea(Inputs s, uint address, int bytes)
    {
        uint value = 0;
        for (int k = 0; k < bytes; k++)
        {
            uint at = address + (uint)k - AreaStart;
            value |= ((s.Memory[at / 4] >> (8 * (int)(at % 4))) & 0xFF) << (8 * k);
        }
        return value;
    }

    /// <summary>
    /// PUSH/POP of registers (ESP included: PUSH ESP stores the old value, POP ESP loads the popped one),
    /// immediates and memory (POP to [ESP+d] addresses with the incremented ESP, SDM Vol. 2 POP), PUSHA/POPA,
    /// PUSHF/POPF of the arithmetic flags and DF, ENTER with levels 0–3 and LEAVE, in both operand sizes;
    /// near CALL (relative, register, memory) and RET with and without an immediate. ESP is inside the area and dumped.
    /// </summary>
    private void Stack()
    {
        string[] all32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
        string[] all16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"];
        for (int n = 0; n < 420; n++)
        {
            uint esp = StackPointer();
            // With a 16-bit stack only SP counts; a [ESP+d] operand is a 32-bit address, though, so those keep the upper half clear.
            if (_stack16 && n % 21 != 8) esp |= Value() & 0xFFFF0000;
            uint flagsValue = 0x2 | ((uint)_rng.Next() & (Arith | DF));
            Action<Inputs>? extra = null;
            string text;
            switch (n % 21)
            {
                case 0: text = $"push {Pick(all32)}"; break;
                case 1: text = $"push {Pick(all16)}"; break;
                case 2: text = $"push byte {SignedImm8()}"; break;
                case 3: text = (n & 1) == 0 ? $"push dword 0x{Value():X}" : $"push word 0x{Value() & 0xFFFF:X}"; break;
                case 4: text = $"push {((n & 1) == 0 ? "dword" : "word")} [SCRATCH{(int)(_rng.Next() % 48) - 24:+0;-0}]"; break;
                case 5: text = $"pop {Pick(all32)}"; break;
                case 6: text = $"pop {Pick(all16)}"; break;
                case 7: text = $"pop {((n & 1) == 0 ? "dword" : "word")} [SCRATCH{(int)(_rng.Next() % 48) - 24:+0;-0}]"; break;
                case 8: text = $"pop {((n & 1) == 0 ? "dword" : "word")} [esp{Pick(new[] { "", "+4", "-4", "+8", "-2" })}]"; break;
                case 9: text = Pick(new[] { "pushad", "pushaw" }); break;
                case 10: text = Pick(new[] { "popad", "popaw" }); break;
                case 11: text = Pick(new[] { "pushfd", "pushfw" }); break;
                case 12:
                    text = Pick(new[] { "popfd", "popfw" });
                    extra = s => WriteArea(s, esp & 0xFFFF, flagsValue, 4); // SP: the area is below 64 KiB
                    break;
                case 13:
                case 14:
                {
                    uint level = (uint)(_rng.Next() % 4);
                    uint frame = Pick(new uint[] { 0, 4, 8, 12, 16, (uint)(_rng.Next() % 32) });
                    text = $"{(n % 21 == 14 ? OtherOperandSize : "")}enter {frame}, {level}";
                    uint ebp = AreaStart + 16 + (uint)(_rng.Next() % (AreaEnd - AreaStart - 20));
                    extra = s => s.Regs[5] = ebp;
                    break;
                }
                case 15:
                {
                    text = (n & 1) == 0 ? "leave" : OtherOperandSize + "leave";
                    uint ebp = AreaStart + (uint)(_rng.Next() % (AreaEnd - AreaStart - 4));
                    extra = s => s.Regs[5] = ebp;
                    break;
                }
                case 16: text = _bits == 32 ? "call $+5" : Pick(new[] { "call $+3", "call dword $+6" }); break;
                case 17: text = _bits == 32 ? "call $+7\ndb 0xF4, 0xF4" : "call $+5\ndb 0xF4, 0xF4"; break; // skips two HLTs
                // Targets as offsets in the code segment: absolute in 32-bit code; in 16-bit code the
                // segments start at ROM offsets that are multiples of 64 KiB (OracleRom).
                case 18:
                    text = (_bits, n & 1) switch
                    {
                        (32, 0) => "mov ebx, $+7\ncall ebx",
                        (32, _) => "mov dword [SCRATCH], $+16\ncall dword [SCRATCH]",
                        (_, 0) => "mov bx, ($-$$+5) & 0xFFFF\ncall bx",
                        _ => "mov word [SCRATCH], ($-$$+10) & 0xFFFF\ncall word [SCRATCH]",
                    };
                    break;
                case 19: text = _bits == 32 ? "push dword $+6\nret" : Pick(new[] { "push strict word ($-$$+4) & 0xFFFF\nret", "push strict dword ($-$$+8) & 0xFFFF\no32 ret" }); break;
                default:
                    int release = Pick(new[] { 0, 4, 8, 12, 0x20 });
                    text = _bits == 32 ? $"push dword $+8\nret {release}" : $"push strict word ($-$$+6) & 0xFFFF\nret {release}";
                    break;
            }
            Add(text, Arith, s =>
            {
                s.Regs[4] = esp;
                extra?.Invoke(s);
            });
        }
    }

    /// <summary>
    /// MOVS, CMPS, SCAS, LODS and STOS of bytes, words and dwords, alone and with REP/REPE/REPNE and
    /// counts 0–20, forward and backward (DF), with 32-bit and (0x67) 16-bit addresses. Sources go
    /// through DS (at times based at <see cref="OracleRom.ShiftedDsBase"/>), destinations through ES
    /// (SDM Vol. 2, each instruction and REP/REPE/REPNE). Half the comparisons meet equal data, so
    /// REPE and REPNE stop at a chosen place or run out the count.
    /// </summary>
    private void Strings()
    {
        string[] ops = ["movs", "cmps", "scas", "lods", "stos"];
        for (int n = 0; n < 480; n++)
        {
            string op = ops[n % ops.Length];
            int size = (n / 5 % 3) switch { 0 => 1, 1 => 2, _ => 4 };
            string suffix = size switch { 1 => "b", 2 => "w", _ => "d" };
            bool compares = op is "cmps" or "scas";
            string prefix = (n / 15 % 3) switch { 0 => "", 1 => compares ? "repe " : "rep ", _ => compares ? "repne " : "rep " };
            bool repeated = prefix != "";
            bool otherAddressSize = _rng.Next() % 5 == 0;
            bool a16 = (_bits == 16) != otherAddressSize;
            bool down = (_rng.Next() & 1) == 0;
            bool shifted = (_rng.Next() & 1) == 0;
            uint count = repeated ? (uint)(_rng.Next() % 21) : 1;
            uint span = Math.Max(count, 1) * (uint)size;
            uint Pointer()
            {
                uint low = AreaStart + (uint)(_rng.Next() % (AreaEnd - AreaStart - span + 1));
                return down ? low + span - (uint)size : low;
            }
            uint source = Pointer(), destination = Pointer();
            // A quarter of the moves overlap by a few bytes, the destination ahead of the source in the
            // copy's direction: each element must be read after the previous one is written.
            if (op == "movs" && _rng.Next() % 4 == 0)
            {
                uint gap = 1 + (uint)(_rng.Next() % (2 * (ulong)size));
                uint ahead = down ? source - gap : source + gap;
                uint low = down ? ahead - (span - (uint)size) : ahead;
                if (low >= AreaStart && low + span <= AreaEnd) destination = ahead;
            }
            bool equalRun = compares && (_rng.Next() & 1) == 0;
            uint stopAt = (uint)(_rng.Next() % (count + 2)); // beyond the count: the run never differs
            string text = $"{(otherAddressSize ? (_bits == 32 ? "a16 " : "a32 ") : "")}{prefix}{op}{suffix}";
            Add(text, Arith, s =>
            {
                s.Flags = (s.Flags & ~DF) | (down ? DF : 0);
                s.ShiftedDs = shifted;
                uint sourceOffset = source - (shifted ? OracleRom.ShiftedDsBase : 0);
                if (a16)
                {
                    SetReg(s.Regs, "si", sourceOffset);
                    SetReg(s.Regs, "di", destination);
                    SetReg(s.Regs, "cx", count);
                }
                else
                {
                    s.Regs[6] = sourceOffset;
                    s.Regs[7] = destination;
                    s.Regs[1] = count;
                }
                if (!equalRun) return;
                // Make the compared elements equal except element stopAt: REPE stops there, REPNE at the first.
                uint accumulator = s.Regs[0];
                for (uint k = 0; k < Math.Max(count, 1); k++)
                {
                    uint step = down ? (uint)-(int)(k * size) : k * (uint)size;
                    if (op == "cmps") WriteArea(s, source + step, ReadArea(s, destination + step, size) ^ (k == stopAt ? 1u : 0), size);
                    else WriteArea(s, destination + step, accumulator ^ (k == stopAt ? 1u : 0), size);
                }
            });
        }
    }
}
