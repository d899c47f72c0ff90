using System.Text;
using HexEmu.Adapters.Gdb.Protocol;
using HexEmu.Adapters.Gdb.Requests;
using HexEmu.Application.Debugging;

namespace HexEmu.Adapters.Gdb.Session;

/// <summary>
/// The semantics of the protocol for one connection: answers a <see cref="GdbRequest"/> against
/// the <see cref="IDebugTarget"/>. Knows nothing of bytes on the wire or of waiting for a resume
/// to finish (the session does both); remembers what gdb announced and the last stop.
/// </summary>
internal sealed class RequestHandler(IDebugTarget target)
{
    // Error numbers as QEMU's stub uses them: EINVAL for bad arguments, EFAULT for memory.
    public const string BadArgument = "E22";
    public const string MemoryFault = "E14";
    public const string Failed = "E01";
    private const string UnknownAnnex = "E00";

    private bool gdbKnowsSwbreak;
    private bool gdbKnowsHwbreak;
    private string lastStop = "S05";

    /// <summary>The stop the target reported when the debugger attached; '?' answers with it.</summary>
    public void Attached(TargetStop stop) => lastStop = StopReply(stop);

    /// <summary>Formats a stop reply and remembers it for '?'.</summary>
    public string StopReply(TargetStop stop)
    {
        lastStop = StopReplies.Format(stop, gdbKnowsSwbreak, gdbKnowsHwbreak);
        return lastStop;
    }

    public Outcome Handle(GdbRequest request) => request switch
    {
        GdbRequest.QuerySupported q => Supported(q.Features),
        GdbRequest.StartNoAckMode => new Outcome.Reply([Ok], EnterNoAckMode: true),
        GdbRequest.ReadFeatures f => ReadFeatures(f),
        GdbRequest.QueryStopReason => Text(lastStop),
        GdbRequest.QueryAttached => Text("1"),
        GdbRequest.QueryCurrentThread => Text("QC1"),
        GdbRequest.QueryThreadList list => Text(list.First ? "m1" : "l"),
        GdbRequest.SetThread => Text("OK"),
        GdbRequest.ThreadAlive alive => Text(alive.IsOurThread ? "OK" : Failed),
        GdbRequest.QuerySymbol => Text("OK"),
        GdbRequest.ReadRegisters => Text(Hex.FromBytes(I386Registers.Encode(target.ReadRegisters()))),
        GdbRequest.WriteRegisters w => WriteRegisters(w.Data),
        GdbRequest.ReadRegister r => ReadRegister(r.Number),
        GdbRequest.WriteRegister w => WriteRegister(w.Number, w.Value),
        GdbRequest.ReadMemory m => ReadMemory(m.Address, m.Length),
        GdbRequest.WriteMemory m => WriteMemory(m.Address, m.Data),
        GdbRequest.Resume r => Resume(r),
        GdbRequest.QueryResumeActions => Text("vCont;c;C;s;S"),
        GdbRequest.Breakpoint b => Breakpoint(b),
        GdbRequest.Monitor m => Monitor(m.Command),
        GdbRequest.Kill => Kill(),
        GdbRequest.Detach => new Outcome.Detach(),
        GdbRequest.Malformed => Text(BadArgument),
        _ => Text(""), // Unsupported, vMustReplyEmpty: the empty reply tells gdb "not here"
    };

    private static readonly byte[] Ok = "OK"u8.ToArray();

    private static Outcome.Reply Text(string payload) => Outcome.Reply.Text(payload);

    private Outcome.Reply Supported(IReadOnlyList<string> gdbFeatures)
    {
        gdbKnowsSwbreak = gdbFeatures.Contains("swbreak+");
        gdbKnowsHwbreak = gdbFeatures.Contains("hwbreak+");
        var reply = $"PacketSize={GdbLimits.PacketSize:x};qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+";
        if (target.CanReverse) reply += ";ReverseStep+;ReverseContinue+";
        return Text(reply);
    }

