using System.Text;
using HexEmu.Adapters.Gdb.Requests;
using HexEmu.Adapters.Gdb.Session;
using HexEmu.Application.Debugging;
using HexEmu.Domain.Debugging;

namespace HexEmu.Adapters.Gdb.Tests;

/// <summary>The stub's answers, packet by packet, against the fake target (no sockets).</summary>
public sealed class RequestHandlerTests
{
    private readonly FakeDebugTarget target = new();
    private readonly RequestHandler handler;

    public RequestHandlerTests()
    {
        handler = new RequestHandler(target);
        handler.Attached(target.Attach());
    }

    private Outcome Handle(string packet) => handler.Handle(RequestParser.Parse(Encoding.Latin1.GetBytes(packet)));

    /// <summary>The reply packets' payloads.</summary>
    private List<string> Replies(string packet) =>
        Assert.IsType<Outcome.Reply>(Handle(packet)).Packets.Select(p => Encoding.Latin1.GetString(p)).ToList();

    private string Ask(string packet) => Assert.Single(Replies(packet));

    private static GuestRegisters Sample => new(
        Eax: 0x12345678, Ecx: 0x1, Edx: 0x2, Ebx: 0x3, Esp: 0x7000, Ebp: 0x7ff0, Esi: 0xaabbccdd, Edi: 0x0,
        Eip: 0x1000, Eflags: 0x246, Cs: 0x8, Ss: 0x10, Ds: 0x10, Es: 0x10, Fs: 0x0, Gs: 0x18);

    [Fact]
    public void SupportedAnnouncesNoReverseWithoutIt()
    {
        Assert.Equal("PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+",
            Ask("qSupported:multiprocess+;swbreak+;hwbreak+"));
    }

    [Fact]
    public void SupportedAnnouncesReverseWhenTheTargetCan()
    {
        target.CanReverse = true;
        Assert.Equal("PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+;ReverseStep+;ReverseContinue+",
            Ask("qSupported"));
    }

    [Fact]
    public void NoAckModeIsEnteredWithItsOk()
    {
        var reply = Assert.IsType<Outcome.Reply>(Handle("QStartNoAckMode"));
        Assert.True(reply.EnterNoAckMode);
        Assert.Equal("OK", Encoding.ASCII.GetString(Assert.Single(reply.Packets)));
    }

    [Fact]
    public void ReadAllRegistersIsTheDescriptionsLayout()
    {
        target.Registers = Sample;
        var g = Ask("g");
        // 16 × 4 + 8 × 10 + 8 × 4 = 176 bytes, two hex digits each.
        Assert.Equal(352, g.Length);
        Assert.Equal("78563412", g[..8]); // eax little-endian
        Assert.Equal("00100000", g[64..72]); // eip = 0x1000 is register 8
        Assert.Equal("46020000", g[72..80]); // eflags = 0x246
        Assert.Equal("18000000", g[120..128]); // gs
        Assert.Equal(new string('0', 352 - 128), g[128..]); // the x87 registers read as zero
    }

    [Fact]
    public void WriteAllRegisters()
    {
        var data = "01000000" + "02000000" + "03000000" + "04000000" + "00700000" + "f07f0000" + "05000000" + "06000000"
            + "00200000" + "02000000" + "08000000" + "10000000" + "10000000" + "10000000" + "00000000" + "00000000";
        Assert.Equal("OK", Ask("G" + data + new string('0', 352 - 128)));
        var r = target.Registers;
        Assert.Equal((1u, 2u, 3u, 4u, 0x7000u, 0x7ff0u, 0x2000u, 2u, 8u), (r.Eax, r.Ecx, r.Edx, r.Ebx, r.Esp, r.Ebp, r.Eip, r.Eflags, r.Cs));
        Assert.Equal("E22", Ask("G0102")); // too short to hold the general registers
    }

    [Fact]
    public void SingleRegisters()
    {
        target.Registers = Sample;
        Assert.Equal("00100000", Ask("p8"));
        Assert.Equal("ddccbbaa", Ask("p6"));
        Assert.Equal(new string('0', 20), Ask("p10")); // st0, 80 bits
        Assert.Equal("00000000", Ask("p1f")); // fop
        Assert.Equal("E22", Ask("p20")); // beyond the description
        Assert.Equal("OK", Ask("P0=efbeadde"));
        Assert.Equal(0xdeadbeefu, target.Registers.Eax);
        Assert.Equal("OK", Ask("P10=" + new string('1', 20))); // x87 writes are accepted and dropped
        Assert.Equal(new string('0', 20), Ask("p10"));
        Assert.Equal("E22", Ask("P0=01")); // wrong size
    }

    [Fact]
    public void ReadMemory()
    {
        target.Ram[0x1000] = 0xde; target.Ram[0x1001] = 0xad; target.Ram[0x1002] = 0xbe; target.Ram[0x1003] = 0xef;
        Assert.Equal("deadbeef", Ask("m1000,4"));
        // Only 2 bytes are mapped before the end of RAM: a partial read.
        target.Ram[FakeDebugTarget.RamSize - 1] = 0x5a;
        Assert.Equal("005a", Ask($"m{FakeDebugTarget.RamSize - 2:x},10"));
        Assert.Equal("E14", Ask("m200000,4")); // nothing mapped
        Assert.Equal("E14", Ask("mffffffff,10")); // capped at 4 GiB, still unmapped
    }

    [Fact]
    public void HugeReadIsCappedToOneReply()
    {
        var reply = Ask("m0,ffffffff");
        Assert.Equal(0x4000, reply.Length); // PacketSize of hex: 0x2000 bytes
    }

