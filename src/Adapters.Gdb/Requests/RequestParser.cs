using System.Text;
using HexEmu.Adapters.Gdb.Protocol;
using HexEmu.Application.Debugging;

namespace HexEmu.Adapters.Gdb.Requests;

/// <summary>
/// Turns a packet's payload into a <see cref="GdbRequest"/>. Never throws: anything that does not
/// parse becomes <see cref="GdbRequest.Malformed"/> (a known packet with bad arguments) or
/// <see cref="GdbRequest.Unsupported"/> (an unknown packet).
/// </summary>
internal static class RequestParser
{
    public static GdbRequest Parse(ReadOnlySpan<byte> payload)
    {
        // Latin-1 maps every byte to the char of the same value, so the binary data of an X
        // packet survives the conversion and is recovered byte for byte below.
        var text = Encoding.Latin1.GetString(payload);
        if (text.Length == 0) return new GdbRequest.Unsupported("");
        var args = text.AsSpan(1);
        return text[0] switch
        {
            '?' => args.IsEmpty ? new GdbRequest.QueryStopReason() : Bad("'?' takes no argument"),
            'g' => args.IsEmpty ? new GdbRequest.ReadRegisters() : Bad("'g' takes no argument"),
            'G' => Hex.ToBytes(args) is { } data ? new GdbRequest.WriteRegisters(data) : Bad("G: register data is not hex"),
            'p' => Hex.TryParseUInt32(args, out var number) ? new GdbRequest.ReadRegister(number) : Bad("p: bad register number"),
            'P' => ParseWriteRegister(args),
            'm' => ParseReadMemory(args),
            'M' => ParseWriteMemory(args, binary: false),
            'X' => ParseWriteMemory(args, binary: true),
            'c' => ParseResume(ResumeAction.Continue, args, withSignal: false),
            's' => ParseResume(ResumeAction.Step, args, withSignal: false),
            'C' => ParseResume(ResumeAction.Continue, args, withSignal: true),
            'S' => ParseResume(ResumeAction.Step, args, withSignal: true),
            'b' => text switch
            {
                "bc" => new GdbRequest.Resume(ResumeAction.ReverseContinue),
                "bs" => new GdbRequest.Resume(ResumeAction.ReverseStep),
                _ => new GdbRequest.Unsupported(text),
            },
            'Z' => ParseBreakpoint(args, insert: true),
            'z' => ParseBreakpoint(args, insert: false),
            'H' => args.Length >= 1 ? new GdbRequest.SetThread() : Bad("H: no operation"),
            'T' => ThreadId.TryParse(args, out var isOurs) ? new GdbRequest.ThreadAlive(isOurs) : Bad("T: bad thread id"),
            'k' => new GdbRequest.Kill(),
            'D' => new GdbRequest.Detach(), // 'D' or 'D;pid': either way the one debugger leaves
            'q' => ParseQuery(text),
            'Q' => text == "QStartNoAckMode" ? new GdbRequest.StartNoAckMode() : Unknown(text),
            'v' => ParseV(text),
            _ => Unknown(text),
        };
    }

    private static GdbRequest.Malformed Bad(string reason) => new(reason);

    /// <summary>An unknown packet, named by what precedes its first separator (for the log).</summary>
    private static GdbRequest.Unsupported Unknown(string text)
    {
        var end = text.AsSpan().IndexOfAny(":,;");
        var name = end < 0 ? text : text[..end];
        return new(name.Length > 40 ? name[..40] : name);
    }

    private static GdbRequest ParseWriteRegister(ReadOnlySpan<char> args)
    {
        var eq = args.IndexOf('=');
        if (eq < 0 || !Hex.TryParseUInt32(args[..eq], out var number)) return Bad("P: expected n=value");
        return Hex.ToBytes(args[(eq + 1)..]) is { } value ? new GdbRequest.WriteRegister(number, value) : Bad("P: value is not hex");
    }

    private static bool TryParseAddressLength(ReadOnlySpan<char> args, out uint address, out uint length)
    {
        length = 0;
        var comma = args.IndexOf(',');
        address = 0;
        return comma >= 0
            && Hex.TryParseUInt32(args[..comma], out address)
            && Hex.TryParseUInt32(args[(comma + 1)..], out length);
    }

    private static GdbRequest ParseReadMemory(ReadOnlySpan<char> args) =>
        TryParseAddressLength(args, out var address, out var length)
            ? new GdbRequest.ReadMemory(address, length)
            : Bad("m: expected addr,length");

    private static GdbRequest ParseWriteMemory(ReadOnlySpan<char> args, bool binary)
    {
        var colon = args.IndexOf(':');
        if (colon < 0 || !TryParseAddressLength(args[..colon], out var address, out var length))
        {
            return Bad($"{(binary ? 'X' : 'M')}: expected addr,length:data");
        }
        var dataText = args[(colon + 1)..];
        byte[]? data;
        if (binary)
        {
            data = new byte[dataText.Length];
            for (var i = 0; i < data.Length; i++) data[i] = (byte)dataText[i];
        }
        else
        {
            data = Hex.ToBytes(dataText);
            if (data is null) return Bad("M: data is not hex");
        }
        return data.Length == length ? new GdbRequest.WriteMemory(address, data) : Bad($"{(binary ? 'X' : 'M')}: length {length} but {data.Length} bytes of data");
    }

