namespace HexEmu.Domain.Cpu;

public sealed partial class Cpu
{
    /// <summary>Protected-mode and virtual-8086 delivery through the IDT. Not yet implemented.</summary>
    private void DeliverProtectedMode(int vector, uint errorCode, bool hasErrorCode, InterruptKind kind, uint returnEip)
    {
        _ = (vector, errorCode, hasErrorCode, kind, returnEip);
        throw new NotImplementedException("protected-mode interrupt delivery");
    }
}
