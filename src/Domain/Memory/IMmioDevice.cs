namespace HexEmu.Domain.Memory;

/// <summary>A device mapped into the physical address space (APIC, VGA window, …).</summary>
public interface IMmioDevice
{
    /// <summary>Reads <paramref name="size"/> bytes (1, 2 or 4) at <paramref name="offset"/> into the region.</summary>
    uint Read(uint offset, int size);

    void Write(uint offset, int size, uint value);
}
