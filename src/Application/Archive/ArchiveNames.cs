using System.Text.RegularExpressions;

namespace HexEmu.Application.Archive;

/// <summary>
/// The names an archive accepts: recording names are one safe path segment (letters, digits,
/// '-', '_', '.', no '..', not starting with '.'), file paths are '/'-separated segments of the
/// same kind plus spaces, '+', ',', '=', '@'. Both end up in blob names and local paths, so
/// nothing may climb out of a directory or mean something to a shell or a URL.
/// </summary>
public static partial class ArchiveNames
{
    public const int MaxNameLength = 100;
    public const int MaxPathLength = 700;

    /// <summary>Null if <paramref name="name"/> is a valid recording name; otherwise why not.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0) return "a recording name may not be empty";
        if (name.Length > MaxNameLength) return $"a recording name has at most {MaxNameLength} characters";
        if (!NamePattern().IsMatch(name) || name.StartsWith('.') || name.Contains("..", StringComparison.Ordinal))
            return $"'{Shown(name)}' is not a valid recording name: use letters, digits, '-', '_' and '.', not starting with '.' and without '..'";
        return null;
    }

    /// <summary>Null if <paramref name="path"/> is a valid relative file path in a recording; otherwise why not.</summary>
    public static string? PathProblem(string path)
    {
        if (path.Length == 0 || path.Length > MaxPathLength) return $"a file path in a recording has 1 to {MaxPathLength} characters";
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment is "." or ".." || !SegmentPattern().IsMatch(segment) || segment.StartsWith(' ') || segment.EndsWith(' '))
                return $"'{Shown(path)}' is not a valid file path in a recording: '/'-separated names of letters, digits, spaces and '-_.+,=@', none of them '.' or '..'";
        }
        return null;
    }

    private static string Shown(string text) => text.Length <= 60 ? text : text[..60] + "…";

    [GeneratedRegex("^[A-Za-z0-9_.-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9_.+,=@ -]+$")]
    private static partial Regex SegmentPattern();
}
