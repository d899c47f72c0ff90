namespace HexEmu.Domain.Tests.Devices;

/// <summary>Counter 0 driving IRQ 0: periodic (modes 2, 3) and one-shot (modes 0, 4) timing at exact virtual deadlines.</summary>
public class PitChannel0Tests : PitTestKit
{
    [Fact]
    public void Linux_1kHz_rate_generator_raises_irq0_every_1193_ticks_at_exact_ns()
    {
        // Power-on: counter 0 runs mode 3 with count 65536, so OUT (IRQ 0) is high.
        Assert.True(Irq0.High);
        AtTick(1000);
        // arch/x86 PIT setup: outb(0x34, 0x43); outb(LATCH & 0xff, 0x40); outb(LATCH >> 8, 0x40), LATCH = 1193.
        Out(0x43, 0x34);
        Out(0x40, 1193 & 0xFF);
        Out(0x40, 1193 >> 8);
        int edgesBefore = Irq0.RisingEdges;
        Assert.True(Irq0.High); // mode 2: OUT high while counting

        // Mode 2: OUT goes low for the one clock the count is 1 (tick 1000 + 1192), high at reload.
        Assert.Equal(NsAt(1000 + 1192), Pit.NextDeadlineNs);
        RunToNextDeadline();
        Assert.False(Irq0.High);
        Assert.Equal(NsAt(1000 + 1193), Pit.NextDeadlineNs);
        RunToNextDeadline();
        Assert.True(Irq0.High);
        Assert.Equal(edgesBefore + 1, Irq0.RisingEdges);

        var risingEdgeTimes = new List<long> { Clock.NowNs };
        while (risingEdgeTimes.Count < 1000)
        {
            int edges = Irq0.RisingEdges;
            long at = RunToNextDeadline();
            if (Irq0.RisingEdges > edges) risingEdgeTimes.Add(at);
        }
        for (int k = 0; k < risingEdgeTimes.Count; k++)
            Assert.Equal(NsAt(1000 + 1193L * (k + 1)), risingEdgeTimes[k]);
        // 1193 ticks = 999,847.47 ns: spacing is 999,847 or 999,848 ns, never drifting.
        for (int k = 1; k < risingEdgeTimes.Count; k++)
            Assert.InRange(risingEdgeTimes[k] - risingEdgeTimes[k - 1], 999_847, 999_848);
        // 999 periods = 999 · 1193 ticks = 998,847,619.2 ns: the sum of the spacings has no rounding drift.
        Assert.Equal(998_847_619, risingEdgeTimes[^1] - risingEdgeTimes[0]);
        Assert.Equal(edgesBefore + 1000, Irq0.RisingEdges);
    }

    [Fact]
    public void At_power_on_counter_0_runs_mode_3_with_65536_as_qemu_resets_it()
    {
        // 1193182 / 65536 = 18.2 Hz: OUT falls after 32768 ticks and rises after 65536.
        Assert.Equal(NsAt(32768), RunToNextDeadline());
        Assert.False(Irq0.High);
        Assert.Equal(NsAt(65536), RunToNextDeadline());
        Assert.True(Irq0.High);
    }

    [Fact]
    public void Mode_2_counts_down_from_n_to_1_and_reloads()
    {
        AtTick(0);
        Program(0, mode: 2, count: 1193);
        AtTick(1);
        Assert.Equal(1192, ReadWord(0));
        AtTick(1192);
        Assert.Equal(1, ReadWord(0));
        AtTick(1193);
        Assert.Equal(1193, ReadWord(0));
        AtTick(1193 + 500);
        Assert.Equal(693, ReadWord(0));
    }

    [Fact]
    public void Mode_0_is_a_one_shot_interrupt_on_terminal_count()
    {
        AtTick(5000);
        Out(0x43, 0x30); // counter 0, LSB then MSB, mode 0, binary
        Assert.False(Irq0.High); // "OUT will be initially low"
        Assert.Null(Pit.NextDeadlineNs); // not counting until the count is written
        Out(0x40, 100);
        Out(0x40, 0);
        int edges = Irq0.RisingEdges;

        AtTick(5040);
        Assert.Equal(60, ReadWord(0));
        Assert.Equal(NsAt(5100), Pit.NextDeadlineNs);
        RunToNextDeadline();
        Assert.True(Irq0.High);
        Assert.Equal(edges + 1, Irq0.RisingEdges);
        Assert.Null(Pit.NextDeadlineNs); // stays high: one interrupt only

        // The counter keeps counting past zero (binary: wraps to FFFF).
        AtTick(5101);
        Assert.Equal(0xFFFF, ReadWord(0));
        Pit.AdvanceTo(NsAt(200_000));
        Assert.Equal(edges + 1, Irq0.RisingEdges);
        Assert.True(Irq0.High);
    }

