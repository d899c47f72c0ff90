using HexEmu.Domain.Devices.Video;
using HexEmu.Domain.Io;
using HexEmu.Domain.Machine;
using HexEmu.Domain.State;
using Iced.Intel;
using static Iced.Intel.AssemblerRegisters;

namespace HexEmu.Domain.Tests.Machine;

/// <summary>The devices as a guest reaches them through the machine's ports: resets, CGA, serial, CMOS, state.</summary>
public class PcMachineDeviceTests
{
    private const uint Data = RealModeBoot.DataAddress;

    private sealed class CollectingSink : IByteSink
    {
        public List<byte> Bytes { get; } = [];
        public void Write(byte value) => Bytes.Add(value);
        public string Text => System.Text.Encoding.ASCII.GetString(Bytes.ToArray());
    }

    /// <summary>On the first boot: <paramref name="reset"/>; on the second: stop with interrupts off.</summary>
    private static Action<Assembler> ResetOnFirstBoot(Action<Assembler> reset) => a =>
    {
        var second = a.CreateLabel();
        var hang = a.CreateLabel();
        a.cli();
        a.xor(ax, ax);
        a.mov(ds, ax);
        a.cmp(__dword_ptr[RealModeBoot.BootCountAddress], 1);
        a.jne(second);
        reset(a);
        a.Label(ref hang);
        a.jmp(hang);
        a.Label(ref second);
        a.hlt();
    };

    public static TheoryData<string> ResetSources => ["i8042", "port92", "triple-fault"];

    private static void Reset(Assembler a, string source)
    {
        switch (source)
        {
            case "i8042": // pulse the reset line through the keyboard controller
                a.mov(al, 0xFE);
                a.@out(0x64, al);
                break;
            case "port92": // fast reset
                a.mov(al, 0x01);
                a.@out(0x92, al);
                break;
            default: // an empty IDT: INT 3 faults, the #GP faults, the double fault faults
                a.lidt(__[Data + 0x40]); // six zero bytes: limit 0
                a.int3();
                break;
        }
    }

    [Theory]
    [MemberData(nameof(ResetSources))]
    public void AResetRebootsTheMachine(string source)
    {
        var m = RealModeBoot.Machine(ResetOnFirstBoot(a => Reset(a, source)));
        Assert.Equal(MachineStop.Idle, m.Run(10_000));
        Assert.Equal(2u, RealModeBoot.Peek32(m, RealModeBoot.BootCountAddress));
        Assert.Equal(1, m.Resets);
        Assert.Null(m.IdleDeadlineNs); // halted with IF clear: nothing but a reset can wake it
    }

    [Theory]
    [MemberData(nameof(ResetSources))]
    public void UnderNoRebootAResetStopsTheMachine(string source)
    {
        var m = RealModeBoot.Machine(ResetOnFirstBoot(a => Reset(a, source)), noReboot: true);
        Assert.Equal(MachineStop.Shutdown, m.Run(10_000));
        Assert.Equal(1u, RealModeBoot.Peek32(m, RealModeBoot.BootCountAddress));
        Assert.Equal(0, m.Resets);
    }

    [Fact]
    public void TheCrtcRegistersReadBackAndTheTextBufferRenders()
    {
        var m = RealModeBoot.Machine(a =>
        {
            a.mov(dx, 0x3D4);
            a.mov(al, CgaText.CursorLocationHighRegister);
            a.@out(dx, al);
            a.inc(dx);
            a.mov(al, 0x01);
            a.@out(dx, al);       // cursor high = 0x01
            a.dec(dx);
            a.mov(al, CgaText.CursorLocationLowRegister);
            a.@out(dx, al);
            a.inc(dx);
            a.mov(al, 0x42);
            a.@out(dx, al);       // cursor low = 0x42: cell 0x142 = row 4, column 2
            a.dec(dx);
            a.mov(al, CgaText.CursorLocationHighRegister);
            a.@out(dx, al);
            a.inc(dx);
            a.@in(al, dx);
            a.xor(bx, bx);
            a.mov(ds, bx);
            a.mov(__byte_ptr[Data], al);
            a.mov(ax, 0xB800);
            a.mov(ds, ax);
            a.mov(__word_ptr[0], 0x0748);       // 'H', grey on black
            a.mov(__word_ptr[2], 0x0769);       // 'i'
            a.mov(__word_ptr[160 + 4], 0x0721); // '!' at row 1, column 2
            a.cli();
            a.hlt();
        });
        m.Run(1000);
        Assert.Equal(0x01, RealModeBoot.Peek8(m, Data));
        Assert.Equal(0x142, m.Cga.CursorCell);
        var rows = m.Cga.RenderRows(m.Memory);
        Assert.Equal(CgaText.Rows, rows.Count);
        Assert.Equal("Hi", rows[0]);
        Assert.Equal("  !", rows[1]);
    }

