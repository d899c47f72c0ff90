namespace HexEmu.Domain.Cpu;

public sealed partial class Cpu
{
    /// <summary>Protected-mode segment register load with every check. Not yet implemented.</summary>
    public void LoadSegmentProtected(int seg, ushort selector)
    {
        _ = (seg, selector);
        throw new NotImplementedException("protected-mode segment loads");
    }
}
