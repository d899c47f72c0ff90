namespace HexEmu.Domain.Cpu;

/// <summary>I/O protection (SDM vol. 1, 19.5): IOPL first, then the TSS I/O permission bitmap.</summary>
public sealed partial class Cpu
{
    /// <summary>
    /// Raises #GP(0) unless the current task may access <paramref name="size"/> ports from
    /// <paramref name="port"/>. In protected mode with CPL ≤ IOPL everything is allowed; otherwise
    /// (and always in virtual-8086 mode) every port's bit in the 32-bit TSS's bitmap must be clear,
    /// and a bitmap beyond the TSS limit, or a 16-bit TSS, denies access.
    /// </summary>
    public void CheckIoPermission(ushort port, int size)
    {
        if (!ProtectedMode) return;
        if (!V86Mode && Cpl <= Iopl) return;
        int trType = Tr.Type;
        if ((trType != 9 && trType != 11) || Tr.Limit < 0x67) Fault(Vector.GP, 0);
        uint bitmapBase = ReadSystem(Tr.Base + 0x66, 2);
        uint byteOffset = bitmapBase + (uint)(port >> 3);
        if (byteOffset + 1 > Tr.Limit) Fault(Vector.GP, 0);
        uint bits = ReadSystem(Tr.Base + byteOffset, 2);
        uint mask = ((1u << size) - 1) << (port & 7);
        if ((bits & mask) != 0) Fault(Vector.GP, 0);
    }
}
