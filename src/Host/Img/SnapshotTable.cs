using System.Text;
using System.Text.Json;

namespace HexEmu.Host.Img;

/// <summary>The internal snapshot listing of qemu-img (info and snapshot -l) and its JSON form.</summary>
public static class SnapshotTable
{
    public static void Write(StringBuilder text, IReadOnlyList<SnapshotInfo> snapshots)
    {
        text.Append($"{"ID",-10}{"TAG",-17}{"VM SIZE",8}{"DATE",20}{"VM CLOCK",13}{"ICOUNT",11}\n");
        foreach (var s in snapshots)
        {
            var date = DateTimeOffset.FromUnixTimeSeconds(s.DateSeconds).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss",
                System.Globalization.CultureInfo.InvariantCulture);
            var seconds = s.VmClockNanoseconds / 1_000_000_000;
            var clock = $"{seconds / 3600:00}:{seconds / 60 % 60:00}:{seconds % 60:00}.{s.VmClockNanoseconds / 1_000_000 % 1000:000}";
            var icount = s.Icount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
            text.Append($"{s.Id,-10}{s.Name,-17}{ImgSizes.Human(s.VmStateSize),8}{date,20}{clock,13}{icount,11}\n");
        }
    }

    public static void WriteJson(Utf8JsonWriter json, SnapshotInfo s)
    {
        json.WriteStartObject();
        if (s.Icount is { } icount) json.WriteNumber("icount", icount);
        json.WriteNumber("vm-clock-nsec", s.VmClockNanoseconds % 1_000_000_000);
        json.WriteString("name", s.Name);
        json.WriteNumber("date-sec", s.DateSeconds);
        json.WriteNumber("date-nsec", s.DateNanoseconds);
        json.WriteNumber("vm-clock-sec", s.VmClockNanoseconds / 1_000_000_000);
        json.WriteString("id", s.Id);
        json.WriteNumber("vm-state-size", s.VmStateSize);
        json.WriteEndObject();
    }
}
