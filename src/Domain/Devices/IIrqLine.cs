namespace HexEmu.Domain.Devices;

/// <summary>
/// An interrupt request line from a device to an interrupt controller. Devices drive it high or
/// low (ISA devices pulse it; level-triggered inputs watch the level); the controller decides
/// what an edge or a level means. Calls happen on the machine thread, at deterministic points.
/// </summary>
public interface IIrqLine
{
    void Set(bool high);
}

/// <summary>A line connected to nothing (a device configured without an interrupt).</summary>
public sealed class UnconnectedIrqLine : IIrqLine
{
    public static readonly UnconnectedIrqLine Instance = new();
    public void Set(bool high) { }
}