    [Fact]
    public void Mode_0_new_count_restarts_the_one_shot_and_lowers_out()
    {
        AtTick(0);
        Program(0, mode: 0, count: 10);
        RunToNextDeadline();
        Assert.True(Irq0.High);
        AtTick(50);
        // Datasheet, mode 0: writing the first byte disables counting and sets OUT low at once.
        Out(0x40, 20);
        Assert.False(Irq0.High);
        AtTick(60);
        Out(0x40, 0);
        Assert.Equal(NsAt(80), Pit.NextDeadlineNs);
        RunToNextDeadline();
        Assert.True(Irq0.High);
    }

    [Fact]
    public void Mode_4_strobes_out_low_for_one_clock_at_terminal_count()
    {
        AtTick(100);
        Program(0, mode: 4, count: 50);
        Assert.True(Irq0.High);
        int edges = Irq0.RisingEdges;
        Assert.Equal(NsAt(150), RunToNextDeadline());
        Assert.False(Irq0.High);
        Assert.Equal(NsAt(151), RunToNextDeadline());
        Assert.True(Irq0.High);
        Assert.Equal(edges + 1, Irq0.RisingEdges);
        Assert.Null(Pit.NextDeadlineNs);
    }

    [Fact]
    public void Mode_3_square_wave_on_counter_0_interrupts_once_per_period()
    {
        AtTick(0);
        Program(0, mode: 3, count: 1000);
        int edges = Irq0.RisingEdges;
        Assert.Equal(NsAt(500), RunToNextDeadline());
        Assert.False(Irq0.High);
        Assert.Equal(NsAt(1000), RunToNextDeadline());
        Assert.True(Irq0.High);
        Assert.Equal(NsAt(1500), RunToNextDeadline());
        Assert.Equal(NsAt(2000), RunToNextDeadline());
        Assert.Equal(edges + 2, Irq0.RisingEdges);
    }

    [Fact]
    public void A_count_of_zero_means_65536()
    {
        AtTick(0);
        Program(0, mode: 2, count: 0);
        AtTick(1);
        Assert.Equal(0xFFFF, ReadWord(0));
        Assert.Equal(NsAt(65535), Pit.NextDeadlineNs);
        RunToNextDeadline();
        Assert.Equal(NsAt(65536), RunToNextDeadline());
        Assert.True(Irq0.High);
    }

    [Fact]
    public void Mode_2_count_written_mid_period_takes_effect_at_the_next_reload()
    {
        AtTick(0);
        Program(0, mode: 2, count: 1000);
        AtTick(300);
        Program(0, mode: 2, count: 1000); // control word again: restarts (counter waits for the count)
        AtTick(300);
        Out(0x40, 0xF4); // 500 = 0x01F4, written while counting
        Out(0x40, 0x01);
        // Datasheet, mode 2: the current period finishes with the old count.
        Out(0x43, 0xE2);
        Assert.Equal(0x40, In(0x40) & 0x40); // null count: new count not loaded yet
        var rising = new List<long>();
        while (rising.Count < 3)
        {
            int edges = Irq0.RisingEdges;
            long at = RunToNextDeadline();
            if (Irq0.RisingEdges > edges) rising.Add(at);
        }
        Assert.Equal([NsAt(1300), NsAt(1800), NsAt(2300)], rising);
        Out(0x43, 0xE2);
        Assert.Equal(0, In(0x40) & 0x40);
    }

    [Fact]
    public void Mode_3_count_written_mid_half_cycle_takes_effect_at_the_end_of_that_half()
    {
        AtTick(0);
        Program(0, mode: 3, count: 1000);
        AtTick(200);
        Out(0x40, 600 & 0xFF); // written in the high half (ticks 0–499)
        Out(0x40, 600 >> 8);
        // Datasheet, mode 3: the high half finishes with the old count; the new count's low
        // half (300) follows, then its high half (300).
        Assert.Equal(NsAt(500), RunToNextDeadline());
        Assert.False(Irq0.High);
        Assert.Equal(NsAt(800), RunToNextDeadline());
        Assert.True(Irq0.High);
        Assert.Equal(NsAt(1100), RunToNextDeadline());
        Assert.False(Irq0.High);
        Assert.Equal(NsAt(1400), RunToNextDeadline());
        Assert.True(Irq0.High);
    }

    [Fact]
    public void Late_advance_still_delivers_one_rising_edge()
    {
        AtTick(0);
        Program(0, mode: 2, count: 100);
        int edges = Irq0.RisingEdges;
        AtTick(10_050); // the machine overshot by 100 periods
        Pit.AdvanceTo(Clock.NowNs);
        Assert.True(Irq0.RisingEdges > edges);
        Assert.True(Irq0.High);
        Assert.Equal(NsAt(10_099), Pit.NextDeadlineNs);
    }
}
