namespace HexEmu.Domain.Devices.Ata;

/// <summary>
/// The legacy ISA resources of an IDE channel: eight command block ports, the device control /
/// alternate status port, and an IRQ — as a PC (and QEMU's PIIX IDE in compatibility mode) assigns them.
/// </summary>
public sealed record AtaChannelPorts(int Index, ushort CommandBase, ushort ControlPort, int Irq)
{
    public const int CommandPortCount = 8;

    public static readonly AtaChannelPorts Primary = new(0, 0x1F0, 0x3F6, 14);
    public static readonly AtaChannelPorts Secondary = new(1, 0x170, 0x376, 15);

    public static IReadOnlyList<AtaChannelPorts> All { get; } = [Primary, Secondary];

    /// <summary>The saved-state section of this channel ("ide0", "ide1"); constant strings, as the replay state digest saves often.</summary>
    public string StateSection => Index switch { 0 => "ide0", 1 => "ide1", _ => $"ide{Index}" };
}
