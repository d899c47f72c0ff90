using System.Text;
using HexEmu.Adapters.Gdb.Requests;
using HexEmu.Application.Debugging;

namespace HexEmu.Adapters.Gdb.Tests;

/// <summary>Packet syntax from the GDB manual's "Packets" and "General Query Packets".</summary>
public sealed class RequestParserTests
{
    private static GdbRequest Parse(string text) => RequestParser.Parse(Encoding.Latin1.GetBytes(text));

    [Fact]
    public void Memory()
    {
        Assert.Equal(new GdbRequest.ReadMemory(0x1000, 0x40), Parse("m1000,40"));
        var write = Assert.IsType<GdbRequest.WriteMemory>(Parse("M2000,3:0aff10"));
        Assert.Equal(0x2000u, write.Address);
        Assert.Equal([0x0a, 0xff, 0x10], write.Data);
        var binary = Assert.IsType<GdbRequest.WriteMemory>(Parse("X10,2:\u0000\u00ff"));
        Assert.Equal([0x00, 0xff], binary.Data);
        Assert.Empty(Assert.IsType<GdbRequest.WriteMemory>(Parse("X10,0:")).Data);
    }

    [Theory]
    [InlineData("m")]
    [InlineData("m1000")]
    [InlineData("mzz,4")]
    [InlineData("m1000,")]
    [InlineData("m100000000,4")] // beyond 32 bits
    [InlineData("M10,2:0a")] // length says 2, one byte of data
    [InlineData("M10,1:zz")]
    [InlineData("M10,1")]
    [InlineData("X10,3:ab")]
    [InlineData("Gabc")]
    [InlineData("pzz")]
    [InlineData("P1")]
    [InlineData("P1=xyz")]
    [InlineData("cqq")]
    [InlineData("C")]
    [InlineData("C05;")]
    [InlineData("Z0,10")]
    [InlineData("Zq,10,1")]
    [InlineData("qRcmd,6")]
    [InlineData("qXfer:features:read:target.xml:0")]
    [InlineData("vCont;x")]
    [InlineData("vCont;")]
    [InlineData("vCont;s:2")]
    [InlineData("vCont;:1")] // a thread id with no action letter (found by the fuzz against hexemu)
    [InlineData("vCont;:")]
    [InlineData("?x")]
    public void MalformedArguments(string text)
    {
        Assert.IsType<GdbRequest.Malformed>(Parse(text));
    }

    [Fact]
    public void Registers()
    {
        Assert.IsType<GdbRequest.ReadRegisters>(Parse("g"));
        Assert.Equal([0x78, 0x56, 0x34, 0x12], Assert.IsType<GdbRequest.WriteRegisters>(Parse("G78563412")).Data);
        Assert.Equal(new GdbRequest.ReadRegister(0x1f), Parse("p1f"));
        var write = Assert.IsType<GdbRequest.WriteRegister>(Parse("P8=00100000"));
        Assert.Equal(8u, write.Number);
        Assert.Equal([0x00, 0x10, 0x00, 0x00], write.Value);
    }

    [Theory]
    [InlineData("c", ResumeAction.Continue, null)]
    [InlineData("s", ResumeAction.Step, null)]
    [InlineData("c1000", ResumeAction.Continue, 0x1000u)]
    [InlineData("s7c00", ResumeAction.Step, 0x7c00u)]
    [InlineData("C05", ResumeAction.Continue, null)]
    [InlineData("S0b;abc", ResumeAction.Step, 0xabcu)]
    [InlineData("bc", ResumeAction.ReverseContinue, null)]
    [InlineData("bs", ResumeAction.ReverseStep, null)]
    [InlineData("vCont;c", ResumeAction.Continue, null)]
    [InlineData("vCont;s:1;c", ResumeAction.Step, null)]
    [InlineData("vCont;s:2;c", ResumeAction.Continue, null)] // thread 2's action is not ours; the default is
    [InlineData("vCont;S05:01", ResumeAction.Step, null)]
    [InlineData("vCont;C02:-1", ResumeAction.Continue, null)]
    [InlineData("vCont;s:p1.1;c", ResumeAction.Step, null)]
    public void Resumes(string text, ResumeAction action, uint? address)
    {
        Assert.Equal(new GdbRequest.Resume(action, address), Parse(text));
    }

