namespace HexEmu.Domain.Devices.Serial;

/// <summary>
/// The conventional PC resources of a serial port: an 8-port block and an ISA IRQ (COM1/COM3
/// share IRQ 4, COM2/COM4 share IRQ 3), as QEMU's isa-serial assigns them by index.
/// </summary>
public sealed record ComPort(int Index, ushort BasePort, int Irq)
{
    public const int PortCount = 8;

    public static readonly ComPort Com1 = new(0, 0x3F8, 4);
    public static readonly ComPort Com2 = new(1, 0x2F8, 3);
    public static readonly ComPort Com3 = new(2, 0x3E8, 4);
    public static readonly ComPort Com4 = new(3, 0x2E8, 3);

    public static IReadOnlyList<ComPort> All { get; } = [Com1, Com2, Com3, Com4];

    /// <summary>"COM1" … "COM4".</summary>
    public string Name => $"COM{Index + 1}";

    /// <summary>The saved-state section of the UART at this port (unique per port).</summary>
    public string StateSection => $"serial{Index}";
}