    /// <summary>qXfer reads answer 'm' + data when more follows, 'l' + data (maybe none) at the end.</summary>
    private static Outcome.Reply ReadFeatures(GdbRequest.ReadFeatures request)
    {
        var document = TargetDescription.Find(request.Annex);
        if (document is null) return Text(UnknownAnnex);
        if (request.Offset >= document.Length) return Text("l");
        var available = document.Length - (int)request.Offset;
        var count = (int)Math.Min(Math.Min(request.Length, (uint)available), (uint)GdbLimits.MaxMemoryReply);
        var packet = new List<byte>(count + 16) { (byte)(count == available ? 'l' : 'm') };
        PacketEncoder.EscapeBinary(document.AsSpan((int)request.Offset, count), packet);
        return new Outcome.Reply([packet.ToArray()]);
    }

    private Outcome.Reply WriteRegisters(byte[] data)
    {
        if (I386Registers.DecodeGeneral(data) is not { } registers) return Text(BadArgument);
        target.WriteRegisters(registers);
        return Text("OK");
    }

    private Outcome.Reply ReadRegister(uint number)
    {
        if (number >= I386Registers.All.Count) return Text(BadArgument);
        return Text(Hex.FromBytes(I386Registers.Encode(target.ReadRegisters(), (int)number)));
    }

    private Outcome.Reply WriteRegister(uint number, byte[] value)
    {
        if (number >= I386Registers.All.Count || value.Length != I386Registers.All[(int)number].Bytes) return Text(BadArgument);
        if (number < I386Registers.GeneralCount)
        {
            var registers = target.ReadRegisters();
            target.WriteRegisters(registers.With((int)number, BitConverter.ToUInt32(value)));
        }
        return Text("OK");
    }

    /// <summary>
    /// Reads at most what fits one reply and never past 4 GiB; a partial read (an unmapped page
    /// further on) returns what could be read, as the manual allows; nothing readable is EFAULT.
    /// </summary>
    private Outcome.Reply ReadMemory(uint address, uint length)
    {
        var count = (int)Math.Min(Math.Min(length, (ulong)GdbLimits.MaxMemoryReply), 0x1_0000_0000UL - address);
        if (count == 0) return Text("");
        var buffer = new byte[count];
        var read = Math.Clamp(target.ReadMemory(address, buffer), 0, count);
        return read == 0 ? Text(MemoryFault) : Text(Hex.FromBytes(buffer.AsSpan(0, read)));
    }

    private Outcome.Reply WriteMemory(uint address, byte[] data)
    {
        // A zero-length X is gdb probing whether X works at all.
        if (data.Length == 0) return Text("OK");
        if ((ulong)address + (ulong)data.Length > 0x1_0000_0000UL) return Text(MemoryFault);
        return Text(target.WriteMemory(address, data) ? "OK" : MemoryFault);
    }

    private Outcome Resume(GdbRequest.Resume request)
    {
        var reverse = request.Action is ResumeAction.ReverseContinue or ResumeAction.ReverseStep;
        if (reverse && !target.CanReverse) return Text("");
        if (request.Address is { } address)
        {
            target.WriteRegisters(target.ReadRegisters() with { Eip = address });
        }
        return new Outcome.Resume(request.Action);
    }

    private Outcome.Reply Breakpoint(GdbRequest.Breakpoint request)
    {
        var done = request.Insert
            ? target.InsertBreakpoint(request.Type, request.Address, request.Kind)
            : target.RemoveBreakpoint(request.Type, request.Address, request.Kind);
        return Text(done ? "OK" : Failed);
    }

    /// <summary>
    /// gdb's `monitor`: the output goes back hex-encoded in 'O' console packets, then 'OK' ends
    /// the command (as QEMU answers; gdb prints the O packets as they come).
    /// </summary>
    private Outcome.Reply Monitor(string command)
    {
        var output = Encoding.UTF8.GetBytes(target.MonitorCommand(command) ?? "");
        var packets = new List<byte[]>();
        for (var offset = 0; offset < output.Length; offset += GdbLimits.ConsoleChunk)
        {
            var chunk = output.AsSpan(offset, Math.Min(GdbLimits.ConsoleChunk, output.Length - offset));
            packets.Add(Encoding.ASCII.GetBytes("O" + Hex.FromBytes(chunk)));
        }
        packets.Add(Ok);
        return new Outcome.Reply(packets);
    }

    private Outcome.Killed Kill()
    {
        target.Kill();
        return new Outcome.Killed();
    }
}