    [Fact]
    public void WriteMemory()
    {
        Assert.Equal("OK", Ask("M2000,3:0aff10"));
        Assert.Equal([0x0a, 0xff, 0x10], target.Ram[0x2000..0x2003]);
        Assert.Equal("OK", Ask("X3000,2:\u0023\u007d"));
        Assert.Equal([0x23, 0x7d], target.Ram[0x3000..0x3002]);
        Assert.Equal("OK", Ask("X0,0:")); // gdb's probe for X
        Assert.Equal("E14", Ask("M200000,1:00")); // not RAM
        Assert.Equal("E22", Ask("M2000,2:00"));
    }

    [Fact]
    public void QuestionMarkAnswersTheAttachStop()
    {
        var fresh = new FakeDebugTarget { AttachStop = new TargetStop.Interrupted() };
        var other = new RequestHandler(fresh);
        other.Attached(fresh.Attach());
        Assert.Equal("T02thread:01;", Encoding.ASCII.GetString(Assert.Single(Assert.IsType<Outcome.Reply>(
            other.Handle(new GdbRequest.QueryStopReason())).Packets)));
        Assert.Equal("T05thread:01;", Ask("?"));
    }

    [Fact]
    public void QuestionMarkAnswersTheLastStop()
    {
        handler.StopReply(new TargetStop.Watch(0x2000, WatchKind.Write));
        Assert.Equal("T05thread:01;watch:2000;", Ask("?"));
    }

    [Fact]
    public void ThreadQueries()
    {
        Assert.Equal("1", Ask("qAttached"));
        Assert.Equal("QC1", Ask("qC"));
        Assert.Equal("m1", Ask("qfThreadInfo"));
        Assert.Equal("l", Ask("qsThreadInfo"));
        Assert.Equal("OK", Ask("Hg0"));
        Assert.Equal("OK", Ask("Hc-1"));
        Assert.Equal("OK", Ask("T1"));
        Assert.Equal("E01", Ask("T2"));
        Assert.Equal("OK", Ask("qSymbol::"));
        Assert.Equal("vCont;c;C;s;S", Ask("vCont?"));
    }

    [Theory]
    [InlineData("vMustReplyEmpty")]
    [InlineData("qOffsets")]
    [InlineData("qTStatus")]
    [InlineData("Z5,1000,1")]
    [InlineData("whatever")]
    public void EmptyReplies(string packet)
    {
        Assert.Equal("", Ask(packet));
    }

    [Fact]
    public void BreakpointsGoToTheTarget()
    {
        Assert.Equal("OK", Ask("Z0,1010,1"));
        Assert.Equal("OK", Ask("Z2,2000,4"));
        Assert.Equal([(BreakpointType.Software, 0x1010u, 1u), (BreakpointType.WriteWatch, 0x2000u, 4u)], target.Breakpoints);
        Assert.Equal("OK", Ask("z0,1010,1"));
        Assert.Equal("E01", Ask("z0,1010,1")); // none left like it
        target.Refused.Add(BreakpointType.ReadWatch);
        Assert.Equal("E01", Ask("Z3,2000,4"));
    }

    [Fact]
    public void ResumeWithAnAddressSetsEipFirst()
    {
        target.Registers = Sample;
        Assert.Equal(new Outcome.Resume(ResumeAction.Step), Handle("s7c00"));
        Assert.Equal(0x7c00u, target.Registers.Eip);
        Assert.Equal(new Outcome.Resume(ResumeAction.Continue), Handle("C05;1234"));
        Assert.Equal(0x1234u, target.Registers.Eip);
        Assert.Equal(new Outcome.Resume(ResumeAction.Continue), Handle("vCont;c"));
    }

    [Fact]
    public void ReverseOnlyWhenTheTargetCan()
    {
        Assert.Equal("", Ask("bc"));
        Assert.Equal("", Ask("bs"));
        target.CanReverse = true;
        Assert.Equal(new Outcome.Resume(ResumeAction.ReverseContinue), Handle("bc"));
        Assert.Equal(new Outcome.Resume(ResumeAction.ReverseStep), Handle("bs"));
    }

    [Fact]
    public void MonitorOutputComesAsConsolePacketsThenOk()
    {
        // "echo: hi\n" in hex.
        Assert.Equal(["O6563686f3a2068690a", "OK"], Replies("qRcmd,6869"));
        Assert.Equal(["hi"], target.MonitorCommands);
    }

    [Fact]
    public void LongMonitorOutputIsSplit()
    {
        var longCommand = new string('x', 3000);
        var replies = Replies("qRcmd," + Convert.ToHexString(Encoding.ASCII.GetBytes(longCommand)));
        Assert.Equal("OK", replies[^1]);
        var text = string.Concat(replies.SkipLast(1).Select(r =>
        {
            Assert.StartsWith("O", r);
            return Encoding.ASCII.GetString(Convert.FromHexString(r[1..]));
        }));
        Assert.Equal($"echo: {longCommand}\n", text);
        Assert.True(replies.Count > 2);
    }

    [Fact]
    public void KillAndDetach()
    {
        Assert.IsType<Outcome.Killed>(Handle("k"));
        Assert.Equal(1, target.Kills);
        Assert.IsType<Outcome.Detach>(Handle("D"));
    }

    [Fact]
    public void MalformedArgumentsGetAnError()
    {
        Assert.Equal("E22", Ask("mxyz"));
    }
}
