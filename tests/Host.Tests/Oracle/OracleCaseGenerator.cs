namespace HexEmu.Host.Tests.Oracle;

/// <summary>
/// Builds the integer-instruction cases the QEMU oracle runs, from a seed: every run with the same
/// seed yields the same cases. Operands mix edge values with random ones; flag inputs are random so
/// carry-using instructions and conditions see both states. Only inputs whose results the Intel SDM
/// defines are generated (no dividing faults, no zero BSF/BSR sources, no over-long SHLD/SHRD).
/// </summary>
public sealed partial class OracleCaseGenerator
{
    public const uint CF = 0x001, PF = 0x004, AF = 0x010, ZF = 0x040, SF = 0x080, OF = 0x800;
    public const uint Arith = CF | PF | AF | ZF | SF | OF;

    private static readonly uint[] Edges = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF];
    private static readonly uint[] Edges8 = [0, 1, 0x7F, 0x80, 0xFF, 0xFE, 0x81, 0x09, 0x99];
    private static readonly uint[] Edges16 = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0xFFFE];
    private static readonly uint[] ShiftCounts = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 63, 255];
    private static readonly string[] Conditions = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];

    // Register names by number (EAX=0 … EDI=7); ESP is never an operand, the ROM needs its stack.
    private static readonly string[] R32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];
    private static readonly string[] R16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"];
    private static readonly string[] R8 = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"];

    private readonly SplitMix64 _rng;
    private readonly List<OracleCase> _cases = [];
    private readonly int _areaDwords;
    private readonly int _bits;   // the code segment's default operand and address size
    private bool _stack16;        // SS is a 16-bit segment (OracleRom.Source's stack16)

    private OracleCaseGenerator(ulong seed, int areaDwords = 3, int bits = 32)
    {
        _rng = new SplitMix64(seed);
        _areaDwords = areaDwords;
        _bits = bits;
    }

    /// <summary>The integer-instruction cases for flat 32-bit code, with three scratch dwords.</summary>
    public static IReadOnlyList<OracleCase> Generate(ulong seed)
    {
        var g = new OracleCaseGenerator(seed);
        g.IntegerGroups();
        return g._cases;
    }

    /// <summary>
    /// The arithmetic groups again for 16-bit code (<see cref="OracleRom.Source"/> with 16 bits): there the
    /// unprefixed forms are the 16-bit ones and 32-bit operands take the 0x66 prefix. A seeded sample of
    /// them fits the ROM's 16-bit code segments.
    /// </summary>
    public static IReadOnlyList<OracleCase> Generate16(ulong seed)
    {
        var g = new OracleCaseGenerator(seed);
        g.BinaryAlu();
        g.UnaryAlu();
        g.Multiply();
        g.Divide();
        g.ShiftsAndRotates();
        g.DoubleShifts();
        g.BitTests();
        g.Moves();
        g.Conditionals();
        g.Bcd();
        var sample = new SplitMix64(seed ^ 0x16);
        var kept = g._cases.Where(_ => sample.Next() % 100 < 45).Take(OracleRom.CasesPerSegment16(3) * OracleRom.Segments16).ToList();
        return kept.Select((c, k) => c with { Index = k }).ToList();
    }

    private void IntegerGroups()
    {
        var g = this;
        g.BinaryAlu();
        g.UnaryAlu();
        g.Multiply();
        g.Divide();
        g.ShiftsAndRotates();
        g.DoubleShifts();
        g.BitTests();
        g.BitScans();
        g.ExchangesAndCompares();
        g.FlagTransfers();
        g.Moves();
        g.Conditionals();
        g.AddressArithmetic();
        g.Bcd();
    }

    /// <summary>The inputs of a case being built: registers, EFLAGS, the scratch area and DS.</summary>
    private sealed class Inputs(uint[] memory)
    {
        public uint[] Regs = new uint[8];
        public uint Flags;
        public uint[] Memory = memory;   // the scratch area, OracleRom.ScratchStart upward
        public bool ShiftedDs;
        private int Center => Memory.Length / 2;
        public uint Mem { get => Memory[Center]; set => Memory[Center] = value; }
        public uint Below { get => Memory[Center - 1]; set => Memory[Center - 1] = value; }   // the dwords either side of SCRATCH
        public uint Above { get => Memory[Center + 1]; set => Memory[Center + 1] = value; }
    }

    private void Add(string instruction, uint defined, Action<Inputs>? setup = null)
    {
        uint flags = 0x2 | ((uint)_rng.Next() & Arith);
        uint fillSeed = _areaDwords > 3 ? (uint)_rng.Next() | 1 : 0;
        var s = new Inputs(_areaDwords > 3 ? OracleRom.Fill(fillSeed, _areaDwords) : new uint[_areaDwords]) { Flags = flags };
        s.Mem = Value();
        s.Below = Value();
        s.Above = Value();
        for (int k = 0; k < 8; k++) s.Regs[k] = k == 4 ? OracleRom.StackTop : Value();
        setup?.Invoke(s);
        _cases.Add(new OracleCase(_cases.Count, instruction, s.Regs, s.Flags, s.Memory, defined, fillSeed, s.ShiftedDs));
    }

    // ---- groups ------------------------------------------------------------------------------

    private void BinaryAlu()
    {
        foreach (var op in new[] { "add", "adc", "sub", "sbb", "cmp", "and", "or", "xor", "test" })
        {
            // AND, OR, XOR and TEST leave AF undefined (SDM Vol. 2, each instruction's "Flags Affected").
            uint defined = op is "and" or "or" or "xor" or "test" ? Arith & ~AF : Arith;
            foreach (int size in new[] { 8, 16, 32 })
                for (int n = 0; n < 30; n++)
                {
                    string text = (n % 6) switch
                    {
                        0 or 1 or 2 => $"{op} {Reg(size)}, {Reg(size)}",
                        3 => $"{op} {Reg(size)}, {Imm(size)}",
                        4 => $"{op} {Mem(size)}, {Reg(size)}",
                        _ => op == "test" ? $"{op} {Mem(size)}, {Imm(size)}" : $"{op} {Reg(size)}, {Mem(size)}",
                    };
                    Add(text, defined);
                }
        }
    }

    private void UnaryAlu()
    {
        foreach (var op in new[] { "inc", "dec", "neg", "not" })
            foreach (int size in new[] { 8, 16, 32 })
                for (int n = 0; n < 16; n++)
                    Add($"{op} {(n % 4 == 3 ? Mem(size) : Reg(size))}", Arith);
    }

    private void Multiply()
    {
        // MUL/IMUL: CF and OF defined; SF, ZF, AF, PF undefined (SDM Vol. 2, MUL and IMUL).
        const uint mulDefined = CF | OF;
        foreach (var op in new[] { "mul", "imul" })
            foreach (int size in new[] { 8, 16, 32 })
                for (int n = 0; n < 25; n++)
                    Add($"{op} {(n % 5 == 4 ? Mem(size) : Reg(size))}", mulDefined);
        foreach (int size in new[] { 16, 32 })
            for (int n = 0; n < 24; n++)
            {
                string src = n % 4 == 3 ? Mem(size) : Reg(size);
                string text = (n % 3) switch
                {
                    0 => $"imul {Reg(size)}, {src}",
                    1 => $"imul {Reg(size)}, {src}, {SignedImm8()}",
                    _ => $"imul {Reg(size)}, {src}, {Imm(size)}",
                };
                Add(text, mulDefined);
            }
    }

    /// <summary>
    /// DIV and IDIV with a quotient that fits, built as dividend = quotient × divisor + remainder
    /// (remainder smaller than the divisor, with the dividend's sign: SDM Vol. 2, DIV/IDIV).
    /// Every arithmetic flag is undefined after them.
    /// </summary>
    private void Divide()
    {
        foreach (bool signed in new[] { false, true })
            foreach (int size in new[] { 8, 16, 32 })
                for (int n = 0; n < 25; n++)
                {
                    bool inMemory = n % 5 == 4;
                    string divisorReg = size == 8 ? Pick(["cl", "dl", "bl", "ch", "dh", "bh"])
                        : size == 16 ? Pick(["cx", "bx", "bp", "si", "di"]) : Pick(["ecx", "ebx", "ebp", "esi", "edi"]);
                    string operand = inMemory ? Mem(size) : divisorReg;
                    Add($"{(signed ? "idiv" : "div")} {operand}", 0, s =>
                    {
                        var (dividend, divisor) = signed ? SignedDivision(size) : UnsignedDivision(size);
                        if (inMemory) s.Mem = Merge(s.Mem, (uint)divisor, size);
                        else SetReg(s.Regs, divisorReg, (uint)divisor);
                        switch (size)
                        {
                            case 8: SetReg(s.Regs, "ax", (uint)dividend); break;
                            case 16: SetReg(s.Regs, "ax", (uint)dividend); SetReg(s.Regs, "dx", (uint)(dividend >> 16)); break;
                            default: s.Regs[0] = (uint)dividend; s.Regs[2] = (uint)(dividend >> 32); break;
                        }
                    });
                }
    }

    private (ulong Dividend, ulong Divisor) UnsignedDivision(int size)
    {
        ulong max = size == 32 ? uint.MaxValue : (1UL << size) - 1;
        ulong divisor = Value() & max;
        if (divisor == 0) divisor = 1 + (_rng.Next() % max);
        ulong quotient = Value() & max;
        ulong remainder = _rng.Next() % divisor;
        return (quotient * divisor + remainder, divisor);
    }

    private (ulong Dividend, ulong Divisor) SignedDivision(int size)
    {
        long Signed(ulong v) => size == 32 ? (int)v : size == 16 ? (short)v : (sbyte)v;
        long divisor = Signed(Value());
        if (divisor == 0) divisor = -1;
        long quotient = Signed(Value());
        long magnitude = (long)(_rng.Next() % (ulong)Math.Abs(divisor));
        long product = quotient * divisor;
        long remainder = product > 0 ? magnitude : product < 0 ? -magnitude : (_rng.Next() & 1) == 0 ? magnitude : -magnitude;
        long dividend = product + remainder;
        if (dividend / divisor != quotient) throw new InvalidOperationException("signed division inputs are inconsistent");
        return ((ulong)dividend, (ulong)divisor);
    }

    /// <summary>
    /// Shifts and rotates by 1, CL and an immediate. The count is masked to 5 bits; a masked count
    /// of 0 changes no flag (so all stay comparable). Otherwise (SDM Vol. 2, SAL/SAR/SHL/SHR and
    /// RCL/RCR/ROL/ROR): OF is defined only for a count of 1; shifts leave AF undefined, and SHL/SHR
    /// leave CF undefined when the count is at least the operand size; rotates touch only CF and OF.
    /// </summary>
    private void ShiftsAndRotates()
    {
        foreach (var op in new[] { "rol", "ror", "rcl", "rcr", "shl", "shr", "sar" })
            foreach (int size in new[] { 8, 16, 32 })
                for (int n = 0; n < 27; n++)
                {
                    uint count = n % 3 == 0 ? 1 : (_rng.Next() & 1) == 0 ? Pick(ShiftCounts) : (uint)_rng.Next() & 0xFF;
                    bool byCl = n % 3 == 1;
                    string dest = n % 7 == 6 ? Mem(size) : RegExceptCounter(size);
                    string text = n % 3 == 0 ? $"{op} {dest}, 1" : byCl ? $"{op} {dest}, cl" : $"{op} {dest}, {count}";
                    uint masked = count & 31;
                    uint defined = Arith;
                    if (masked != 0)
                    {
                        if (masked != 1) defined &= ~OF;
                        if (op is "shl" or "shr" or "sar") defined &= ~AF;
                        if (op is "shl" or "shr" && masked >= size) defined &= ~CF;
                    }
                    Add(text, defined, byCl ? s => SetReg(s.Regs, "cl", count) : null);
                }
    }

    /// <summary>
    /// SHLD/SHRD by CL and an immediate, with counts 0, 1, 16, the operand size minus 1 and random
    /// ones. A masked count above the operand size leaves the result undefined, so 16-bit cases keep
    /// it at most 16. For a non-zero count AF is undefined, and OF
    /// unless the count is 1 (SDM Vol. 2, SHLD and SHRD).
    /// </summary>
    private void DoubleShifts()
    {
        foreach (var op in new[] { "shld", "shrd" })
            foreach (int size in new[] { 16, 32 })
                for (int n = 0; n < 30; n++)
                {
                    uint masked = (n % 6) switch
                    {
                        0 => 1,
                        1 => 0,
                        2 => (uint)size - 1,
                        3 => 16,
                        _ => size == 16 ? (uint)(_rng.Next() % 17) : (uint)_rng.Next() & 31,
                    };
                    uint count = masked + 32 * (uint)(_rng.Next() % 8);
                    bool byCl = n / 6 % 2 == 1;
                    string dest = n % 5 == 4 ? Mem(size) : RegExceptCounter(size);
                    string text = $"{op} {dest}, {RegExceptCounter(size)}, {(byCl ? "cl" : count.ToString())}";
                    uint defined = Arith;
                    if (masked != 0)
                    {
                        defined &= ~AF;
                        if (masked != 1) defined &= ~OF;
                    }
                    Add(text, defined, byCl ? s => SetReg(s.Regs, "cl", count) : null);
                }
    }

    /// <summary>
    /// BT/BTS/BTR/BTC: CF is the selected bit, ZF unchanged, OF/SF/AF/PF undefined (SDM Vol. 2, BT).
    /// Memory forms with a register offset address a bit string: offsets -32..63 reach the dwords
    /// either side of the scratch one (SDM Vol. 1, 3.4.1.1 bit field addressing; Vol. 2, BT).
    /// </summary>
    private void BitTests()
    {
        foreach (var op in new[] { "bt", "bts", "btr", "btc" })
            foreach (int size in new[] { 16, 32 })
                for (int n = 0; n < 24; n++)
                {
                    string offsetReg = Reg(size);
                    string text = (n % 4) switch
                    {
                        0 or 1 => $"{op} {Reg(size)}, {offsetReg}",
                        2 => $"{op} {(n % 8 == 2 ? Mem(size) : Reg(size))}, {_rng.Next() & 0xFF}",
                        _ => $"{op} {Mem(size)}, {offsetReg}",
                    };
                    bool inMemory = n % 4 == 3;
                    Add(text, CF | ZF, inMemory ? s => SetReg(s.Regs, offsetReg, (uint)((int)(_rng.Next() % 96) - 32)) : null);
                }
    }

    /// <summary>BSF/BSR with a non-zero source: ZF defined, the rest undefined (SDM Vol. 2, BSF and BSR).</summary>
    private void BitScans()
    {
        foreach (var op in new[] { "bsf", "bsr" })
            foreach (int size in new[] { 16, 32 })
                for (int n = 0; n < 20; n++)
                {
                    bool inMemory = n % 4 == 3;
                    string src = inMemory ? Mem(size) : Reg(size);
                    Add($"{op} {Reg(size)}, {src}", ZF, s =>
                    {
                        uint mask = size == 16 ? 0xFFFFu : uint.MaxValue;
                        uint value = Value() & mask;
                        if (value == 0) value = 1u << (int)(_rng.Next() % (ulong)size);
                        if (inMemory) s.Mem = Merge(s.Mem, value, size);
                        else SetReg(s.Regs, src, value);
                    });
                }
        for (int n = 0; n < 14; n++) Add($"bswap {Reg(32)}", Arith);
    }

    private void ExchangesAndCompares()
    {
        foreach (int size in new[] { 8, 16, 32 })
        {
            for (int n = 0; n < 12; n++)
                Add($"xadd {(n % 3 == 2 ? Mem(size) : Reg(size))}, {Reg(size)}", Arith);
            for (int n = 0; n < 16; n++)
            {
                string dest = n % 4 == 3 ? Mem(size) : Reg(size);
                bool equal = n % 2 == 0;
                // Half the cases make the accumulator equal to the destination, so both outcomes run.
                Add($"cmpxchg {dest}, {Reg(size)}", Arith, s =>
                {
                    if (!equal) return;
                    uint value = dest.Contains('[') ? s.Mem : GetReg(s.Regs, dest);
                    SetReg(s.Regs, size == 8 ? "al" : size == 16 ? "ax" : "eax", value);
                });
            }
            for (int n = 0; n < 12; n++)
                Add($"xchg {(n % 4 == 3 ? Mem(size) : Reg(size))}, {Reg(size)}", Arith);
        }
        // CMPXCHG8B on the qword at SCRATCH: only ZF changes (SDM Vol. 2, CMPXCHG8B/CMPXCHG16B).
        for (int n = 0; n < 16; n++)
        {
            bool equal = n % 2 == 0;
            Add("cmpxchg8b [SCRATCH]", Arith, s =>
            {
                if (!equal) return;
                s.Regs[0] = s.Mem;
                s.Regs[2] = s.Above;
            });
        }
    }

    /// <summary>Carry flag control and LAHF/SAHF: every flag they touch is defined (SDM Vol. 2, each).</summary>
    private void FlagTransfers()
    {
        foreach (var op in new[] { "clc", "stc", "cmc", "lahf", "sahf" })
            for (int n = 0; n < 8; n++) Add(op, Arith);
    }

    private void Moves()
    {
        foreach (var op in new[] { "movzx", "movsx" })
            for (int n = 0; n < 24; n++)
            {
                bool inMemory = n % 4 == 3;
                string text = (n % 3) switch
                {
                    0 => $"{op} {Reg(16)}, {(inMemory ? Mem(8) : Reg(8))}",
                    1 => $"{op} {Reg(32)}, {(inMemory ? Mem(8) : Reg(8))}",
                    _ => $"{op} {Reg(32)}, {(inMemory ? Mem(16) : Reg(16))}",
                };
                Add(text, Arith);
            }
        foreach (var op in new[] { "cbw", "cwde", "cwd", "cdq" })
            for (int n = 0; n < 6; n++) Add(op, Arith);
    }

    private void Conditionals()
    {
        foreach (var cc in Conditions)
        {
            for (int n = 0; n < 6; n++) Add($"set{cc} {(n == 5 ? Mem(8) : Reg(8))}", Arith);
            for (int n = 0; n < 6; n++)
            {
                int size = n % 2 == 0 ? 32 : 16;
                Add($"cmov{cc} {Reg(size)}, {(n >= 4 ? Mem(size) : Reg(size))}", Arith);
            }
        }
    }

    /// <summary>LEA with 32- and 16-bit address sizes into 32- and 16-bit destinations.</summary>
    private void AddressArithmetic()
    {
        string[] base16 = ["bx+si", "bx+di", "bp+si", "bp+di", "si", "di", "bx", "bp"];
        for (int n = 0; n < 80; n++)
        {
            string address;
            if (n % 3 == 2)
                address = $"{Pick(base16)}{Displacement(16)}";
            else
            {
                string index = Pick(["eax", "ecx", "edx", "ebx", "ebp", "esi", "edi"]);
                string scale = Pick(["", "*2", "*4", "*8"]);
                address = (n % 4) switch
                {
                    0 => $"{Reg(32)}+{index}{scale}{Displacement(32)}",
                    1 => $"{index}{scale}{Displacement(32)}",
                    2 => $"{Reg(32)}{Displacement(32)}",
                    _ => $"{Reg(32)}+{index}{scale}",
                };
            }
            Add($"lea {Reg(n % 2 == 0 ? 32 : 16)}, [{address}]", Arith);
        }
    }

    /// <summary>
    /// Decimal adjusts (SDM Vol. 2): DAA/DAS leave OF undefined; AAA/AAS define only AF and CF;
    /// AAM/AAD define SF, ZF and PF. AL and AH are biased toward decimal digits and their edges.
    /// </summary>
    private void Bcd()
    {
        foreach (var (op, defined) in new[] { ("daa", Arith & ~OF), ("das", Arith & ~OF), ("aaa", AF | CF), ("aas", AF | CF) })
            for (int n = 0; n < 60; n++)
                Add(op, defined, s => SetReg(s.Regs, "ax", BcdByte() | BcdByte() << 8));
        for (int n = 0; n < 20; n++)
        {
            uint imm = n < 10 ? 10 : 1 + (uint)(_rng.Next() % 255);
            Add(imm == 10 ? "aam" : $"aam {imm}", SF | ZF | PF);
        }
        for (int n = 0; n < 20; n++)
        {
            uint imm = n < 10 ? 10 : (uint)(_rng.Next() & 0xFF);
            Add(imm == 10 ? "aad" : $"aad {imm}", SF | ZF | PF, s => SetReg(s.Regs, "ax", BcdByte() | BcdByte() << 8));
        }
    }

    // ---- operand and value helpers ------------------------------------------------------------

    private uint BcdByte() => (_rng.Next() % 4) switch
    {
        0 => (uint)(_rng.Next() % 10) << 4 | (uint)(_rng.Next() % 10),
        1 => Pick(Edges8),
        _ => (uint)_rng.Next() & 0xFF,
    };

    /// <summary>A 32-bit value: an edge, an edge in the low byte or word under random bits, small, or random.</summary>
    private uint Value()
    {
        uint random = (uint)_rng.Next();
        return (_rng.Next() % 6) switch
        {
            0 => Pick(Edges),
            1 => (random & 0xFFFFFF00) | Pick(Edges8),
            2 => (random & 0xFFFF0000) | Pick(Edges16),
            3 => random % 40,
            _ => random,
        };
    }

    private string Imm(int size)
    {
        uint v = Value();
        return size switch { 8 => $"0x{v & 0xFF:X}", 16 => $"0x{v & 0xFFFF:X}", _ => $"0x{v:X}" };
    }

    private string SignedImm8() => ((sbyte)(byte)Value()).ToString();

    private string Displacement(int addressSize)
    {
        return (_rng.Next() % 3) switch
        {
            0 => "",
            1 => $"{(sbyte)(byte)_rng.Next():+0;-0}",
            _ => addressSize == 16 ? $"+0x{(uint)_rng.Next() & 0xFFFF:X}" : $"+0x{(uint)_rng.Next():X}",
        };
    }

    private string Reg(int size)
    {
        int k = (int)(_rng.Next() % 7);
        if (size != 8 && k >= 4) k++; // skip ESP/SP; all eight byte registers are fair game
        return size switch { 8 => R8[k], 16 => R16[k], _ => R32[k] };
    }

    /// <summary>A register other than the one holding the CL count (CH is fine).</summary>
    private string RegExceptCounter(int size)
    {
        while (true)
        {
            string r = Reg(size);
            if (r is not ("cl" or "cx" or "ecx")) return r;
        }
    }

    private static string Mem(int size) => $"{size switch { 8 => "byte", 16 => "word", _ => "dword" }} [SCRATCH]";

    private T Pick<T>(T[] items) => items[(int)(_rng.Next() % (ulong)items.Length)];

    private static uint Merge(uint old, uint value, int size) => size switch
    {
        8 => (old & 0xFFFFFF00) | (value & 0xFF),
        16 => (old & 0xFFFF0000) | (value & 0xFFFF),
        _ => value,
    };

    private static void SetReg(uint[] regs, string name, uint value)
    {
        int k;
        if ((k = Array.IndexOf(R32, name)) >= 0) regs[k] = value;
        else if ((k = Array.IndexOf(R16, name)) >= 0) regs[k] = Merge(regs[k], value, 16);
        else if ((k = Array.IndexOf(R8, name)) >= 0)
        {
            if (k < 4) regs[k] = Merge(regs[k], value, 8);
            else regs[k - 4] = (regs[k - 4] & 0xFFFF00FF) | (value & 0xFF) << 8;
        }
        else throw new ArgumentException($"unknown register {name}", nameof(name));
    }

    private static uint GetReg(uint[] regs, string name)
    {
        int k;
        if ((k = Array.IndexOf(R32, name)) >= 0) return regs[k];
        if ((k = Array.IndexOf(R16, name)) >= 0) return regs[k] & 0xFFFF;
        k = Array.IndexOf(R8, name);
        return k < 4 ? regs[k] & 0xFF : (regs[k - 4] >> 8) & 0xFF;
    }

    /// <summary>SplitMix64: a tiny generator whose sequence is fixed by its seed on every .NET version.</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
            return z ^ (z >> 31);
        }
    }
}
