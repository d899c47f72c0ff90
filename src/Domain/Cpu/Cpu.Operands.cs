using System.Runtime.CompilerServices;
using HexEmu.Domain.Cpu.Decode;

namespace HexEmu.Domain.Cpu;

/// <summary>
/// Operand access for handlers: an operand is named by its position in the instruction (0, 1, 2)
/// and read or written whatever its kind (register, memory, immediate). With a constant position
/// the JIT folds the selection away.
/// </summary>
public sealed partial class Cpu
{
    /// <summary>Offset of the instruction's memory operand within its segment (16-bit addressing wraps at 64 KiB).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint EffectiveAddress(ref Insn i)
    {
        uint ea = i.Disp;
        if (i.Base != Insn.NoRegister) ea += Gpr[i.Base];
        if (i.Index != Insn.NoRegister) ea += Gpr[i.Index] << i.ScaleShift;
        return i.Addr32 ? ea : ea & 0xFFFF;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static OperandKind KindOf(ref Insn i, int n) => n == 0 ? i.Op0Kind : n == 1 ? i.Op1Kind : i.Op2Kind;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int RegOf(ref Insn i, int n) => n == 0 ? i.Reg0 : n == 1 ? i.Reg1 : i.Reg2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint GetOp32(ref Insn i, int n) => KindOf(ref i, n) switch
    {
        OperandKind.Register => Gpr[RegOf(ref i, n)],
        OperandKind.Memory => Read32(i.Seg, EffectiveAddress(ref i)),
        _ => i.Imm,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort GetOp16(ref Insn i, int n) => KindOf(ref i, n) switch
    {
        OperandKind.Register => (ushort)Gpr[RegOf(ref i, n)],
        OperandKind.Memory => Read16(i.Seg, EffectiveAddress(ref i)),
        _ => (ushort)i.Imm,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte GetOp8(ref Insn i, int n) => KindOf(ref i, n) switch
    {
        OperandKind.Register => GetReg8(RegOf(ref i, n)),
        OperandKind.Memory => Read8(i.Seg, EffectiveAddress(ref i)),
        _ => (byte)i.Imm,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetOp32(ref Insn i, int n, uint value)
    {
        if (KindOf(ref i, n) == OperandKind.Register) Gpr[RegOf(ref i, n)] = value;
        else Write32(i.Seg, EffectiveAddress(ref i), value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetOp16(ref Insn i, int n, ushort value)
    {
        if (KindOf(ref i, n) == OperandKind.Register) SetReg16(RegOf(ref i, n), value);
        else Write16(i.Seg, EffectiveAddress(ref i), value);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetOp8(ref Insn i, int n, byte value)
    {
        if (KindOf(ref i, n) == OperandKind.Register) SetReg8(RegOf(ref i, n), value);
        else Write8(i.Seg, EffectiveAddress(ref i), value);
    }

    /// <summary>Reads operand <paramref name="n"/> for a read-modify-write: a memory operand is checked for writing too.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint GetRmwOp32(ref Insn i, int n) => KindOf(ref i, n) == OperandKind.Memory
        ? ReadRmw32(i.Seg, EffectiveAddress(ref i))
        : Gpr[RegOf(ref i, n)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort GetRmwOp16(ref Insn i, int n) => KindOf(ref i, n) == OperandKind.Memory
        ? ReadRmw16(i.Seg, EffectiveAddress(ref i))
        : (ushort)Gpr[RegOf(ref i, n)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte GetRmwOp8(ref Insn i, int n) => KindOf(ref i, n) == OperandKind.Memory
        ? ReadRmw8(i.Seg, EffectiveAddress(ref i))
        : GetReg8(RegOf(ref i, n));
}
