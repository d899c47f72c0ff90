using System.Runtime.CompilerServices;
using HexEmu.Domain.Cpu.Decode;

namespace HexEmu.Domain.Cpu;

/// <summary>
/// An operand width (8, 16 or 32 bits) as a type, so that one generic handler is compiled into
/// three specialised ones: the JIT folds <see cref="Bits"/> and <see cref="Mask"/> to constants
/// and picks the matching operand accessors with no run-time test.
/// </summary>
internal interface IWidth
{
    static abstract int Bits { get; }
    static abstract uint Mask { get; }
    static abstract uint Get(Cpu c, ref Insn i, int n);
    static abstract uint GetRmw(Cpu c, ref Insn i, int n);
    static abstract void Set(Cpu c, ref Insn i, int n, uint value);
    /// <summary>The register with encoding <paramref name="r"/> at this width (AL/AX/EAX for 0).</summary>
    static abstract uint GetReg(Cpu c, int r);
    static abstract void SetReg(Cpu c, int r, uint value);
}

internal struct W8 : IWidth
{
    public static int Bits => 8;
    public static uint Mask => 0xFF;
    public static uint Get(Cpu c, ref Insn i, int n) => c.GetOp8(ref i, n);
    public static uint GetRmw(Cpu c, ref Insn i, int n) => c.GetRmwOp8(ref i, n);
    public static void Set(Cpu c, ref Insn i, int n, uint value) => c.SetOp8(ref i, n, (byte)value);
    public static uint GetReg(Cpu c, int r) => c.GetReg8(r);
    public static void SetReg(Cpu c, int r, uint value) => c.SetReg8(r, (byte)value);
}

internal struct W16 : IWidth
{
    public static int Bits => 16;
    public static uint Mask => 0xFFFF;
    public static uint Get(Cpu c, ref Insn i, int n) => c.GetOp16(ref i, n);
    public static uint GetRmw(Cpu c, ref Insn i, int n) => c.GetRmwOp16(ref i, n);
    public static void Set(Cpu c, ref Insn i, int n, uint value) => c.SetOp16(ref i, n, (ushort)value);
    public static uint GetReg(Cpu c, int r) => (ushort)c.Gpr[r];
    public static void SetReg(Cpu c, int r, uint value) => c.SetReg16(r, (ushort)value);
}

internal struct W32 : IWidth
{
    public static int Bits => 32;
    public static uint Mask => 0xFFFF_FFFF;
    public static uint Get(Cpu c, ref Insn i, int n) => c.GetOp32(ref i, n);
    public static uint GetRmw(Cpu c, ref Insn i, int n) => c.GetRmwOp32(ref i, n);
    public static void Set(Cpu c, ref Insn i, int n, uint value) => c.SetOp32(ref i, n, value);
    public static uint GetReg(Cpu c, int r) => c.Gpr[r];
    public static void SetReg(Cpu c, int r, uint value) => c.Gpr[r] = value;
}

/// <summary>
/// Status-flag arithmetic shared by the ALU instruction groups. Every function takes operands
/// already truncated to the width and returns the six status flags in their EFLAGS positions,
/// computed eagerly with bit tricks rather than branches (SDM vol. 1, 3.4.3.1 and appendix A).
/// </summary>
internal static class Alu
{
    private const int OfShift = 11;

    /// <summary>Merges freshly computed status flags into EFLAGS.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetStatus(Cpu c, uint status) => c.Eflags = (c.Eflags & ~Flags.Status) | status;

    /// <summary>Replaces only the flags in <paramref name="which"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetSome(Cpu c, uint which, uint status) => c.Eflags = (c.Eflags & ~which) | (status & which);

    /// <summary>SF, ZF and PF of a result (PF looks at the low byte only).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Szp<W>(uint r) where W : struct, IWidth =>
        Flags.ParityTable[(int)(r & 0xFF)]
        | (r == 0 ? Flags.ZF : 0)
        | ((r >> (W.Bits - 8)) & Flags.SF);

    /// <summary>The most significant bit of a value of this width, as 0 or 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Msb<W>(uint v) where W : struct, IWidth => (v >> (W.Bits - 1)) & 1;

    /// <summary>Bit <paramref name="sign"/>-position of <paramref name="x"/> moved to OF.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint OfFromSign<W>(uint x) where W : struct, IWidth => ((x >> (W.Bits - 1)) & 1) << OfShift;

    /// <summary>OF from a 0/1 value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Of(uint bit) => bit << OfShift;

    /// <summary>a + b + carryIn: CF is the carry out, OF the signed overflow, AF the carry out of bit 3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Add<W>(uint a, uint b, uint carryIn, out uint status) where W : struct, IWidth
    {
        ulong full = (ulong)a + b + carryIn;
        uint r = (uint)full & W.Mask;
        status = ((uint)(full >> W.Bits) & 1)
            | Szp<W>(r)
            | ((a ^ b ^ r) & Flags.AF)
            | OfFromSign<W>((a ^ r) & (b ^ r));
        return r;
    }

    /// <summary>a − b − borrowIn: CF is the borrow, OF the signed overflow, AF the borrow into bit 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Sub<W>(uint a, uint b, uint borrowIn, out uint status) where W : struct, IWidth
    {
        ulong full = (ulong)a - b - borrowIn;
        uint r = (uint)full & W.Mask;
        status = (uint)(full >> 63)
            | Szp<W>(r)
            | ((a ^ b ^ r) & Flags.AF)
            | OfFromSign<W>((a ^ b) & (a ^ r));
        return r;
    }

    /// <summary>The status flags of a − b for an operand size in bytes known only at run time (CMPS, SCAS).</summary>
    public static uint SubStatus(uint a, uint b, int size)
    {
        uint status;
        _ = size switch
        {
            1 => Sub<W8>(a, b, 0, out status),
            2 => Sub<W16>(a, b, 0, out status),
            _ => Sub<W32>(a, b, 0, out status),
        };
        return status;
    }

    /// <summary>AND, OR, XOR, TEST: CF = OF = 0, SF/ZF/PF from the result; AF (undefined) is cleared.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Logic<W>(uint r) where W : struct, IWidth => Szp<W>(r);
}
