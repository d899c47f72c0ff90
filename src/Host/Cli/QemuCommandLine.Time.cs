using System.Globalization;

namespace HexEmu.Host.Cli;

public static partial class QemuCommandLine
{
    /// <summary>-rtc base=utc|localtime|DATE,clock=host|rt|vm[,driftfix=none]; keys not given keep their earlier value.</summary>
    internal static RtcOptions ParseRtc(string value, RtcOptions current)
    {
        var args = OptionArgs.Parse("-rtc", value, null, "base", "clock", "driftfix");
        var result = current;
        switch (args.Get("base"))
        {
            case null: break;
            case "utc": result = result with { Base = RtcBase.Utc, FixedStart = null }; break;
            case "localtime": result = result with { Base = RtcBase.LocalTime, FixedStart = null }; break;
            case var date:
                string[] formats = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"];
                if (!DateTime.TryParseExact(date, formats, CultureInfo.InvariantCulture,
                        DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime start))
                    throw args.Error("invalid datetime format (valid formats: '2006-06-17T16:01:21' or '2006-06-17')");
                result = result with { Base = RtcBase.Fixed, FixedStart = DateTime.SpecifyKind(start, DateTimeKind.Utc) };
                break;
        }
        result = args.Get("clock") switch
        {
            null => result,
            "host" => result with { Clock = RtcClock.Host },
            "rt" => result with { Clock = RtcClock.Rt },
            "vm" => result with { Clock = RtcClock.Vm },
            var other => throw args.Error($"invalid option value '{other}'"),
        };
        switch (args.Get("driftfix"))
        {
            case null or "none": break;
            case "slew": throw args.Error("driftfix=slew is not supported by hexemu");
            case var other: throw args.Error($"invalid option value '{other}'");
        }
        return result;
    }

    /// <summary>-icount [shift=]N|auto[,align=off][,sleep=on|off][,rr=record|replay,rrfile=FILE].</summary>
    internal static IcountOptions ParseIcount(string value)
    {
        var args = OptionArgs.Parse("-icount", value, "shift", "shift", "align", "sleep", "rr", "rrfile", "rrsnapshot");
        int? shift;
        string? text = args.Get("shift");
        if (text is null or "auto")
            shift = null;
        else if (OptionArgs.ParseInteger(text) is ulong n && n <= IcountOptions.MaxShift)
            shift = (int)n;
        else
            throw args.Error("icount: Invalid shift value");
        bool align = args.GetBool("align", false);
        if (align) throw args.Error("align=on is not supported by hexemu");
        var recordReplay = ParseRecordReplay(args, shift);
        return new IcountOptions(shift, args.GetBool("sleep", true), align) { RecordReplay = recordReplay };
    }

    /// <summary>
    /// The rr=, rrfile= and rrsnapshot= keys of -icount. QEMU's texts where it has one ("Invalid
    /// icount rr option", "File name not specified for replay"); HexEmu is stricter than QEMU in
    /// refusing an rrfile= that would be ignored and an adaptive shift, which a replay could not
    /// reproduce.
    /// </summary>
    private static RecordReplayOptions? ParseRecordReplay(OptionArgs args, int? shift)
    {
        RecordReplayMode? mode = args.Get("rr") switch
        {
            null => null,
            "record" => RecordReplayMode.Record,
            "replay" => RecordReplayMode.Replay,
            var other => throw args.Error($"Invalid icount rr option: {other}"),
        };
        string? file = args.Get("rrfile");
        if (mode is null)
        {
            if (file is not null) throw args.Error("rrfile= needs rr=record or rr=replay");
            if (args.Has("rrsnapshot")) throw args.Error("rrsnapshot= needs rr=record or rr=replay");
            return null;
        }
        if (string.IsNullOrEmpty(file)) throw args.Error("File name not specified for replay");
        string? snapshot = args.Get("rrsnapshot");
        if (snapshot is "") throw args.Error("rrsnapshot= needs a snapshot name");
        if (shift is null)
            throw args.Error(args.Has("shift") ? "record/replay needs a fixed shift=N (0..10), not shift=auto" : "record/replay needs a fixed shift=N (0..10)");
        return new RecordReplayOptions(mode.Value, file) { Snapshot = snapshot };
    }
}
