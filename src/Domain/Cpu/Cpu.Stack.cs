using System.Runtime.CompilerServices;

namespace HexEmu.Domain.Cpu;

/// <summary>
/// Stack access through SS, with ESP or SP as the stack's B bit says. Multi-push sequences
/// (interrupt frames, far calls) use the "…At" forms with a local stack pointer and commit it
/// with <see cref="SetStackPointer"/> only when every push succeeded, so a fault in the middle
/// leaves ESP unchanged.
/// </summary>
public sealed partial class Cpu
{
    /// <summary>0xFFFFFFFF for a 32-bit stack (SS.B set), 0xFFFF otherwise.</summary>
    public uint StackMask => Segs[Seg.SS].Big ? 0xFFFF_FFFFu : 0xFFFFu;

    /// <summary>Sets ESP (or only SP, on a 16-bit stack).</summary>
    public void SetStackPointer(uint sp)
    {
        uint mask = StackMask;
        Gpr[ESP] = (Gpr[ESP] & ~mask) | (sp & mask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint PushAt16(uint sp, ushort value)
    {
        sp = (sp - 2) & StackMask;
        Write16(Seg.SS, sp, value);
        return sp;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint PushAt32(uint sp, uint value)
    {
        sp = (sp - 4) & StackMask;
        Write32(Seg.SS, sp, value);
        return sp;
    }

    public void Push16(ushort value) => SetStackPointer(PushAt16(Gpr[ESP], value));

    public void Push32(uint value) => SetStackPointer(PushAt32(Gpr[ESP], value));

    /// <summary>Pushes a word or dword as the operand size says.</summary>
    public void Push(bool op32, uint value)
    {
        if (op32) Push32(value); else Push16((ushort)value);
    }

    /// <summary>Reads the value <paramref name="offset"/> bytes above the stack top without popping.</summary>
    public ushort Peek16(uint offset = 0) => Read16(Seg.SS, (Gpr[ESP] + offset) & StackMask);

    public uint Peek32(uint offset = 0) => Read32(Seg.SS, (Gpr[ESP] + offset) & StackMask);

    public ushort Pop16()
    {
        ushort v = Peek16();
        SetStackPointer(Gpr[ESP] + 2);
        return v;
    }

    public uint Pop32()
    {
        uint v = Peek32();
        SetStackPointer(Gpr[ESP] + 4);
        return v;
    }

    public uint Pop(bool op32) => op32 ? Pop32() : Pop16();
}
