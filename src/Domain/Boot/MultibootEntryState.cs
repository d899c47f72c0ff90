namespace HexEmu.Domain.Boot;

/// <summary>
/// The processor state a Multiboot kernel starts in (spec 3.2), as <see cref="MultibootBoot.Load"/>
/// computed it: EAX holds the boot loader magic, EBX the physical address of the information
/// structure, execution starts at the entry in flat 32-bit protected mode.
/// </summary>
public readonly record struct MultibootEntryState(
    uint Eip, uint Eax, uint Ebx, uint Ecx, uint Esp,
    uint GdtBase, ushort GdtLimit, uint IdtBase, ushort IdtLimit,
    ushort CodeSelector, ushort DataSelector)
{
    /// <summary>
    /// Sets the CPU to this state: flat protected mode (see <see cref="Cpu.Cpu.EnterFlatProtectedMode"/>),
    /// the registers above, EDX/ESI/EDI/EBP zero, GDTR and IDTR. Call it on a freshly reset CPU.
    /// </summary>
    public void ApplyTo(Cpu.Cpu cpu)
    {
        cpu.EnterFlatProtectedMode(Eip, CodeSelector, DataSelector);
        Array.Clear(cpu.Gpr);
        cpu.Gpr[Cpu.Cpu.EAX] = Eax;
        cpu.Gpr[Cpu.Cpu.EBX] = Ebx;
        cpu.Gpr[Cpu.Cpu.ECX] = Ecx;
        cpu.Gpr[Cpu.Cpu.ESP] = Esp;
        cpu.GdtBase = GdtBase;
        cpu.GdtLimit = GdtLimit;
        cpu.IdtBase = IdtBase;
        cpu.IdtLimit = IdtLimit;
    }
}
