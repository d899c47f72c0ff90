namespace HexEmu.Domain.Debugging;

/// <summary>
/// Tuning of the automatic checkpoints. <paramref name="Interval"/> bounds the replay a reverse
/// step costs (instructions between neighbouring checkpoints near where the user stands);
/// <paramref name="MemoryBudgetBytes"/> bounds what the checkpoints hold together.
/// </summary>
public sealed record SnapshotPolicyOptions(long Interval = SnapshotPolicyOptions.DefaultInterval, long MemoryBudgetBytes = SnapshotPolicyOptions.DefaultMemoryBudgetBytes)
{
    public const long DefaultInterval = 500_000;
    public const long DefaultMemoryBudgetBytes = 256L * 1024 * 1024;
}
