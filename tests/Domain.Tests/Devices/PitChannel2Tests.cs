using HexEmu.Domain.Devices.Timer;
using HexEmu.Domain.State;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>Counter 2 through port 0x61: gate (bit 0), speaker enable (bit 1), refresh toggle (bit 4), OUT (bit 5).</summary>
public class PitChannel2Tests : PitTestKit
{
    [Fact]
    public void Bios_beep_square_wave_is_seen_on_port_61_bit_5()
    {
        AtTick(0);
        // Classic beep: outb(0xB6, 0x43); count 1000; outb(inb(0x61) | 3, 0x61).
        Out(0x43, 0xB6);
        Out(0x42, 1000 & 0xFF);
        Out(0x42, 1000 >> 8);
        AtTick(2000);
        Out(0x61, (byte)(In(0x61) | 3));
        Assert.Equal(0x03, In(0x61) & 0x0F);
        Assert.True(Port61.SpeakerEnabled);
        Assert.True(Pit.Channel2Gate);

        // Mode 3, N even: high for N/2 counts, low for N/2.
        AtTick(2000); Assert.True(Channel2OutBit);
        AtTick(2499); Assert.True(Channel2OutBit);
        AtTick(2500); Assert.False(Channel2OutBit);
        AtTick(2999); Assert.False(Channel2OutBit);
        AtTick(3000); Assert.True(Channel2OutBit);
        AtTick(3600); Assert.False(Channel2OutBit);

        // Gate low in mode 3: OUT goes high at once and counting stops.
        Out(0x61, 0x02);
        Assert.True(Channel2OutBit);
        Assert.False(Pit.Channel2Gate);
        ushort held = LatchAndRead(2);
        AtTick(3900);
        Assert.Equal(held, LatchAndRead(2));
        // A rising gate reloads the count and starts a fresh cycle.
        Out(0x61, 0x03);
        AtTick(3900 + 499); Assert.True(Channel2OutBit);
        AtTick(3900 + 500); Assert.False(Channel2OutBit);
    }

    [Fact]
    public void Mode_3_odd_count_is_high_one_count_longer()
    {
        AtTick(0);
        Out(0x61, 0x01);
        Program(2, mode: 3, count: 5); // high (5+1)/2 = 3 counts, low 2
        AtTick(2); Assert.True(Channel2OutBit);
        AtTick(3); Assert.False(Channel2OutBit);
        AtTick(4); Assert.False(Channel2OutBit);
        AtTick(5); Assert.True(Channel2OutBit);
    }

    [Fact]
    public void Mode_0_counts_only_while_the_gate_is_high()
    {
        AtTick(0);
        Program(2, mode: 0, count: 100);
        AtTick(10);
        Assert.Equal(100, LatchAndRead(2)); // gate low: loaded but not counting
        Out(0x61, 0x01);
        AtTick(40);
        Out(0x61, 0x00);
        AtTick(90);
        Assert.Equal(70, LatchAndRead(2));
        Out(0x61, 0x01);
        AtTick(159); Assert.False(Channel2OutBit);
        AtTick(160); Assert.True(Channel2OutBit);
    }

    [Fact]
    public void Mode_1_one_shot_is_triggered_and_retriggered_by_the_gate()
    {
        AtTick(0);
        Program(2, mode: 1, count: 50);
        Assert.True(Channel2OutBit); // waits for a trigger with OUT high
        AtTick(10);
        Out(0x61, 0x01);
        Assert.False(Channel2OutBit);
        AtTick(40);
        Out(0x61, 0x00);
        AtTick(45);
        Assert.False(Channel2OutBit); // gate level does not stop mode 1
        Out(0x61, 0x01); // retrigger: N more counts from here
        AtTick(94); Assert.False(Channel2OutBit);
        AtTick(95); Assert.True(Channel2OutBit);
    }

    [Fact]
    public void Mode_5_strobes_n_counts_after_the_gate_edge()
    {
        AtTick(0);
        Program(2, mode: 5, count: 20);
        AtTick(100);
        Assert.True(Channel2OutBit);
        Out(0x61, 0x01);
        AtTick(119); Assert.True(Channel2OutBit);
        AtTick(120); Assert.False(Channel2OutBit);
        AtTick(121); Assert.True(Channel2OutBit);
    }

    [Fact]
    public void Refresh_bit_toggles_every_15085_ns_of_virtual_time()
    {
        Clock.NowNs = 0; Assert.Equal(0, In(0x61) & 0x10);
        Clock.NowNs = 15_084; Assert.Equal(0, In(0x61) & 0x10);
        Clock.NowNs = 15_085; Assert.Equal(0x10, In(0x61) & 0x10);
        Clock.NowNs = 30_169; Assert.Equal(0x10, In(0x61) & 0x10);
        Clock.NowNs = 30_170; Assert.Equal(0, In(0x61) & 0x10);

        // A BIOS-style delay loop counting toggles over 1 ms of virtual time sees 66 (1e6 / 15085 = 66.3).
        int toggles = 0;
        int last = In(0x61) & 0x10;
        for (long ns = 30_170; ns <= 30_170 + 1_000_000; ns += 1000)
        {
            Clock.NowNs = ns;
            int bit = In(0x61) & 0x10;
            if (bit != last) toggles++;
            last = bit;
        }
        Assert.Equal(66, toggles);
        Assert.Equal(0, In(0x61) & 0xC0); // no parity or channel check errors
    }

    [Fact]
    public void Port_61_keeps_low_nibble_only()
    {
        Out(0x61, 0xFF);
        Assert.Equal(0x0F, In(0x61) & 0xCF);
    }

    [Fact]
    public void Counter_1_runs_without_an_output_connection()
    {
        AtTick(0);
        int edges = Irq0.RisingEdges;
        Out(0x43, 0x54);
        Out(0x41, 18);
        AtTick(18 * 10 + 3);
        Assert.Equal(15, In(0x41));
        Assert.Equal(edges, Irq0.RisingEdges);
    }

    [Fact]
    public void Port_61_state_round_trips_and_rejects_read_only_bits()
    {
        Out(0x61, 0x0B);
        var w = new StateWriter();
        Port61.SaveState(w);
        byte[] state = w.ToArray();
        var other = new SystemControlPortB(Pit, Clock);
        other.LoadState(new StateReader(state));
        Assert.Equal(0x0Bu, other.Read(0x61, 1) & 0x0F);

        var bad = new StateWriter();
        bad.BeginSection("port61", 1);
        bad.WriteU8(0x20);
        bad.EndSection();
        Assert.Throws<StateFormatException>(() => other.LoadState(new StateReader(bad.ToArray())));
        Assert.Equal(0x0Bu, other.Read(0x61, 1) & 0x0F);
    }

    [Fact]
    public void Mode_1_status_shows_null_count_until_the_trigger_loads_it()
    {
        AtTick(0);
        Program(2, mode: 1, count: 50);
        Out(0x43, 0xE8); // read-back: status of counter 2
        Assert.Equal(0x80 | 0x40 | 0x32, In(0x42)); // OUT high, null count, RW=11 mode 1
        Out(0x61, 0x01);
        Out(0x43, 0xE8);
        Assert.Equal(0x32, In(0x42)); // triggered: OUT low, count loaded
    }
}
