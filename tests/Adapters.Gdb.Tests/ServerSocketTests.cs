using System.Net.Sockets;
using HexEmu.Application.Debugging;

namespace HexEmu.Adapters.Gdb.Tests;

/// <summary>The server over real sockets, with a raw protocol client and the fake target (unit tests).</summary>
public sealed class ServerSocketTests : IDisposable
{
    private readonly FakeDebugTarget target = new();
    private readonly List<string> log = [];
    private readonly GdbServer server;

    public ServerSocketTests()
    {
        server = GdbServer.Listen(new GdbEndpoint.Tcp(null, 0), target, line => { lock (log) log.Add(line); });
    }

    public void Dispose() => server.Dispose();

    private RspClient Connect()
    {
        var client = RspClient.Connect(server.Port!.Value);
        return client;
    }

    [Fact]
    public void ListensOnLoopbackAndReportsThePort()
    {
        Assert.NotEqual(0, server.Port);
        Assert.Equal(new GdbEndpoint.Tcp(null, server.Port!.Value), server.Endpoint);
    }

    [Fact]
    public void AckModeExchange()
    {
        using var client = Connect();
        Assert.Equal("T05thread:01;", client.Request("?"));
        target.WaitUntil(t => t.Attaches == 1, "attach");
        Assert.Equal("1", client.Request("qAttached"));
    }

    [Fact]
    public void NoAckModeStopsAcknowledgments()
    {
        using var client = Connect();
        Assert.Contains("QStartNoAckMode+", client.Request("qSupported:swbreak+;hwbreak+"));
        Assert.Equal("OK", client.Request("QStartNoAckMode"));
        client.AckMode = false;
        // With acks off the reply's '$' is the very next byte, and the stub expects no '+' back.
        client.SendRaw(RspClient.Frame("?"));
        Assert.Equal("T05thread:01;", client.Receive(strict: true));
        client.SendRaw(RspClient.Frame("qC"));
        Assert.Equal("QC1", client.Receive(strict: true));
    }

    [Fact]
    public void BadChecksumIsNakedInAckMode()
    {
        using var client = Connect();
        client.SendRaw("$?#00");
        Assert.Equal((byte)'-', client.ReadByte());
        Assert.Equal("T05thread:01;", client.Request("?"));
    }

    [Fact]
    public void BadChecksumGetsAnErrorWithoutAcks()
    {
        using var client = Connect();
        client.Request("QStartNoAckMode");
        client.AckMode = false;
        client.SendRaw("$?#00");
        Assert.StartsWith("E", client.Receive());
        Assert.Equal("T05thread:01;", client.Request("?"));
    }

    [Fact]
    public void NakMakesTheStubResendItsLastPacket()
    {
        using var client = Connect();
        client.Send("qC");
        client.AckMode = false; // read the reply without acknowledging it…
        Assert.Equal("QC1", client.Receive());
        client.SendRaw("-"); // …and ask for it again
        Assert.Equal("QC1", client.Receive());
        client.SendRaw("+");
        client.AckMode = true;
        Assert.Equal("1", client.Request("qAttached"));
    }

    [Fact]
    public void ControlCDuringAResumeInterrupts()
    {
        using var client = Connect();
        client.Send("c"); // the fake runs until interrupted
        target.WaitUntil(t => t.IsRunning, "the resume");
        client.SendRaw([0x03]);
        Assert.Equal("T02thread:01;", client.Receive());
        Assert.Equal(1, target.Interrupts);
        Assert.Equal("T02thread:01;", client.Request("?"));
    }

    [Fact]
    public void ControlCRightAfterContinueIsNotLost()
    {
        using var client = Connect();
        client.Request("QStartNoAckMode");
        client.AckMode = false;
        // Both in one write: the interrupt must reach the resume that 'c' starts.
        client.SendRaw(RspClient.Frame("c") + "\u0003");
        Assert.Equal("T02thread:01;", client.Receive());
    }

    [Fact]
    public void ControlCWhileStoppedIsIgnored()
    {
        using var client = Connect();
        client.SendRaw([0x03]);
        Assert.Equal("QC1", client.Request("qC"));
        Assert.Equal(0, target.Interrupts);
    }

    [Fact]
    public void ScriptedStopsReachTheClient()
    {
        using var client = Connect();
        Assert.Equal("OK", client.Request("Z0,1010,1"));
        Assert.Equal("T05thread:01;", client.Request("c")); // no swbreak+ from this client: plain T05
        Assert.Equal("T05thread:01;", client.Request("?"));
        Assert.Equal(0x1010u, target.Registers.Eip);
    }

    [Fact]
    public void DisconnectDetachesAndGdbCanReconnect()
    {
        using (var first = Connect())
        {
            Assert.Equal("T05thread:01;", first.Request("?"));
            Assert.Equal("OK", first.Request("Z0,1010,1"));
        }
        target.WaitUntil(t => t.Detaches == 1, "detach after the disconnect");
        Assert.Empty(target.Breakpoints);
        using var second = Connect();
        Assert.Equal("T05thread:01;", second.Request("?"));
        Assert.Equal(2, target.Attaches);
    }

