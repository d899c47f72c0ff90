using System.Text;
using System.Text.Json;

namespace HexEmu.Host.Img;

/// <summary>The internal snapshot listing of qemu-img (info and snapshot -l) and its JSON form.</summary>
public static class SnapshotTable
{
    /// <summary>The table itself is the monitor's (`info snapshots` prints the same columns).</summary>
    public static void Write(StringBuilder text, IReadOnlyList<SnapshotInfo> snapshots)
    {
        text.Append(Application.Monitor.SnapshotTable.Header).Append('\n');
        foreach (var s in snapshots)
        {
            var date = DateTimeOffset.FromUnixTimeSeconds(s.DateSeconds).AddTicks(s.DateNanoseconds / 100);
            var info = new Application.Ports.VmSnapshotInfo(s.Id, s.Name, (ulong)s.VmStateSize, date, s.VmClockNanoseconds, s.Icount ?? -1);
            text.Append(Application.Monitor.SnapshotTable.Row(info)).Append('\n');
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
