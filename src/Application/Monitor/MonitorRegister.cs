namespace HexEmu.Application.Monitor;

/// <summary>The registers QEMU's i386 monitor lets an expression name with `$` (besides `$pc`, which is cs.base + eip).</summary>
public enum MonitorRegister
{
    Eax, Ecx, Edx, Ebx, Esp, Ebp, Esi, Edi,
    Eflags, Eip,
    Cs, CsBase, CsLimit,
    Ds, DsBase, DsLimit,
    Es, EsBase, EsLimit,
    Ss, SsBase, SsLimit,
    Fs, FsBase, FsLimit,
    Gs, GsBase, GsLimit,
}