    /// <summary>c [addr], s [addr], C sig[;addr], S sig[;addr]. The signal is ignored: a machine has no signals to deliver.</summary>
    private static GdbRequest ParseResume(ResumeAction action, ReadOnlySpan<char> args, bool withSignal)
    {
        if (withSignal)
        {
            var semicolon = args.IndexOf(';');
            var signal = semicolon < 0 ? args : args[..semicolon];
            if (!Hex.TryParseNumber(signal, out var sig) || sig > 0xff) return Bad("C/S: bad signal number");
            args = semicolon < 0 ? [] : args[(semicolon + 1)..];
            if (semicolon >= 0 && args.IsEmpty) return Bad("C/S: empty address");
        }
        if (args.IsEmpty) return new GdbRequest.Resume(action);
        return Hex.TryParseUInt32(args, out var address) ? new GdbRequest.Resume(action, address) : Bad("c/s: bad address");
    }

    private static GdbRequest ParseBreakpoint(ReadOnlySpan<char> args, bool insert)
    {
        // type,addr,kind — possibly followed by ";cond…" lists, which gdb sends only to stubs that ask for them.
        var semicolon = args.IndexOf(';');
        if (semicolon >= 0) args = args[..semicolon];
        var first = args.IndexOf(',');
        if (first < 0 || !Hex.TryParseNumber(args[..first], out var type)) return Bad("Z/z: expected type,addr,kind");
        var rest = args[(first + 1)..];
        if (!TryParseAddressLength(rest, out var address, out var kind)) return Bad("Z/z: expected type,addr,kind");
        if (type > (ulong)BreakpointType.AccessWatch) return new GdbRequest.Unsupported((insert ? "Z" : "z") + type);
        return new GdbRequest.Breakpoint(insert, (BreakpointType)type, address, kind);
    }

    private static GdbRequest ParseQuery(string text)
    {
        if (text == "qSupported") return new GdbRequest.QuerySupported([]);
        if (text.StartsWith("qSupported:", StringComparison.Ordinal))
        {
            return new GdbRequest.QuerySupported(text["qSupported:".Length..].Split(';', StringSplitOptions.RemoveEmptyEntries));
        }
        if (text.StartsWith("qXfer:features:read:", StringComparison.Ordinal)) return ParseReadFeatures(text.AsSpan("qXfer:features:read:".Length));
        if (text == "qAttached" || text.StartsWith("qAttached:", StringComparison.Ordinal)) return new GdbRequest.QueryAttached();
        if (text == "qC") return new GdbRequest.QueryCurrentThread();
        if (text == "qfThreadInfo") return new GdbRequest.QueryThreadList(First: true);
        if (text == "qsThreadInfo") return new GdbRequest.QueryThreadList(First: false);
        if (text.StartsWith("qSymbol:", StringComparison.Ordinal)) return new GdbRequest.QuerySymbol();
        if (text.StartsWith("qRcmd,", StringComparison.Ordinal))
        {
            var bytes = Hex.ToBytes(text.AsSpan("qRcmd,".Length));
            return bytes is null ? Bad("qRcmd: command is not hex") : new GdbRequest.Monitor(Encoding.UTF8.GetString(bytes));
        }
        // qOffsets: QEMU's system emulation does not answer it either (the guest is not relocated).
        return Unknown(text);
    }

    private static GdbRequest ParseReadFeatures(ReadOnlySpan<char> args)
    {
        var colon = args.LastIndexOf(':');
        if (colon < 0 || !TryParseAddressLength(args[(colon + 1)..], out var offset, out var length))
        {
            return Bad("qXfer:features:read: expected annex:offset,length");
        }
        return new GdbRequest.ReadFeatures(args[..colon].ToString(), offset, length);
    }

    private static GdbRequest ParseV(string text)
    {
        if (text == "vCont?") return new GdbRequest.QueryResumeActions();
        if (text.StartsWith("vCont;", StringComparison.Ordinal)) return ParseVCont(text.AsSpan("vCont;".Length));
        return Unknown(text); // vMustReplyEmpty, vKill, vFile:…, vRun, …
    }

    /// <summary>
    /// vCont;action[:thread-id];… — gdb applies to each thread the leftmost action that names it
    /// or names no thread; our one thread takes that action.
    /// </summary>
    private static GdbRequest ParseVCont(ReadOnlySpan<char> actions)
    {
        foreach (var range in actions.Split(';'))
        {
            var item = actions[range];
            if (item.IsEmpty) return Bad("vCont: empty action");
            var colon = item.IndexOf(':');
            var action = colon < 0 ? item : item[..colon];
            if (colon >= 0)
            {
                if (!ThreadId.TryParse(item[(colon + 1)..], out var ours)) return Bad("vCont: bad thread id");
                if (!ours) continue;
            }
            if (action.IsEmpty) return Bad("vCont: an action without its letter");
            return action[0] switch
            {
                'c' when action.Length == 1 => new GdbRequest.Resume(ResumeAction.Continue),
                's' when action.Length == 1 => new GdbRequest.Resume(ResumeAction.Step),
                'C' when IsSignal(action[1..]) => new GdbRequest.Resume(ResumeAction.Continue),
                'S' when IsSignal(action[1..]) => new GdbRequest.Resume(ResumeAction.Step),
                // Range stepping is not announced; a stub may always stop after one step of a range.
                'r' => new GdbRequest.Resume(ResumeAction.Step),
                _ => Bad($"vCont: unsupported action '{action}'"),
            };
        }
        return Bad("vCont: no action for thread 1");
    }

    private static bool IsSignal(ReadOnlySpan<char> digits) => Hex.TryParseNumber(digits, out var sig) && sig <= 0xff;
}
