namespace HexEmu.Domain.Time;

/// <summary>
/// The clock of the emulated world: the number of guest instructions retired since power-on.
/// Kept as its own type so it is never confused with guest nanoseconds or host time.
/// </summary>
public readonly record struct Icount(long Value) : IComparable<Icount>
{
    public static readonly Icount Zero = new(0);

    public int CompareTo(Icount other) => Value.CompareTo(other.Value);

    public static Icount operator +(Icount a, long instructions) => new(a.Value + instructions);
    public static long operator -(Icount a, Icount b) => a.Value - b.Value;
    public static bool operator <(Icount a, Icount b) => a.Value < b.Value;
    public static bool operator >(Icount a, Icount b) => a.Value > b.Value;
    public static bool operator <=(Icount a, Icount b) => a.Value <= b.Value;
    public static bool operator >=(Icount a, Icount b) => a.Value >= b.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
