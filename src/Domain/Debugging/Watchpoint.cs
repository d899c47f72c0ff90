namespace HexEmu.Domain.Debugging;

/// <summary>Which guest accesses a watchpoint reports (GDB's Z2, Z3 and Z4).</summary>
public enum WatchKind
{
    Write,
    Read,
    Access,
}

/// <summary>A watched range of linear addresses: <paramref name="Length"/> bytes from <paramref name="Address"/>.</summary>
public readonly record struct Watchpoint(uint Address, uint Length, WatchKind Kind)
{
    /// <summary>Whether an access of <paramref name="size"/> bytes at <paramref name="linear"/> touches the range.</summary>
    public bool Overlaps(uint linear, uint size) =>
        (ulong)linear < (ulong)Address + Length && (ulong)Address < (ulong)linear + size;

    /// <summary>Whether an access of this direction is one the watchpoint reports.</summary>
    public bool Reports(bool write) => Kind == WatchKind.Access || (Kind == WatchKind.Write) == write;
}
