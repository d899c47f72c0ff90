namespace HexEmu.Domain.Cpu;

/// <summary>
/// Direct host access to one linear page, for string instructions that move many elements at
/// once (REP MOVS, REP STOS). The page is translated with the current privilege like any access
/// (so #PF is raised exactly where a per-element access would raise it); null means the page is
/// not plain RAM the TLB may touch directly (MMIO, ROM for writes, a page holding cached code),
/// and the caller must fall back to element-by-element accesses.
/// </summary>
public sealed unsafe partial class Cpu
{
    /// <summary>Host address of the byte at <paramref name="linear"/> for reading, or null.</summary>
    internal byte* HostPointerForRead(uint linear)
    {
        uint idx = (linear >> 12) & TlbMask;
        if (_readTag[idx] != linear >> 12)
        {
            if (_watchesArmed && _maskedReadTag[idx] == linear >> 12) return null; // watched: one element at a time
            Translate(linear, write: false, user: Cpl == 3);
            if (_readTag[idx] != linear >> 12) return null;
        }
        return (byte*)(_tlbHost[idx] + (nint)linear);
    }

    /// <summary>Host address of the byte at <paramref name="linear"/> for writing, or null.</summary>
    internal byte* HostPointerForWrite(uint linear)
    {
        uint idx = (linear >> 12) & TlbMask;
        if (_writeTag[idx] != linear >> 12)
        {
            if (_watchesArmed && _maskedWriteTag[idx] == linear >> 12) return null; // watched: one element at a time
            Translate(linear, write: true, user: Cpl == 3);
            if (_writeTag[idx] != linear >> 12) return null;
        }
        return (byte*)(_tlbHost[idx] + (nint)linear);
    }
}
