using System.Globalization;
using System.Text.RegularExpressions;

namespace HexEmu.Adapters.Qcow2.Tests;

/// <summary>
/// The expected contents in Fixtures/MANIFEST.md (written from qemu-img's own output): for each
/// image, its active-layer size, sha256 and byte ranges each filled with one value.
/// </summary>
internal sealed partial record ManifestEntry(string File, long Size, string Sha256, IReadOnlyList<(long From, long To, byte Value)> Ranges, int Snapshots, int Cluster)
{
    public static IReadOnlyDictionary<string, ManifestEntry> Load()
    {
        var lines = System.IO.File.ReadAllLines(Fixtures.PathOf("MANIFEST.md"));
        var summary = new Dictionary<string, (int Cluster, int Snapshots)>();
        foreach (var line in lines)
        {
            var m = SummaryRow().Match(line);
            if (m.Success) summary[m.Groups[1].Value] = (m.Groups[2].Value == "raw" ? 0 : int.Parse(m.Groups[2].Value), int.Parse(m.Groups[3].Value));
        }
        var result = new Dictionary<string, ManifestEntry>();
        string? current = null;
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith("### ", StringComparison.Ordinal)) current = lines[i][4..].Trim();
            var head = ActiveHeading().Match(lines[i]);
            if (current is null || !head.Success || result.ContainsKey(current)) continue;
            var ranges = new List<(long, long, byte)>();
            for (var j = i + 1; j < lines.Length && !lines[j].StartsWith("Notes", StringComparison.Ordinal) && !lines[j].StartsWith("Expected", StringComparison.Ordinal) && !lines[j].StartsWith("#", StringComparison.Ordinal); j++)
            {
                var row = RangeRow().Match(lines[j]);
                if (row.Success)
                    ranges.Add((Hex(row.Groups[1].Value), Hex(row.Groups[2].Value), (byte)Hex(row.Groups[3].Value)));
            }
            var (cluster, snapshots) = summary[current];
            result[current] = new ManifestEntry(current, long.Parse(head.Groups[1].Value), head.Groups[2].Value, ranges, snapshots, cluster);
        }
        return result;
    }

    private static long Hex(string s) => long.Parse(s[2..], NumberStyles.HexNumber);

    [GeneratedRegex(@"^\| (\S+\.qcow2) \| \d+ \| (\d+|raw) \| \d+ \| (\d+|-) \|")]
    private static partial Regex SummaryRow();

    [GeneratedRegex(@"^Expected guest content, active layer \((\d+) bytes, sha256 `([0-9a-f]+)`\)")]
    private static partial Regex ActiveHeading();

    [GeneratedRegex(@"^\| (0x[0-9a-f]+) \| (0x[0-9a-f]+) \| (0x[0-9a-f]+)")]
    private static partial Regex RangeRow();
}