    [Fact]
    public void Breakpoints()
    {
        Assert.Equal(new GdbRequest.Breakpoint(true, BreakpointType.Software, 0x1010, 1), Parse("Z0,1010,1"));
        Assert.Equal(new GdbRequest.Breakpoint(false, BreakpointType.Hardware, 0x1010, 1), Parse("z1,1010,1"));
        Assert.Equal(new GdbRequest.Breakpoint(true, BreakpointType.WriteWatch, 0x2000, 4), Parse("Z2,2000,4"));
        Assert.Equal(new GdbRequest.Breakpoint(true, BreakpointType.ReadWatch, 0x2000, 8), Parse("Z3,2000,8"));
        Assert.Equal(new GdbRequest.Breakpoint(true, BreakpointType.AccessWatch, 0x2000, 2), Parse("Z4,2000,2"));
        // Condition lists after ';' are not asked for; they are ignored rather than misread.
        Assert.Equal(new GdbRequest.Breakpoint(true, BreakpointType.Software, 0x10, 1), Parse("Z0,10,1;X3,220100"));
        Assert.IsType<GdbRequest.Unsupported>(Parse("Z5,10,1"));
    }

    [Fact]
    public void Queries()
    {
        var supported = Assert.IsType<GdbRequest.QuerySupported>(Parse("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386"));
        Assert.Equal(["multiprocess+", "swbreak+", "hwbreak+", "xmlRegisters=i386"], supported.Features);
        Assert.Equal(new GdbRequest.ReadFeatures("target.xml", 0, 0xffb), Parse("qXfer:features:read:target.xml:0,ffb"));
        Assert.Equal(new GdbRequest.Monitor("info registers"), Parse("qRcmd,696e666f20726567697374657273"));
        Assert.IsType<GdbRequest.QueryAttached>(Parse("qAttached"));
        Assert.IsType<GdbRequest.QueryAttached>(Parse("qAttached:1"));
        Assert.IsType<GdbRequest.QueryCurrentThread>(Parse("qC"));
        Assert.Equal(new GdbRequest.QueryThreadList(true), Parse("qfThreadInfo"));
        Assert.Equal(new GdbRequest.QueryThreadList(false), Parse("qsThreadInfo"));
        Assert.IsType<GdbRequest.QuerySymbol>(Parse("qSymbol::"));
        Assert.IsType<GdbRequest.StartNoAckMode>(Parse("QStartNoAckMode"));
        Assert.IsType<GdbRequest.QueryResumeActions>(Parse("vCont?"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("vMustReplyEmpty")]
    [InlineData("qOffsets")]
    [InlineData("qTStatus")]
    [InlineData("vKill;1")]
    [InlineData("QNonStop:1")]
    [InlineData("!")]
    [InlineData("\u00ff\u0000garbage")]
    public void UnknownPacketsAreUnsupported(string text)
    {
        Assert.IsType<GdbRequest.Unsupported>(Parse(text));
    }

    [Fact]
    public void ThreadsAndProcess()
    {
        Assert.IsType<GdbRequest.SetThread>(Parse("Hg0"));
        Assert.IsType<GdbRequest.SetThread>(Parse("Hc-1"));
        Assert.Equal(new GdbRequest.ThreadAlive(true), Parse("T1"));
        Assert.Equal(new GdbRequest.ThreadAlive(false), Parse("T2"));
        Assert.IsType<GdbRequest.Kill>(Parse("k"));
        Assert.IsType<GdbRequest.Detach>(Parse("D"));
        Assert.IsType<GdbRequest.Detach>(Parse("D;1"));
        Assert.IsType<GdbRequest.QueryStopReason>(Parse("?"));
    }
}
