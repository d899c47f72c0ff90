namespace HexEmu.Domain.Cpu;

/// <summary>
/// Thrown inside the interpreter when an instruction faults; caught once per run loop and turned
/// into an exception delivery. A fault is rare next to the instructions that do not fault, and
/// throwing keeps every handler's non-faulting path free of status checks, which is where the
/// time goes. The instance is reused: a fault allocates nothing.
///
/// Handlers must be restartable: read and check everything an instruction needs before changing
/// any register, flag or memory byte, so that a fault leaves the machine as it was before the
/// instruction (Intel SDM vol. 3, 6.5 "faults").
/// </summary>
public sealed class CpuFault : Exception
{
    public int Vector { get; private set; }
    public uint ErrorCode { get; private set; }
    public bool HasErrorCode { get; private set; }

    internal CpuFault() : base("guest CPU fault") { }

    internal CpuFault Set(int vector, uint errorCode, bool hasErrorCode)
    {
        Vector = vector;
        ErrorCode = errorCode;
        HasErrorCode = hasErrorCode;
        return this;
    }
}
