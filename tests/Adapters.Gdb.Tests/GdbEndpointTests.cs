namespace HexEmu.Adapters.Gdb.Tests;

/// <summary>QEMU's -gdb syntax (a socket chardev), with HexEmu's loopback default.</summary>
public sealed class GdbEndpointTests
{
    [Theory]
    [InlineData("tcp::1234", null, 1234)]
    [InlineData("-s", null, 1234)]
    [InlineData("tcp:0.0.0.0:5555", "0.0.0.0", 5555)]
    [InlineData("tcp:localhost:1", "localhost", 1)]
    [InlineData("tcp:[::1]:4321", "::1", 4321)]
    [InlineData("tcp::0", null, 0)]
    [InlineData("tcp::65535", null, 65535)]
    [InlineData("tcp::1234,server=on,wait=off", null, 1234)]
    [InlineData("tcp::1234,server,nowait,nodelay", null, 1234)]
    [InlineData("  tcp::1234  ", null, 1234)]
    public void Tcp(string text, string? host, int port)
    {
        Assert.Equal(new GdbEndpoint.Tcp(host, port), GdbEndpoint.Parse(text));
    }

    [Theory]
    [InlineData("unix:/tmp/gdb.sock", "/tmp/gdb.sock")]
    [InlineData("unix:/tmp/gdb.sock,server=on,wait=off", "/tmp/gdb.sock")]
    [InlineData("unix:relative/path", "relative/path")]
    public void Unix(string text, string path)
    {
        Assert.Equal(new GdbEndpoint.Unix(path), GdbEndpoint.Parse(text));
    }

    [Theory]
    [InlineData("", "expected tcp:[HOST]:PORT or unix:PATH")]
    [InlineData("1234", "expected tcp:[HOST]:PORT or unix:PATH")]
    [InlineData("udp::1234", "expected tcp:[HOST]:PORT or unix:PATH")]
    [InlineData("tcp:1234", "expected tcp:[HOST]:PORT")]
    [InlineData("tcp::", "is not a TCP port")]
    [InlineData("tcp::65536", "is not a TCP port")]
    [InlineData("tcp::-1", "is not a TCP port")]
    [InlineData("tcp::12a", "is not a TCP port")]
    [InlineData("tcp:::1:1234", "brackets")]
    [InlineData("unix:", "needs a socket path")]
    [InlineData("tcp::1234,server=off", "only listens")]
    [InlineData("tcp::1234,wait=on", "-S")]
    [InlineData("tcp::1234,bogus=on", "unknown option 'bogus'")]
    [InlineData("tcp::1234,server=maybe", "needs on or off")]
    public void MalformedSaysWhy(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => GdbEndpoint.Parse(text));
        Assert.Contains(reason, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void DisplaysWhereItListens()
    {
        Assert.Equal("tcp:127.0.0.1:1234", GdbEndpoint.Default.ToString());
        Assert.Equal("tcp:[::1]:1", new GdbEndpoint.Tcp("::1", 1).ToString());
        Assert.Equal("unix:/tmp/x", new GdbEndpoint.Unix("/tmp/x").ToString());
    }
}
