using System.Text;
using HexEmu.Application.Monitor;

namespace HexEmu.Application.Tests.Monitor;

/// <summary>
/// The session on a chardev: banner, prompt, readline echo and editing, "\r\n" line ends. The expected
/// bytes were captured from QEMU 7.2 (everything after its banner line):
/// <c>printf INPUT | qemu-system-i386 -bios tests/guests/spin.rom -display none -monitor stdio</c>.
/// </summary>
public class MonitorSessionTests
{
    private readonly FakeMonitorTarget _target = new();
    private readonly FakeCharBackend _backend = new();
    private readonly MonitorSession _session;

    public MonitorSessionTests()
    {
        _session = new MonitorSession(_backend, _target);
    }

    /// <summary>Opens the session and returns what it wrote after the banner line.</summary>
    private string OpenAndType(string input, int chunkSize = int.MaxValue)
    {
        _session.Open();
        string opening = _backend.TakeOutput();
        Assert.StartsWith("HexEmu 0.1.0 monitor - type 'help' for more information\r\n", opening);
        _backend.ChunkSize = chunkSize;
        _backend.Type(input);
        while (_session.Poll())
        {
        }
        return opening[(opening.IndexOf('\n') + 1)..] + _backend.TakeOutput();
    }

    [Theory]
    [InlineData("info status\r\n",
        "(qemu) i\e[K\e[Din\e[K\e[D\e[Dinf\e[K\e[D\e[D\e[Dinfo\e[K\e[D\e[D\e[D\e[Dinfo \e[K\e[D\e[D\e[D\e[D\e[Dinfo s\e[K\e[D\e[D\e[D\e[D\e[D\e[Dinfo st\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo sta\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo stat\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo statu\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo status\e[K\r\nVM status: running\r\n(qemu) \r\n(qemu) ")]
    [InlineData("infx\u007fo status\n",
        "(qemu) i\e[K\e[Din\e[K\e[D\e[Dinf\e[K\e[D\e[D\e[Dinfx\e[K\e[D\e[D\e[D\e[Dinf\e[K\e[D\e[D\e[Dinfo\e[K\e[D\e[D\e[D\e[Dinfo \e[K\e[D\e[D\e[D\e[D\e[Dinfo s\e[K\e[D\e[D\e[D\e[D\e[D\e[Dinfo st\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo sta\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo stat\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo statu\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo status\e[K\r\nVM status: running\r\n(qemu) ")]
    [InlineData("info statux\u0008s\n",
        "(qemu) i\e[K\e[Din\e[K\e[D\e[Dinf\e[K\e[D\e[D\e[Dinfo\e[K\e[D\e[D\e[D\e[Dinfo \e[K\e[D\e[D\e[D\e[D\e[Dinfo s\e[K\e[D\e[D\e[D\e[D\e[D\e[Dinfo st\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo sta\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo stat\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo statu\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo statux\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo statu\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo status\e[K\r\nVM status: running\r\n(qemu) ")]
    [InlineData("abc\u0001X\u0005Y\n",
        "(qemu) a\e[K\e[Dab\e[K\e[D\e[Dabc\e[K\e[D\e[D\e[DXabc\e[K\e[D\e[D\e[D\e[C\e[C\e[C\e[D\e[D\e[D\e[DXabcY\e[K\r\nunknown command: 'XabcY'\r\n(qemu) ")]
    [InlineData("abcd\e[D\e[DZ\e[CW\n",
        "(qemu) a\e[K\e[Dab\e[K\e[D\e[Dabc\e[K\e[D\e[D\e[Dabcd\e[K\e[D\e[D\e[D\e[DabZcd\e[K\e[D\e[D\e[C\e[D\e[D\e[D\e[DabZcWd\e[K\e[D\r\nunknown command: 'abZcWd'\r\n(qemu) ")]
    [InlineData("info status\n\e[A\n",
        "(qemu) i\e[K\e[Din\e[K\e[D\e[Dinf\e[K\e[D\e[D\e[Dinfo\e[K\e[D\e[D\e[D\e[Dinfo \e[K\e[D\e[D\e[D\e[D\e[Dinfo s\e[K\e[D\e[D\e[D\e[D\e[D\e[Dinfo st\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo sta\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo stat\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo statu\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo status\e[K\r\nVM status: running\r\n(qemu) info status\e[K\r\nVM status: running\r\n(qemu) ")]
    [InlineData("a b c\u0017\n",
        "(qemu) a\e[K\e[Da \e[K\e[D\e[Da b\e[K\e[D\e[D\e[Da b \e[K\e[D\e[D\e[D\e[Da b c\e[K\e[D\e[D\e[D\e[D\e[Da b \e[K\r\nunknown command: 'a'\r\n(qemu) ")]
    [InlineData("abc   \u0017\n",
        "(qemu) a\e[K\e[Dab\e[K\e[D\e[Dabc\e[K\e[D\e[D\e[Dabc \e[K\e[D\e[D\e[D\e[Dabc  \e[K\e[D\e[D\e[D\e[D\e[Dabc   \e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[K\r\n(qemu) ")]
    [InlineData("\u007f\n",
        "(qemu) \r\n(qemu) ")]
    [InlineData("ab\e[D\u0004\n",
        "(qemu) a\e[K\e[Dab\e[K\e[D\e[Da\e[K\r\nunknown command: 'a'\r\n(qemu) ")]
    [InlineData("ab\e[1~X\e[4~Y\n",
        "(qemu) a\e[K\e[Dab\e[K\e[D\e[DXab\e[K\e[D\e[D\e[C\e[C\e[D\e[D\e[DXabY\e[K\r\nunknown command: 'XabY'\r\n(qemu) ")]
    [InlineData("ab\eOHX\eOFY\n",
        "(qemu) a\e[K\e[Dab\e[K\e[D\e[DXab\e[K\e[D\e[D\e[C\e[C\e[D\e[D\e[DXabY\e[K\r\nunknown command: 'XabY'\r\n(qemu) ")]
    [InlineData("abc\e[D\e[D\e[3~\n",
        "(qemu) a\e[K\e[Dab\e[K\e[D\e[Dabc\e[K\e[D\e[D\e[Dac\e[K\e[D\r\nunknown command: 'ac'\r\n(qemu) ")]
    [InlineData("stop\ncont\n\e[A\e[A\e[B\n",
        "(qemu) s\e[K\e[Dst\e[K\e[D\e[Dsto\e[K\e[D\e[D\e[Dstop\e[K\r\n(qemu) c\e[K\e[Dco\e[K\e[D\e[Dcon\e[K\e[D\e[D\e[Dcont\e[K\r\n(qemu) cont\e[K\e[D\e[D\e[D\e[Dstop\e[K\e[D\e[D\e[D\e[Dcont\e[K\r\n(qemu) ")]
    [InlineData("stop\ncont\nstop\n\e[A\e[A\e[A\e[A\n",
        "(qemu) s\e[K\e[Dst\e[K\e[D\e[Dsto\e[K\e[D\e[D\e[Dstop\e[K\r\n(qemu) c\e[K\e[Dco\e[K\e[D\e[Dcon\e[K\e[D\e[D\e[Dcont\e[K\r\n(qemu) s\e[K\e[Dst\e[K\e[D\e[Dsto\e[K\e[D\e[D\e[Dstop\e[K\r\n(qemu) stop\e[K\e[D\e[D\e[D\e[Dcont\e[K\r\n(qemu) ")]
    [InlineData("\e[A\e[B\exab\n",
        "(qemu) a\e[K\e[Dab\e[K\r\nunknown command: 'ab'\r\n(qemu) ")]
    [InlineData("ab\u009bDc\n",
        "(qemu) a\e[K\e[Dab\e[K\e[D\e[Dacb\e[K\e[D\r\nunknown command: 'acb'\r\n(qemu) ")]
    [InlineData("q\ninfo status\n",
        "(qemu) q\e[K\r\n")]
    public void EchoAndEditingMatchQemu(string input, string qemuOutput)
    {
        Assert.Equal(qemuOutput, OpenAndType(input));
    }