    [Fact]
    public void Com1SendsToItsSinkAndReceivesWhatTheHostDelivers()
    {
        var com1 = new CollectingSink();
        var m = RealModeBoot.Machine(a =>
        {
            var txWait = a.CreateLabel();
            var rxWait = a.CreateLabel();
            a.xor(ax, ax);
            a.mov(ds, ax);
            foreach (char ch in "Hi")
            {
                var wait = a.CreateLabel();
                a.mov(dx, 0x3FD);
                a.Label(ref wait);
                a.@in(al, dx);
                a.test(al, 0x20);  // LSR.THRE
                a.jz(wait);
                a.mov(dx, 0x3F8);
                a.mov(al, (byte)ch);
                a.@out(dx, al);
            }
            a.mov(dx, 0x3FD);
            a.Label(ref rxWait);
            a.@in(al, dx);
            a.test(al, 0x01);      // LSR.DR
            a.jz(rxWait);
            a.mov(dx, 0x3F8);
            a.@in(al, dx);
            a.mov(__byte_ptr[Data], al);
            a.cli();
            a.hlt();
        }, serial: [com1]);
        m.Run(10_000);
        Assert.Equal("Hi", com1.Text);
        Assert.Equal(0, RealModeBoot.Peek8(m, Data));
        Assert.True(m.TryDeliverSerialInput(0, (byte)'x'));
        Assert.False(m.TryDeliverSerialInput(0, (byte)'z')); // RBR (no FIFO) is full: the host must keep the byte
        Assert.False(m.TryDeliverSerialInput(1, (byte)'y')); // COM2 is absent
        Assert.Equal(MachineStop.Idle, m.Run(10_000));
        Assert.Equal((byte)'x', RealModeBoot.Peek8(m, Data));
    }

    [Fact]
    public void AnAbsentSerialPortReadsAsAnEmptyBus()
    {
        var m = RealModeBoot.Machine(a =>
        {
            a.xor(ax, ax);
            a.mov(ds, ax);
            a.mov(dx, 0x2FD);
            a.@in(al, dx);
            a.mov(__byte_ptr[Data], al);
            a.cli();
            a.hlt();
        }, serial: [new CollectingSink()]);
        m.Run(100);
        Assert.Equal(0xFF, RealModeBoot.Peek8(m, Data));
    }

    [Fact]
    public void TheCmosClockShowsTheConfiguredBaseTime()
    {
        long baseTime = new DateTimeOffset(2026, 11, 25, 12, 34, 56, TimeSpan.Zero).ToUnixTimeSeconds();
        var m = RealModeBoot.Machine(a =>
        {
            a.xor(ax, ax);
            a.mov(ds, ax);
            byte[] registers = [0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32]; // s, min, h, day, month, year, century
            for (int i = 0; i < registers.Length; i++)
            {
                a.mov(al, registers[i]);
                a.@out(0x70, al);
                a.@in(al, 0x71);
                a.mov(__byte_ptr[Data + (uint)i], al);
            }
            a.cli();
            a.hlt();
        }, rtcBase: baseTime);
        m.Run(1000);
        Assert.Equal(new byte[] { 0x56, 0x34, 0x12, 0x25, 0x11, 0x26, 0x20 }, m.Memory.Ram.Slice((int)Data, 7).ToArray());
    }

