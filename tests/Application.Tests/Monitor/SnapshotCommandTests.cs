using HexEmu.Application.Monitor;
using HexEmu.Application.Ports;

namespace HexEmu.Application.Tests.Monitor;

/// <summary>savevm, loadvm, delvm and `info snapshots`, with QEMU's texts and table.</summary>
public class SnapshotCommandTests
{
    private sealed class FakeSnapshots : IVmSnapshots
    {
        public List<VmSnapshotInfo> Saved { get; } = [];
        public List<string> Calls { get; } = [];
        public IReadOnlyList<VmSnapshotInfo> List() => Saved;
        public void Save(string? name) => Calls.Add($"save {name ?? "(generated)"}");
        public void Load(string name) => Calls.Add(name == "nope" ? throw new InvalidOperationException("Snapshot 'nope' does not exist") : $"load {name}");
        public void Delete(string name) => Calls.Add($"delete {name}");
    }

    private static (MonitorInterpreter, FakeSnapshots) Make()
    {
        var snapshots = new FakeSnapshots();
        return (new MonitorInterpreter(new FakeMonitorTarget { Snapshots = snapshots }), snapshots);
    }

    [Fact]
    public void The_commands_reach_the_snapshots_and_errors_are_shown()
    {
        var (monitor, snapshots) = Make();
        Assert.Equal("", monitor.Execute("savevm init"));
        Assert.Equal("", monitor.Execute("savevm"));
        Assert.Equal("", monitor.Execute("loadvm init"));
        Assert.Equal("", monitor.Execute("delvm init"));
        Assert.Equal(["save init", "save (generated)", "load init", "delete init"], snapshots.Calls);
        Assert.Equal("Error: Snapshot 'nope' does not exist\n", monitor.Execute("loadvm nope"));
    }

    [Fact]
    public void Without_a_drive_for_snapshots_savevm_says_so_as_qemu_does()
    {
        var monitor = new MonitorInterpreter(new FakeMonitorTarget());
        Assert.Equal("Error: No block device can accept snapshots\n", monitor.Execute("savevm x"));
        Assert.Equal("There is no snapshot available.\n", monitor.Execute("info snapshots"));
    }

    [Fact]
    public void Info_snapshots_prints_qemus_table()
    {
        var (monitor, snapshots) = Make();
        var date = new DateTimeOffset(2026, 11, 26, 1, 15, 7, TimeSpan.Zero).ToLocalTime();
        snapshots.Saved.Add(new VmSnapshotInfo("1", "s1", 54_476, date, 383_456_789, 6523));
        // The layout of qemu-img 7.2's `snapshot -l` for the same values, with "--" for the ID as HMP prints it.
        string expected = "List of snapshots present on all disks:\n" +
            "ID        TAG               VM SIZE                DATE     VM CLOCK     ICOUNT\n" +
            $"--        s1               53.2 KiB {date:yyyy-MM-dd HH:mm:ss} 00:00:00.383       6523\n";
        Assert.Equal(expected, monitor.Execute("info snapshots"));
    }

    [Theory]
    [InlineData(0UL, "0 B")]
    [InlineData(700_416UL, "684 KiB")]
    [InlineData(1_572_864UL, "1.5 MiB")]
    [InlineData(1000UL, "0.977 KiB")]
    [InlineData(54_476UL, "53.2 KiB")]
    public void Sizes_are_printed_as_qemus_size_to_str(ulong bytes, string text) => Assert.Equal(text, SnapshotTable.Size(bytes));
}
