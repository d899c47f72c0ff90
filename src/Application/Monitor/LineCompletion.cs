namespace HexEmu.Application.Monitor;

/// <summary>
/// What Tab may complete to: whole words (command names), of which the first <paramref name="PrefixLength"/>
/// characters are already typed before the cursor.
/// </summary>
internal sealed record LineCompletion(IReadOnlyList<string> Candidates, int PrefixLength)
{
    public static readonly LineCompletion None = new([], 0);
}
