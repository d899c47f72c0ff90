using System.Text;
using HexEmu.Domain.Replay;

namespace HexEmu.Host.Replay;

/// <summary>How <c>hexemu rr dump</c> names events and their fields, in text and in JSON.</summary>
internal static class ReplayEventText
{
    /// <summary>QEMU's ShutdownCause names (qapi run-state.json), by number.</summary>
    public static string CauseName(ShutdownCause cause) => cause switch
    {
        ShutdownCause.None => "none",
        ShutdownCause.HostError => "host-error",
        ShutdownCause.HostQmpQuit => "host-qmp-quit",
        ShutdownCause.HostQmpSystemReset => "host-qmp-system-reset",
        ShutdownCause.HostSignal => "host-signal",
        ShutdownCause.HostUi => "host-ui",
        ShutdownCause.GuestShutdown => "guest-shutdown",
        ShutdownCause.GuestReset => "guest-reset",
        ShutdownCause.GuestPanic => "guest-panic",
        ShutdownCause.SubsystemReset => "subsystem-reset",
        ShutdownCause.SnapshotLoad => "snapshot-load",
        _ => $"cause-{(int)cause}",
    };

    public static string TypeName(ReplayEvent e) => e switch
    {
        SerialInputEvent => "serial-input",
        IdleWarpEvent => "idle-warp",
        HostClockEvent => "host-clock",
        ShutdownEvent => "shutdown",
        CheckpointEvent => "checkpoint",
        EndEvent => "end",
        _ => e.GetType().Name,
    };

    /// <summary>One line: the event's icount, offset, kind and fields.</summary>
    public static string Line(ReplayEvent e, long offset)
    {
        string detail = e switch
        {
            SerialInputEvent s => $"port {s.Port}, {s.Data.Length} byte{(s.Data.Length == 1 ? "" : "s")}: {Convert.ToHexStringLower(s.Data)} \"{Printable(s.Data)}\"",
            IdleWarpEvent w => $"{w.Nanoseconds} ns",
            HostClockEvent h => $"{h.UnixSeconds} s since the epoch ({UtcText(h.UnixSeconds)})",
            ShutdownEvent d => $"{CauseName(d.Cause)}, exit code {d.ExitCode}",
            CheckpointEvent c => $"state digest 0x{c.StateDigest:x16}{(c.IncludesRam ? " (with RAM)" : "")}, log CRC-32 0x{c.LogCrc:x8}",
            _ => "",
        };
        return $"icount {e.Icount} @{offset}: {TypeName(e)}{(detail.Length > 0 ? " " + detail : "")}";
    }

    public static string UtcText(long unixSeconds) =>
        unixSeconds is >= -62135596800 and <= 253402300799
            ? DateTimeOffset.FromUnixTimeSeconds(unixSeconds).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture)
            : "out of calendar range";

    /// <summary>The bytes as text, with C escapes for control bytes and \xNN for the rest that is not printable ASCII.</summary>
    public static string Printable(ReadOnlySpan<byte> data)
    {
        var text = new StringBuilder(data.Length);
        foreach (byte b in data)
        {
            text.Append(b switch
            {
                (byte)'\n' => "\\n",
                (byte)'\r' => "\\r",
                (byte)'\t' => "\\t",
                (byte)'\\' => "\\\\",
                (byte)'"' => "\\\"",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"\\x{b:x2}",
            });
        }
        return text.ToString();
    }
}
