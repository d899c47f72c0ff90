using System.Globalization;
using System.Text;
using HexEmu.Application.Ports;

namespace HexEmu.Application.Monitor;

/// <summary>savevm, loadvm, delvm and `info snapshots`, in QEMU's words and table layout.</summary>
public sealed partial class MonitorInterpreter
{
    private void SaveVm(CommandLine line, StringBuilder output)
    {
        string? name = line.ReadWord();
        line.ExpectEnd();
        if (Snapshots(output) is { } snapshots) snapshots.Save(name);
    }

    private void LoadVm(CommandLine line, StringBuilder output)
    {
        string name = line.ReadWord() ?? throw new MonitorCommandException("loadvm: missing tag");
        line.ExpectEnd();
        if (Snapshots(output) is { } snapshots) snapshots.Load(name);
    }

    private void DelVm(CommandLine line, StringBuilder output)
    {
        string name = line.ReadWord() ?? throw new MonitorCommandException("delvm: missing tag");
        line.ExpectEnd();
        if (Snapshots(output) is { } snapshots) snapshots.Delete(name);
    }

    private IVmSnapshots? Snapshots(StringBuilder output)
    {
        if (_target.Snapshots is { } snapshots) return snapshots;
        output.Append("Error: No block device can accept snapshots\n");
        return null;
    }

    /// <summary>QEMU's listing: a header, then one line per snapshot present on every disk (its ID column shows "--").</summary>
    private void InfoSnapshots(StringBuilder output)
    {
        var list = _target.Snapshots?.List() ?? [];
        if (list.Count == 0)
        {
            output.Append("There is no snapshot available.\n");
            return;
        }
        output.Append("List of snapshots present on all disks:\n");
        output.Append(SnapshotTable.Header).Append('\n');
        foreach (var s in list) output.Append(SnapshotTable.Row(s, id: "--")).Append('\n');
    }
}

/// <summary>The snapshot table of QEMU's `info snapshots` and `qemu-img snapshot -l`.</summary>
public static class SnapshotTable
{
    public static string Header => $"{"ID",-10}{"TAG",-17}{"VM SIZE",8}{"DATE",20}{"VM CLOCK",13}{"ICOUNT",11}";

    public static string Row(VmSnapshotInfo s, string? id = null)
    {
        string date = s.Date.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        long ms = s.VmClockNs / 1_000_000;
        string clock = $"{ms / 3_600_000:D2}:{ms / 60_000 % 60:D2}:{ms / 1000 % 60:D2}.{ms % 1000:D3}";
        string icount = s.Icount >= 0 ? s.Icount.ToString(CultureInfo.InvariantCulture) : "";
        return $"{id ?? s.Id,-9} {s.Name,-16} {Size(s.VmStateSize),8}{date,20}{clock,13}{icount,11}";
    }

    /// <summary>
    /// QEMU's size_to_str: the unit that keeps the value under 1000 (binary units), printed with
    /// three significant digits ("684 KiB", "1.5 MiB", "0.977 KiB", "0 B").
    /// </summary>
    public static string Size(ulong bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        int unit = bytes == 0 ? 0 : (int)Math.Floor(Math.Log2(bytes / (1000.0 / 1024.0))) / 10;
        double value = bytes / Math.Pow(1024, unit);
        return $"{value.ToString("G3", CultureInfo.InvariantCulture)} {units[unit]}";
    }
}
