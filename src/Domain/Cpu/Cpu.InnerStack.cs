namespace HexEmu.Domain.Cpu;

/// <summary>
/// The inner-level stacks of the current task state segment, which a call gate or an interrupt
/// to a more privileged level switches to (SDM vol. 3, 5.8.5, 6.12.1, 7.2.1 and 7.6).
/// </summary>
public sealed partial class Cpu
{
    /// <summary>The current TSS (TR) is a 32-bit TSS (else a 16-bit one).</summary>
    public bool Tss32 => Tr.Type is SystemType.Tss32Available or SystemType.Tss32Busy;

    /// <summary>
    /// Reads the stack for privilege level <paramref name="dpl"/> from the current TSS: SS and
    /// ESP at 8 + 8·dpl and 4 + 8·dpl in a 32-bit TSS, SS and SP at 4 + 4·dpl and 2 + 4·dpl in a
    /// 16-bit one. Beyond the TSS limit is #TS(TR selector), with EXT as <paramref name="ext"/> says.
    /// </summary>
    public void ReadTssStack(int dpl, out ushort ss, out uint esp, uint ext = 0)
    {
        bool tss32 = Tss32;
        uint at = tss32 ? 4 + 8 * (uint)dpl : 2 + 4 * (uint)dpl;
        uint size = tss32 ? 8u : 4u;
        if (at + size - 1 > Tr.Limit) FaultSelector(Vector.TS, Tr.Selector, ext);
        uint espSize = size / 2;
        esp = ReadSystem(Tr.Base + at, (int)espSize);
        ss = (ushort)ReadSystem(Tr.Base + at + espSize, 2);
    }

    /// <summary>
    /// Reads and checks the inner stack a privilege change to <paramref name="dpl"/> switches to:
    /// a null SS is #TS(EXT), one outside its table or failing the stack checks #TS(SS), one not
    /// present #SS(SS) (SDM vol. 2, CALL and INT n; vol. 3, 6.12.1).
    /// </summary>
    public Descriptor ReadInnerStackSegment(int dpl, out ushort ss, out uint esp, out uint ssDescriptorAddress, uint ext = 0)
    {
        ReadTssStack(dpl, out ss, out esp, ext);
        return ReadStackSegment(ss, dpl, Vector.TS, out ssDescriptorAddress, ext);
    }
}