    [Fact]
    public void TheCmosReportsTheMemorySize()
    {
        var m = RealModeBoot.Machine(a =>
        {
            a.xor(ax, ax);
            a.mov(ds, ax);
            byte[] registers = [0x15, 0x16, 0x17, 0x18];
            for (int i = 0; i < registers.Length; i++)
            {
                a.mov(al, registers[i]);
                a.@out(0x70, al);
                a.@in(al, 0x71);
                a.mov(__byte_ptr[Data + (uint)i], al);
            }
            a.cli();
            a.hlt();
        });
        m.Run(1000);
        // 2 MiB of RAM: 640 KiB base (0x0280), 1024 KiB above 1 MiB (0x0400), little-endian.
        Assert.Equal(new byte[] { 0x80, 0x02, 0x00, 0x04 }, m.Memory.Ram.Slice((int)Data, 4).ToArray());
    }

    [Fact]
    public void AMachineStateReloadsExactlyAndRunsOnIdentically()
    {
        static PcMachine Build(CollectingSink sink) => RealModeBoot.Machine(a =>
        {
            var loop = a.CreateLabel();
            a.xor(ax, ax);
            a.mov(ds, ax);
            a.mov(al, 0x34);
            a.@out(0x43, al);
            a.mov(al, 0x00);
            a.@out(0x40, al);
            a.@out(0x40, al);
            a.Label(ref loop);
            a.mov(al, 0x00);
            a.@out(0x43, al);  // latch counter 0
            a.@in(al, 0x40);
            a.mov(dx, 0x3F8);
            a.@out(dx, al);    // the count's low byte to COM1
            a.inc(__dword_ptr[Data]);
            a.jmp(loop);
        }, new Time.TimeMode.InstructionCounted(4, SleepWhenIdle: false), serial: [sink]);

        var original = Build(new CollectingSink());
        original.Run(5_000);
        var saved = new StateWriter();
        original.SaveState(saved);
        byte[] state = saved.ToArray();

        var restored = Build(new CollectingSink());
        restored.LoadState(new StateReader(state));
        var again = new StateWriter();
        restored.SaveState(again);
        Assert.Equal(state, again.ToArray());

        var outA = new CollectingSink();
        var outB = new CollectingSink();
        var a = Build(outA);
        var b = Build(outB);
        a.LoadState(new StateReader(state));
        b.LoadState(new StateReader(state));
        a.Run(20_000);
        b.Run(7_000);
        b.Run(13_000);
        Assert.NotEmpty(outA.Bytes);
        Assert.Equal(outA.Bytes, outB.Bytes);
        var sa = new StateWriter();
        var sb = new StateWriter();
        a.SaveState(sa);
        b.SaveState(sb);
        Assert.Equal(sa.ToArray(), sb.ToArray());
    }

    [Fact]
    public void ACorruptStateLeavesTheMachineAsItWas()
    {
        var m = RealModeBoot.Machine(a =>
        {
            var loop = a.CreateLabel();
            a.xor(ax, ax);
            a.mov(ds, ax);
            a.Label(ref loop);
            a.inc(__dword_ptr[Data]);
            a.jmp(loop);
        });
        m.Run(10);
        var earlier = new StateWriter();
        m.SaveState(earlier);
        m.Run(1000);
        var now = new StateWriter();
        m.SaveState(now);

        // The earlier state with its PIT section renamed: the sections before it load, then the
        // PIT's is missing, and everything already loaded must be put back.
        byte[] bad = earlier.ToArray();
        int pit = bad.AsSpan().IndexOf("\u0003pit"u8);
        Assert.True(pit > 0);
        bad[pit + 3] = (byte)'x';
        var e = Assert.Throws<StateFormatException>(() => m.LoadState(new StateReader(bad)));
        Assert.Contains("pit", e.Message);
        var after = new StateWriter();
        m.SaveState(after);
        Assert.Equal(now.ToArray(), after.ToArray());
    }
}
