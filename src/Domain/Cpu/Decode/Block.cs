namespace HexEmu.Domain.Cpu.Decode;

/// <summary>
/// A straight run of decoded instructions starting at a physical address, never crossing a page,
/// ending at the first control transfer or state change that could alter how code is decoded or
/// when interrupts are taken.
/// </summary>
internal sealed class Block
{
    public required uint PhysicalStart;
    public required bool Code32;
    public required Insn[] Insns;
    /// <summary>Bytes covered by the block's instructions.</summary>
    public required uint ByteLength;
    /// <summary>Bytes from <see cref="PhysicalStart"/> whose change invalidates the block (at least <see cref="ByteLength"/>).</summary>
    public uint WatchedLength;
    /// <summary>Cleared when the page's bytes change; a stale block is never executed again.</summary>
    public bool Valid = true;
    /// <summary>Built for one execution only (an instruction crossing a page boundary); never cached.</summary>
    public bool Transient;
}
