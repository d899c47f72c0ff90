using HexEmu.Adapters.Gdb.Protocol;

namespace HexEmu.Adapters.Gdb.Requests;

/// <summary>
/// gdb's thread-id syntax: hex, -1 (all threads), 0 (any thread), or pPID.TID once multiprocess
/// is on. The machine is one process with one thread, number 1.
/// </summary>
internal static class ThreadId
{
    public const string Ours = "01";

    /// <summary>Parses a thread-id; <paramref name="includesOurs"/> says whether it designates thread 1.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out bool includesOurs)
    {
        includesOurs = false;
        if (text.StartsWith("p"))
        {
            var dot = text.IndexOf('.');
            if (dot < 0) return TryParseOne(text[1..], out includesOurs); // a whole process
            if (!TryParseOne(text[1..dot], out var process) || !TryParseOne(text[(dot + 1)..], out var thread)) return false;
            includesOurs = process && thread;
            return true;
        }
        return TryParseOne(text, out includesOurs);
    }

    private static bool TryParseOne(ReadOnlySpan<char> text, out bool includesOurs)
    {
        includesOurs = false;
        if (text is "-1") { includesOurs = true; return true; }
        if (!Hex.TryParseNumber(text, out var value)) return false;
        includesOurs = value is 0 or 1;
        return true;
    }
}