    [Fact]
    public void InputArrivingByteByByteGivesTheSameBytes()
    {
        string whole = OpenAndType("abcd\e[D\e[DZ\e[CW\ninfo status\r\n");
        var other = new FakeCharBackend();
        var session = new MonitorSession(other, new FakeMonitorTarget());
        session.Open();
        other.TakeOutput();
        other.ChunkSize = 1;
        foreach (char c in "abcd\e[D\e[DZ\e[CW\ninfo status\r\n")
        {
            other.Type(c.ToString());
            session.Poll();
        }
        Assert.Equal(whole, "(qemu) " + other.TakeOutput());
    }

    [Fact]
    public void OpenWritesTheBannerAndThePrompt()
    {
        _session.Open();
        Assert.Equal("HexEmu 0.1.0 monitor - type 'help' for more information\r\n(qemu) ", _backend.TakeOutput());
        Assert.True(_backend.FlushCount > 0);
    }

    [Fact]
    public void MuxFocusShowsTheBannerOnceThenFreshPrompts()
    {
        // QEMU: qemu-system-i386 -bios spin.rom -nographic; typed: Ctrl-A c, "info status\n", Ctrl-A c,
        // Ctrl-A c, "stop\n" (nothing of the monitor shows before the first switch).
        const string qemuAfterBanner = "(qemu) i\e[K\e[Din\e[K\e[D\e[Dinf\e[K\e[D\e[D\e[Dinfo\e[K\e[D\e[D\e[D\e[Dinfo \e[K" +
            "\e[D\e[D\e[D\e[D\e[Dinfo s\e[K\e[D\e[D\e[D\e[D\e[D\e[Dinfo st\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo sta\e[K" +
            "\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo stat\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo statu\e[K" +
            "\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo status\e[K\r\nVM status: running\r\n(qemu) \r\n" +
            "(qemu) s\e[K\e[Dst\e[K\e[D\e[Dsto\e[K\e[D\e[D\e[Dstop\e[K\r\n(qemu) ";

        _session.FocusOut();
        Assert.Equal("", _backend.TakeOutput());
        _session.FocusIn();
        _backend.Type("info status\n");
        _session.Poll();
        _session.FocusOut();
        _session.FocusIn();
        _backend.Type("stop\n");
        _session.Poll();

        string output = _backend.TakeOutput();
        Assert.Equal("HexEmu 0.1.0 monitor - type 'help' for more information\r\n" + qemuAfterBanner, output);
    }

