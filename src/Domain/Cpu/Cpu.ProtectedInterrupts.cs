namespace HexEmu.Domain.Cpu;

public sealed partial class Cpu
{
    /// <summary>Protected-mode and virtual-8086 delivery through the IDT. Not yet implemented.</summary>
    private void DeliverProtectedMode(int vector, uint errorCode, bool hasErrorCode, InterruptKind kind, uint returnEip)
    {
        _ = (vector, errorCode, hasErrorCode, kind, returnEip);
        throw new NotImplementedException("protected-mode interrupt delivery");
    }

    /// <summary>IRET in protected and virtual-8086 mode (and the return from a nested task). Not yet implemented.</summary>
    private void InterruptReturnProtected(bool op32)
    {
        _ = op32;
        throw new NotImplementedException("protected-mode IRET");
    }
}
