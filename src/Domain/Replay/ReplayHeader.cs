namespace HexEmu.Domain.Replay;

/// <summary>
/// What a replay must agree with its recording on, written first in the log: the icount shift,
/// a fingerprint of the machine configuration (RAM, CPU model, devices, serial port count), and
/// the identity (SHA-256) of every guest image (firmware, kernel, modules, disks).
/// </summary>
public sealed record ReplayHeader(int Shift, string MachineFingerprint, IReadOnlyList<ImageIdentity> Images)
{
    /// <summary>The ways <paramref name="replay"/> differs from this (the recording's) header, one phrase each; empty when they agree.</summary>
    public IReadOnlyList<string> Differences(ReplayHeader replay)
    {
        var differences = new List<string>();
        if (Shift != replay.Shift) differences.Add($"icount shift {replay.Shift} (the recording used shift={Shift})");
        if (MachineFingerprint != replay.MachineFingerprint)
            differences.AddRange(ConfigurationDifferences(MachineFingerprint, replay.MachineFingerprint));
        foreach (var image in Images)
        {
            var other = replay.Images.FirstOrDefault(i => i.Role == image.Role);
            if (other is null) differences.Add($"no {image.Role} (the recording had one)");
            else if (other.Sha256 != image.Sha256) differences.Add($"{image.Role} '{other.Name}' is not the image recorded ('{image.Name}', another SHA-256)");
        }
        foreach (var image in replay.Images)
            if (Images.All(i => i.Role != image.Role)) differences.Add($"{image.Role} '{image.Name}' (the recording had none)");
        return differences;
    }

    /// <summary>
    /// Field by field when both fingerprints are in <see cref="Replay.MachineFingerprint"/>'s
    /// key=value form ("machine configuration serial=1 (the recording had serial=2)"), else the
    /// two texts whole.
    /// </summary>
    private static IEnumerable<string> ConfigurationDifferences(string recorded, string replayed)
    {
        var mine = Replay.MachineFingerprint.TryParse(recorded);
        var theirs = Replay.MachineFingerprint.TryParse(replayed);
        if (mine is null || theirs is null)
        {
            yield return $"machine configuration '{replayed}' (the recording had '{recorded}')";
            yield break;
        }
        var recordedByKey = mine.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        var replayedByKey = theirs.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        foreach (var (key, value) in theirs)
        {
            if (!recordedByKey.TryGetValue(key, out string? had))
                yield return $"machine configuration {Replay.MachineFingerprint.FormatField(key, value)} (the recording had no {key})";
            else if (had != value)
                yield return $"machine configuration {Replay.MachineFingerprint.FormatField(key, value)} (the recording had {Replay.MachineFingerprint.FormatField(key, had)})";
        }
        foreach (var (key, value) in mine)
            if (!replayedByKey.ContainsKey(key))
                yield return $"machine configuration without {key} (the recording had {Replay.MachineFingerprint.FormatField(key, value)})";
    }
}

/// <summary>A guest image by its role ("kernel", "bios", "module 1", "disk ide0-hd0"), file name and content hash (hex).</summary>
public sealed record ImageIdentity(string Role, string Name, string Sha256);

/// <summary>A replay log that cannot be read as written: the message names the byte offset or the icount.</summary>
public sealed class ReplayLogException(string message) : Exception(message);
