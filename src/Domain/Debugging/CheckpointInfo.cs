namespace HexEmu.Domain.Debugging;

/// <summary>One checkpoint as the <see cref="SnapshotPolicy"/> sees it: its position and the memory it added when taken.</summary>
public readonly record struct CheckpointInfo(long Icount, long Bytes);
