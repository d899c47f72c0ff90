using System.Text;
using HexEmu.Host.Chardev;
using HexEmu.Host.Cli;
using static HexEmu.Host.Tests.ChardevTestSupport;

namespace HexEmu.Host.Tests;

/// <summary>
/// The -nographic multiplexer with a fake stdin/stdout. The keys and their effects follow QEMU's
/// documentation of -nographic ("Ctrl-a h" lists them; checked with qemu-system-i386 -nographic here).
/// </summary>
public class ChardevMuxTests
{
    private const byte CtrlA = 0x01;

    private sealed class Rig : IDisposable
    {
        public FakeConsole Console { get; } = new();
        public CharDevices Devices { get; }

        public Rig(params string[] args)
        {
            Devices = CharBackendFactory.Open(QemuCommandLine.Parse(args), Console.Host);
        }

        public void Dispose()
        {
            Devices.Dispose();
            Console.Dispose();
        }
    }

    [Fact]
    public void Nographic_serial_gets_the_keys_until_ctrl_a_c_gives_them_to_the_monitor()
    {
        using var rig = new Rig("-nographic");
        var serial = rig.Devices.Serial[0];
        var monitor = rig.Devices.Monitor!;
        var focus = new List<bool>();
        rig.Devices.MonitorMuxFrontend!.FocusChanged += focus.Add;

        rig.Console.Type("ls\r");
        Assert.Equal("ls\r", ReadText(serial, 3));
        Assert.Equal(0, monitor.TryRead(new byte[8]));

        rig.Console.Type(CtrlA, (byte)'c');
        WaitFor(() => rig.Devices.Muxes[0].Focus == 1, "the focus to move to the monitor");
        Assert.Equal([true], focus);
        rig.Console.Type("info status\r");
        Assert.Equal("info status\r", ReadText(monitor, 12)); // raw: the monitor session edits lines itself
        Assert.Equal(0, serial.TryRead(new byte[8]));

        rig.Console.Type(CtrlA, (byte)'c', (byte)'z');
        Assert.Equal("z", ReadText(serial, 1));
        Assert.Equal([true, false], focus);
    }

    [Fact]
    public void Ctrl_a_ctrl_a_sends_one_ctrl_a_and_unknown_commands_are_dropped()
    {
        using var rig = new Rig("-nographic");
        rig.Console.Type(CtrlA, CtrlA, CtrlA, (byte)'q', (byte)'k');
        Assert.Equal("\u0001k", ReadText(rig.Devices.Serial[0], 2));
    }

    [Fact]
    public void Ctrl_a_x_prints_terminated_and_requests_quit()
    {
        using var rig = new Rig("-nographic");
        using var quit = new ManualResetEventSlim();
        rig.Devices.QuitRequested += quit.Set;
        rig.Console.Type(CtrlA, (byte)'x');
        Assert.True(quit.Wait(WaitLimit));
        Assert.Equal("hexemu: Terminated\r\n", rig.Console.Printed);
    }

    [Fact]
    public void Ctrl_a_h_lists_the_keys_and_s_b_t_do_nothing()
    {
        using var rig = new Rig("-nographic");
        rig.Console.Type(CtrlA, (byte)'s', CtrlA, (byte)'b', CtrlA, (byte)'t', CtrlA, (byte)'h');
        WaitFor(() => rig.Console.Printed.Contains("C-a C-a"), "the help text");
        string help = rig.Console.Printed;
        foreach (string key in (string[])["C-a h", "C-a x", "C-a s", "C-a t", "C-a b", "C-a c", "C-a C-a"])
            Assert.Contains(key, help);
        Assert.Equal(CharMux.HelpText, help);
        Assert.Equal(0, rig.Devices.Serial[0].TryRead(new byte[8]));
        Assert.Equal(0, rig.Devices.Muxes[0].Focus);
    }

    [Fact]
    public void Output_of_both_frontends_reaches_stdout_whatever_the_focus()
    {
        using var rig = new Rig("-nographic");
        Write(rig.Devices.Serial[0], "guest ");
        Write(rig.Devices.Monitor!, "(hexemu) ");
        Assert.Equal("guest (hexemu) ", rig.Console.Printed);
        Assert.Equal("serial0", rig.Devices.Monitor!.Id);
    }

    [Fact]
    public void The_monitor_chardev_passes_keys_through_raw_and_echoes_nothing()
    {
        // Line editing and echo belong to the monitor session (QEMU's readline), not to the chardev.
        using var rig = new Rig("-nodefaults", "-monitor", "stdio");
        Assert.Null(rig.Devices.MonitorMuxFrontend);
        rig.Console.Type("infx\u007fo\r");
        Assert.Equal("infx\u007fo\r", ReadText(rig.Devices.Monitor!, 7));
        Assert.Equal("", rig.Console.Printed);
    }

    [Fact]
    public void A_chardev_with_mux_on_serves_serial_and_monitor()
    {
        string path = TempPath("muxfile");
        try
        {
            using var rig = new Rig("-nodefaults", "-chardev", $"file,id=c,path={path},mux=on", "-serial", "chardev:c", "-monitor", "chardev:c");
            Write(rig.Devices.Serial[0], "a");
            Write(rig.Devices.Monitor!, "b");
            Assert.Equal("ab", File.ReadAllText(path));
            Assert.Equal("mux", rig.Devices.Serial[0].Description);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