    [Fact]
    public void FocusInDropsAHalfTypedLine()
    {
        _session.FocusIn();
        _backend.Type("info sta");
        _session.Poll();
        _session.FocusOut();
        _session.FocusIn();
        _backend.Type("x\n");
        _session.Poll();
        Assert.EndsWith("\r\n(qemu) x\e[K\r\nunexpected end of expression\r\nTry \"help x\" for more information\r\n(qemu) ", _backend.TakeOutput());
    }

    [Fact]
    public void CommandsRunOnlyInsidePoll()
    {
        _session.Open();
        _backend.Type("stop\n");
        Assert.Empty(_target.Calls);
        Assert.True(_session.Poll());
        Assert.Equal(["stop"], _target.Calls);
        Assert.False(_session.Poll());
    }

    [Fact]
    public void QuitEndsTheSession()
    {
        string output = OpenAndType("quit\nstop\n");
        Assert.Equal("(qemu) q\e[K\e[Dqu\e[K\e[D\e[Dqui\e[K\e[D\e[D\e[Dquit\e[K\r\n", output);
        Assert.True(_session.QuitRequested);
        Assert.Equal(["quit"], _target.Calls);
        _backend.Type("info status\n");
        Assert.False(_session.Poll());
        Assert.Equal("", _backend.TakeOutput());
    }

