namespace HexEmu.Host.Chardev;

/// <summary>Discards output and never has input. Also stands for QEMU's "vc" (no display here).</summary>
public sealed class NullCharBackend(string id, string description = "null") : CharBackendBase(id)
{
    public override string Description { get; } = description;

    public override void Write(ReadOnlySpan<byte> data)
    {
    }
}
