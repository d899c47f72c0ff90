using System.Text;
using HexEmu.Host.Chardev;
using HexEmu.Host.Cli;
using static HexEmu.Host.Tests.ChardevTestSupport;

namespace HexEmu.Host.Tests;

public class ChardevBackendTests
{
    [Fact]
    public void Null_discards_and_never_has_input()
    {
        using var backend = CharBackendFactory.Create(new ChardevSpec("n", new ChardevBackend.Null()));
        backend.Write("abc"u8);
        Assert.Equal(0, backend.TryRead(new byte[4]));
        Assert.Equal("null", backend.Description);
        using var vc = CharBackendFactory.Create(new ChardevSpec("serial0", new ChardevBackend.VirtualConsole()));
        Assert.Equal("vc", vc.Description);
    }

    [Fact]
    public void File_truncates_and_receives_output()
    {
        string path = TempPath("file");
        try
        {
            File.WriteAllText(path, "old contents that must go");
            using (var backend = CharBackendFactory.Create(new ChardevSpec("f", new ChardevBackend.File(path))))
            {
                Write(backend, "hello\n");
                Assert.Equal("hello\n", File.ReadAllText(path));
                Assert.Equal(0, backend.TryRead(new byte[4]));
            }
            using (var appending = CharBackendFactory.Create(new ChardevSpec("f", new ChardevBackend.File(path, Append: true))))
                Write(appending, "more");
            Assert.Equal("hello\nmore", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void File_that_cannot_be_opened_is_a_one_line_error()
    {
        var e = Assert.Throws<ChardevException>(() =>
            CharBackendFactory.Create(new ChardevSpec("serial0", new ChardevBackend.File("/nonexistent-dir/x"))));
        // qemu: "Could not open '/nonexist/x': No such file or directory"
        Assert.Equal("chardev 'serial0': Could not open '/nonexistent-dir/x': No such file or directory", e.Message);
    }

    [Fact]
    public void Pipe_uses_in_and_out_fifos_when_both_exist()
    {
        string path = TempPath("pipe");
        MakeFifo(path + ".in");
        MakeFifo(path + ".out");
        try
        {
            using var backend = CharBackendFactory.Create(new ChardevSpec("p", new ChardevBackend.Pipe(path)));
            using var arrived = new ManualResetEventSlim();
            backend.InputAvailable += arrived.Set;

            using (var toGuest = new FileStream(path + ".in", FileMode.Open, FileAccess.Write))
                toGuest.Write("ping"u8);
            Assert.True(arrived.Wait(WaitLimit));
            Assert.Equal("ping", ReadText(backend, 4));

            using var fromGuest = new FileStream(path + ".out", FileMode.Open, FileAccess.Read);
            Write(backend, "pong");
            var buffer = new byte[4];
            fromGuest.ReadExactly(buffer);
            Assert.Equal("pong", Encoding.ASCII.GetString(buffer));
        }
        finally
        {
            File.Delete(path + ".in");
            File.Delete(path + ".out");
        }
    }

    [Fact]
    public void Pipe_without_in_and_out_uses_the_path_both_ways()
    {
        string path = TempPath("pipe1");
        MakeFifo(path);
        try
        {
            using var backend = CharBackendFactory.Create(new ChardevSpec("p", new ChardevBackend.Pipe(path)));
            using (var peer = new FileStream(path, FileMode.Open, FileAccess.Write))
                peer.Write("xyz"u8);
            Assert.Equal("xyz", ReadText(backend, 3));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_pipe_is_a_one_line_error()
    {
        string path = TempPath("nopipe");
        var e = Assert.Throws<ChardevException>(() => CharBackendFactory.Create(new ChardevSpec("serial0", new ChardevBackend.Pipe(path))));
        // qemu: "Could not open '/tmp/nopipe': No such file or directory"
        Assert.Equal($"chardev 'serial0': Could not open '{path}': No such file or directory", e.Message);
    }

    [Fact]
    public void Stdio_reads_a_stream_until_its_end_and_writes_stdout()
    {
        using var console = new FakeConsole();
        using var backend = (StdioCharBackend)console.Host.OpenStdio("serial0", true);
        using var arrived = new ManualResetEventSlim();
        backend.InputAvailable += arrived.Set;
        console.Type("abc");
        Assert.True(arrived.Wait(WaitLimit));
        Assert.Equal("abc", ReadText(backend, 3));
        console.CloseInput();
        WaitFor(() => backend.InputEnded, "EOF on stdin");
        Assert.Equal(0, backend.TryRead(new byte[4]));

        Write(backend, "out\n");
        Assert.Equal("out\n", console.Printed);
        Assert.Equal("stdio", backend.Description);
    }

    [Fact]
    public void Stdio_used_for_output_only_leaves_stdin_alone()
    {
        using var console = new FakeConsole();
        using (var backend = console.Host.OpenStdio("debugcon", true))
            Write(backend, "x");
        // Nobody read from the backend, so the typed byte is still in the pipe for whoever reads next.
        console.Type("k");
        var buffer = new byte[1];
        Assert.Equal(1, console.Input.Read(buffer));
        Assert.Equal((byte)'k', buffer[0]);
    }

    [Fact]
    public void Input_queue_is_bounded_and_drains_in_order()
    {
        var queue = new InputQueue();
        var data = Enumerable.Range(0, InputQueue.Capacity).Select(i => (byte)i).ToArray();
        Assert.True(queue.Enqueue(data));
        bool? enqueued = null;
        var producer = new Thread(() => enqueued = queue.Enqueue([0xAA])) { IsBackground = true };
        producer.Start();
        WaitFor(() => producer.ThreadState.HasFlag(ThreadState.WaitSleepJoin), "the reader to wait on a full queue");
        Assert.Null(enqueued);
        var buffer = new byte[10];
        Assert.Equal(10, queue.TryDequeue(buffer));
        Assert.Equal(data[..10], buffer);
        Assert.True(producer.Join(WaitLimit));
        Assert.True(enqueued);
        Assert.Equal(InputQueue.Capacity - 9, queue.Count);
        queue.Close();
        Assert.False(queue.Enqueue([1]));
    }

    [Fact]
    public void Factory_wires_serial_monitor_and_debugcon_frontends()
    {
        string path = TempPath("dc");
        try
        {
            var options = QemuCommandLine.Parse(["-nodefaults", "-serial", "null", "-serial", $"file:{path}",
                "-debugcon", "null", "-chardev", "null,id=d2", "-device", "isa-debugcon,iobase=0x402,chardev=d2"]);
            using var devices = CharBackendFactory.Open(options);
            Assert.Equal(["serial0", "serial1"], devices.Serial.Select(s => s.Id));
            Assert.Equal(["null", "file"], devices.Serial.Select(s => s.Description));
            Assert.Null(devices.Monitor);
            Assert.Equal(2, devices.DebugCons.Count);
            Assert.Equal("debugcon", devices.DebugCons[0].Backend.Id);
            Assert.Equal("d2", devices.DebugCons[1].Backend.Id);
            Assert.Equal((ushort)0x402, devices.DebugCons[1].Device.IoBase);
            Assert.Equal(["d2", "serial0", "serial1", "debugcon"], devices.Chardevs.Select(c => c.Id));
            Write(devices.Serial[1], "to file");
            Assert.Equal("to file", File.ReadAllText(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Factory_closes_what_it_opened_when_a_later_chardev_fails()
    {
        string path = TempPath("first");
        try
        {
            var options = QemuCommandLine.Parse(["-nodefaults", "-serial", $"file:{path}", "-serial", "file:/nonexistent-dir/x"]);
            var e = Assert.Throws<ChardevException>(() => CharBackendFactory.Open(options));
            Assert.Equal("chardev 'serial1': Could not open '/nonexistent-dir/x': No such file or directory", e.Message);
            // The first file was closed again: it can be deleted and reopened exclusively.
            using var exclusive = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