    [Fact]
    public void ImmediateReconnectIsAdmitted()
    {
        // gdb killed and restarted at once: the new connection may arrive before the old session noticed.
        for (var i = 1; i <= 5; i++)
        {
            using var client = Connect();
            Assert.Equal("T05thread:01;", client.Request("?"));
            Assert.Equal(i, target.Attaches);
        }
        target.WaitUntil(t => t.Detaches == 5, "every session detached");
    }

    [Fact]
    public void DisconnectDuringAResumeInterruptsThenDetaches()
    {
        using (var client = Connect())
        {
            client.Send("c");
            target.WaitUntil(t => t.IsRunning, "the resume");
        }
        target.WaitUntil(t => t.Interrupts == 1 && t.Detaches == 1, "interrupt and detach");
        Assert.False(target.IsRunning);
    }

    [Fact]
    public void DetachPacketRepliesOkAndDetaches()
    {
        using (var client = Connect())
        {
            Assert.Equal("OK", client.Request("D"));
            Assert.Equal(1, target.Detaches); // detached before the OK was sent
            Assert.True(client.ClosedByPeer());
        }
        Assert.Equal(1, target.Detaches);
        using var again = Connect();
        Assert.Equal("T05thread:01;", again.Request("?"));
        Assert.Equal(2, target.Attaches);
    }

    [Fact]
    public void KillEndsTheTargetWithoutReply()
    {
        using var client = Connect();
        client.Request("?");
        client.SendRaw(RspClient.Frame("k"));
        Assert.Equal((byte)'+', client.ReadByte());
        Assert.True(client.ClosedByPeer());
        Assert.Equal(1, target.Kills);
    }

    [Fact]
    public void SecondClientIsRefusedWhileOneIsAttached()
    {
        using var first = Connect();
        Assert.Equal("T05thread:01;", first.Request("?"));
        using (var second = Connect())
        {
            Assert.True(second.ClosedByPeer());
        }
        Assert.Equal(1, target.Attaches);
        Assert.Equal("QC1", first.Request("qC"));
        Assert.True(server.HasClient);
    }

    [Fact]
    public void DisposingTheServerDetaches()
    {
        var client = Connect();
        client.Request("?");
        server.Dispose();
        target.WaitUntil(t => t.Detaches == 1, "detach on shutdown");
        Assert.True(client.ClosedByPeer());
        client.Dispose();
        Assert.Throws<SocketException>(() => RspClient.Connect(server.Port!.Value).Dispose());
    }

    [Fact]
    public void TargetExceptionsBecomeErrorReplies()
    {
        using var throwing = GdbServer.Listen(new GdbEndpoint.Tcp(null, 0), new ThrowingTarget());
        using var client = RspClient.Connect(throwing.Port!.Value);
        Assert.Equal("E01", client.Request("g"));
        Assert.Equal("E01", client.Request("c"));
        Assert.Equal("T05thread:01;", client.Request("?"));
    }

    [Fact]
    public void UnixSocketEndpoint()
    {
        var path = Path.Combine(Path.GetTempPath(), $"hexemu-gdb-{Guid.NewGuid():N}.sock");
        using (var unix = GdbServer.Listen(new GdbEndpoint.Unix(path), target))
        {
            Assert.Null(unix.Port);
            using var client = RspClient.ConnectUnix(path);
            Assert.Equal("T05thread:01;", client.Request("?"));
        }
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void ListenFailsClearlyWhenThePortIsTaken()
    {
        var e = Assert.Throws<IOException>(() => GdbServer.Listen(new GdbEndpoint.Tcp(null, server.Port!.Value), target));
        Assert.Contains($"tcp:127.0.0.1:{server.Port}", e.Message);
    }

    [Fact]
    public void UnixPathHoldingAFileIsLeftAlone()
    {
        var path = Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<IOException>(() => GdbServer.Listen(new GdbEndpoint.Unix(path), target));
            Assert.Contains("not a socket", e.Message);
            Assert.True(File.Exists(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A target whose every call but Attach/Detach throws, as a broken machine might.</summary>
    private sealed class ThrowingTarget : IDebugTarget
    {
        public bool CanReverse => false;
        public TargetStop Attach() => new TargetStop.Stepped();
        public void Detach() { }
        public void Kill() => throw new InvalidOperationException("boom");
        public GuestRegisters ReadRegisters() => throw new InvalidOperationException("boom");
        public void WriteRegisters(GuestRegisters registers) => throw new InvalidOperationException("boom");
        public int ReadMemory(uint linearAddress, Span<byte> destination) => throw new InvalidOperationException("boom");
        public bool WriteMemory(uint linearAddress, ReadOnlySpan<byte> source) => throw new InvalidOperationException("boom");
        public bool InsertBreakpoint(BreakpointType type, uint address, uint length) => throw new InvalidOperationException("boom");
        public bool RemoveBreakpoint(BreakpointType type, uint address, uint length) => throw new InvalidOperationException("boom");
        public Task<TargetStop> Resume(ResumeAction action) => Task.FromException<TargetStop>(new InvalidOperationException("boom"));
        public void Interrupt() => throw new InvalidOperationException("boom");
        public string MonitorCommand(string command) => throw new InvalidOperationException("boom");
    }
}
