namespace HexEmu.Domain.Cpu;

/// <summary>Near control transfers: the target must lie within CS's limit (SDM vol. 2, JMP: #GP(0)).</summary>
public sealed partial class Cpu
{
    public void NearJump(uint target)
    {
        if (target > Segs[Seg.CS].MaxOffset) Fault(Vector.GP, 0);
        NextEip = target;
    }
}
