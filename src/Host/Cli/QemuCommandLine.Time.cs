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

    /// <summary>-icount [shift=]N|auto[,align=off][,sleep=on|off]; rr=/rrfile=/rrsnapshot= wait for record/replay.</summary>
    internal static IcountOptions ParseIcount(string value)
    {
        var args = OptionArgs.Parse("-icount", value, "shift", "shift", "align", "sleep", "rr", "rrfile", "rrsnapshot");
        if (args.Has("rr") || args.Has("rrfile") || args.Has("rrsnapshot"))
            throw args.Error("record/replay (rr=, rrfile=, rrsnapshot=) is not supported by hexemu yet");
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
        return new IcountOptions(shift, args.GetBool("sleep", true), align);
    }
}