    [Fact]
    public void Utf8InputIsEchoedAndReportedByteForByte()
    {
        string output = OpenAndType(Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("\u00e9\n")));
        string expected = "(qemu) \u00c3\e[K\e[D\u00c3\u00a9\e[K\r\nunknown command: '\u00c3\u00a9'\r\n(qemu) ";
        Assert.Equal(expected, output);
    }

    [Fact]
    public void TabCompletesAUniqueInfoSubcommand()
    {
        // QEMU: printf 'info ch\t\n' | qemu-system-i386 -bios spin.rom -display none -monitor stdio
        _target.Chardevs = [new("parallel0", "vc"), new("compat_monitor0", "stdio"), new("serial0", "vc")];
        const string qemu = "(qemu) i\e[K\e[Din\e[K\e[D\e[Dinf\e[K\e[D\e[D\e[Dinfo\e[K\e[D\e[D\e[D\e[Dinfo \e[K" +
            "\e[D\e[D\e[D\e[D\e[Dinfo c\e[K\e[D\e[D\e[D\e[D\e[D\e[Dinfo ch\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo chardev \e[K\r\n" +
            "parallel0: filename=vc\r\ncompat_monitor0: filename=stdio\r\nserial0: filename=vc\r\n(qemu) ";
        Assert.Equal(qemu, OpenAndType("info ch\t\n"));
    }

    [Fact]
    public void TabCompletesAUniqueCommand()
    {
        // QEMU: printf 'qu\t\n' and printf 'in\t\n' (the rest of the latter is the info list, which differs).
        Assert.Equal("(qemu) q\e[K\e[Dqu\e[K\e[D\e[Dquit \e[K\r\n", OpenAndType("qu\t\n"));
        Assert.True(_session.QuitRequested);

        var backend = new FakeCharBackend();
        var session = new MonitorSession(backend, new FakeMonitorTarget());
        session.Open();
        backend.TakeOutput();
        backend.Type("in\t\n");
        session.Poll();
        Assert.StartsWith("i\e[K\e[Din\e[K\e[D\e[Dinfo \e[K\r\ninfo block", backend.TakeOutput());
    }

    [Fact]
    public void TabListsSeveralCandidatesInColumnsAndRedrawsTheLine()
    {
        // QEMU, printf 'info st\tx\n': "stats     status    \r\n(qemu) info stat\e[K" then the 'x' redraw: the
        // common prefix is inserted, each name padded to max(longest + 2, 10), 80 / width per row, then
        // the prompt and the whole line. HexEmu has chardev and cpus under "info c".
        string output = OpenAndType("info c\tx\n");
        const string expected = "info c\e[K\r\nchardev   cpus      \r\n(qemu) info c\e[K" +
            "\e[D\e[D\e[D\e[D\e[D\e[Dinfo cx\e[K\r\nunknown command: 'info cx'\r\n(qemu) ";
        Assert.EndsWith(expected, output);
    }

    [Fact]
    public void TabOnAnEmptyLineListsEveryCommandAndAlias()
    {
        // Names and aliases in table order; the longest (replay_delete_break, 19) makes the width 21: 3 per row.
        string output = OpenAndType("\t\n");
        const string all = "\r\ncont                 c                    delvm                \r\n" +
            "help                 ?                    info                 \r\n" +
            "loadvm               quit                 q                    \r\n" +
            "replay_break         replay_delete_break  replay_seek          \r\n" +
            "savevm               stop                 s                    \r\n" +
            "system_reset         x                    xp                   \r\n" +
            "(qemu) \r\n(qemu) ";
        Assert.Equal("(qemu) " + all, output);
    }

    [Theory]
    [InlineData("sy\t", "(qemu) s\e[K\e[Dsy\e[K\e[D\e[Dsystem_reset \e[K")]
    [InlineData("s\t", "(qemu) s\e[K\r\nsavevm        stop          s             system_reset  \r\n(qemu) s\e[K")]
    [InlineData("x\t", "(qemu) x\e[K\r\nx         xp        \r\n(qemu) x\e[K")]
    [InlineData("info stat\t", "info stat\e[K\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[D\e[Dinfo status \e[K")]
    public void TabCompletesOrListsCommandNames(string input, string expectedEnd)
    {
        Assert.EndsWith(expectedEnd, OpenAndType(input));
    }

    [Fact]
    public void TabAfterArgumentsOfOtherCommandsDoesNothing()
    {
        // QEMU: printf 'x /4x 0\t\n' echoes nothing for the Tab.
        string output = OpenAndType("x /x 0\t\n");
        Assert.Contains("x /x 0\e[K\r\n00000000: 0x00000000\r\n", output);
    }

    [Fact]
    public void LinesStopGrowingAt4095Bytes()
    {
        _session.Open();
        // The echo of a 4095-byte line redraws it once per byte (tens of megabytes): not kept.
        _backend.DiscardOutput = true;
        _backend.Type(new string('a', 5000) + "\n");
        _session.Poll();
        _backend.DiscardOutput = false;
        // Up-arrow recalls the line as it ran (4095 'a's); running it again names exactly that command.
        _backend.Type("\e[A\n");
        _session.Poll();
        string output = _backend.TakeOutput();
        Assert.Contains("unknown command: '" + new string('a', 4095) + "'\r\n", output);
        Assert.DoesNotContain(new string('a', 4096), output);
    }

    [Fact]
    public void ControlCharactersWithoutAMeaningAreDropped()
    {
        string output = OpenAndType("a\u0002\u0007b\n");
        Assert.EndsWith("unknown command: 'ab'\r\n(qemu) ", output);
    }

    [Fact]
    public void EveryOutputLineEndsWithCarriageReturnLineFeed()
    {
        _target.RegisterText = "EAX=00000000\nEBX=00000000\n";
        string output = OpenAndType("info registers\n");
        Assert.EndsWith("\r\n\r\nCPU#0\r\nEAX=00000000\r\nEBX=00000000\r\n(qemu) ", output);
        Assert.DoesNotContain("\r\r", output);
    }
}
