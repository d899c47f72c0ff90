using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HexEmu.Application.Ports;

namespace HexEmu.Adapters.Qcow2;

/// <summary>
/// Persisted reverse-debugging checkpoints as internal snapshots of the VM-state image, named
/// <c>hexemu.checkpoint.RECORDING.ICOUNT</c> (RECORDING: 16 hex digits of the SHA-256 of the
/// recording's identity; ICOUNT: 20 digits, so names sort by icount). They hold only the machine's
/// state (a replay's disks are in-memory overlays, whose written sectors are in that state), so
/// the other drives get none. `info snapshots` leaves them out; `qemu-img snapshot -l` shows them.
/// </summary>
public sealed partial class Qcow2SnapshotStore : ICheckpointStore
{
    private const string CheckpointPrefix = "hexemu.checkpoint.";

    private static bool IsCheckpoint(string name) => name.StartsWith(CheckpointPrefix, StringComparison.Ordinal);

    private static string RecordingKey(string recording) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(recording)))[..16];

    private static string CheckpointName(string recording, long icount) =>
        $"{CheckpointPrefix}{RecordingKey(recording)}.{icount.ToString("D20", CultureInfo.InvariantCulture)}";

    public void SaveCheckpoint(string recording, long icount, ReadOnlySpan<byte> state)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(icount);
        string name = CheckpointName(recording, icount);
        var bytes = state.ToArray();
        Run(() =>
        {
            if (vmStateImage.FindSnapshot(name) is not null) vmStateImage.DeleteSnapshot(name);
            vmStateImage.CreateSnapshot(name, bytes, vmClockNs: 0, icount, DateTimeOffset.UtcNow);
        });
    }

    public StoredCheckpoint? FindCheckpoint(string recording, long icount)
    {
        var at = ListCheckpoints(recording).Where(c => c <= icount).DefaultIfEmpty(-1).Max();
        return at < 0 ? null : Run(() => new StoredCheckpoint(at, vmStateImage.ReadSnapshotVmState(CheckpointName(recording, at))));
    }

    public IReadOnlyList<long> ListCheckpoints(string recording)
    {
        string prefix = $"{CheckpointPrefix}{RecordingKey(recording)}.";
        return [.. vmStateImage.Snapshots
            .Where(s => s.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(s => long.TryParse(s.Name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long icount) ? icount : -1)
            .Where(icount => icount >= 0)
            .Order()];
    }

    public void DeleteCheckpoints(string recording)
    {
        foreach (long icount in ListCheckpoints(recording))
            Run(() => vmStateImage.DeleteSnapshot(CheckpointName(recording, icount)));
    }
}
