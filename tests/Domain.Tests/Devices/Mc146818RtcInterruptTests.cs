namespace HexEmu.Domain.Tests.Devices;

/// <summary>MC146818A update cycle, UIP window, and the periodic, update-ended and alarm interrupts on IRQ 8.</summary>
public class Mc146818RtcInterruptTests
{
    private readonly RtcRig _rig = new();

    [Fact]
    public void Uip_is_set_only_in_the_244_us_before_each_update()
    {
        // Datasheet "Update Cycle": UIP rises t_BUC = 244 µs before the update; the time is valid while it is 0.
        _rig.RunTo(RtcRig.Second - 245 * RtcRig.Microsecond);
        Assert.False(_rig.UpdateInProgress);
        _rig.RunTo(RtcRig.Second - 243 * RtcRig.Microsecond);
        Assert.True(_rig.UpdateInProgress);
        Assert.Equal(0x58, _rig.Get(RtcRig.Seconds));
        _rig.RunTo(RtcRig.Second - 1);
        Assert.True(_rig.UpdateInProgress);
        _rig.RunTo(RtcRig.Second);
        Assert.False(_rig.UpdateInProgress);
        Assert.Equal(0x59, _rig.Get(RtcRig.Seconds));
        // The next second has its window too.
        _rig.RunTo(2 * RtcRig.Second - 100 * RtcRig.Microsecond);
        Assert.True(_rig.UpdateInProgress);
    }

    [Fact]
    public void Uip_reads_zero_while_set_holds_the_clock()
    {
        _rig.Set(RtcRig.B, 0x82);
        _rig.RunTo(RtcRig.Second - 100 * RtcRig.Microsecond);
        Assert.False(_rig.UpdateInProgress);
    }

    [Fact]
    public void A_guest_waiting_for_uip_to_fall_sees_the_new_second()
    {
        // The usual BIOS/Linux read: wait for UIP=1, then for UIP=0, then read the time.
        long step = 10 * RtcRig.Microsecond;
        while (!_rig.UpdateInProgress) _rig.RunTo(_rig.Clock.NowNs + step);
        Assert.InRange(_rig.Clock.NowNs, RtcRig.Second - 244 * RtcRig.Microsecond, RtcRig.Second - 1);
        while (_rig.UpdateInProgress) _rig.RunTo(_rig.Clock.NowNs + step);
        Assert.Equal(0x59, _rig.Get(RtcRig.Seconds));
    }

    [Fact]
    public void Periodic_interrupt_at_rate_6_fires_at_exact_1024_hz_deadlines()
    {
        _rig.Set(RtcRig.A, 0x26);                         // rate 6: 976.5625 µs
        _rig.Get(RtcRig.C);
        _rig.Set(RtcRig.B, 0x42);                         // PIE
        // k × 1 000 000 000 / 1024 ns, rounded up to the first whole ns at or after the tap.
        long[] expected = [976_563, 1_953_125, 2_929_688, 3_906_250];
        foreach (long at in expected)
        {
            Assert.Equal(at, _rig.Rtc.NextDeadlineNs);
            _rig.RunTo(at - 1);
            Assert.False(_rig.Irq.High);
            _rig.RunTo(at);
            Assert.True(_rig.Irq.High);
            Assert.Null(_rig.Rtc.NextDeadlineNs);         // nothing more to tell until C is read
            Assert.Equal(0xC0, _rig.Get(RtcRig.C));       // IRQF | PF
            Assert.False(_rig.Irq.High);
        }
        Assert.Equal(expected.Length, _rig.Irq.RisingEdges);
    }

    [Fact]
    public void Periodic_flag_is_set_without_pie_but_raises_no_irq()
    {
        _rig.Get(RtcRig.C);
        Assert.Null(_rig.Rtc.NextDeadlineNs);
        _rig.RunTo(RtcRig.Millisecond);
        Assert.False(_rig.Irq.High);
        Assert.Equal(0x40, _rig.Get(RtcRig.C));
        Assert.Equal(0x00, _rig.Get(RtcRig.C));           // read clears
    }

    [Fact]
    public void Rate_0_stops_the_periodic_flag()
    {
        _rig.Set(RtcRig.A, 0x20);
        _rig.Get(RtcRig.C);
        _rig.Set(RtcRig.B, 0x42);
        _rig.RunTo(RtcRig.Millisecond * 900);
        Assert.Equal(0x00, _rig.Get(RtcRig.C));
        Assert.Null(_rig.Rtc.NextDeadlineNs);
    }

    [Fact]
    public void Rate_15_gives_two_interrupts_a_second()
    {
        _rig.Set(RtcRig.A, 0x2F);
        _rig.Get(RtcRig.C);
        _rig.Set(RtcRig.B, 0x42);
        Assert.Equal(500 * RtcRig.Millisecond, _rig.Rtc.NextDeadlineNs);
    }

    [Fact]
    public void Enabling_pie_with_pf_pending_raises_irq_at_once()
    {
        _rig.RunTo(RtcRig.Millisecond);                   // PF set, PIE off
        Assert.False(_rig.Irq.High);
        _rig.Set(RtcRig.B, 0x42);
        Assert.True(_rig.Irq.High);
        Assert.Equal(0xC0, _rig.Get(RtcRig.C));
        Assert.False(_rig.Irq.High);
    }

    [Fact]
    public void Update_ended_interrupt_follows_each_update_and_c_read_clears_it()
    {
        _rig.Set(RtcRig.A, 0x20);                         // no periodic flag in the way
        _rig.Get(RtcRig.C);
        _rig.Set(RtcRig.B, 0x12);                         // UIE
        Assert.Equal(RtcRig.Second, _rig.Rtc.NextDeadlineNs);
        _rig.RunTo(RtcRig.Second - 1);
        Assert.False(_rig.Irq.High);
        _rig.RunTo(RtcRig.Second);
        Assert.True(_rig.Irq.High);
        Assert.Equal(0x90, _rig.Get(RtcRig.C));           // IRQF | UF
        Assert.False(_rig.Irq.High);
        Assert.Equal(0x00, _rig.Get(RtcRig.C));
        Assert.Equal(2 * RtcRig.Second, _rig.Rtc.NextDeadlineNs);
        _rig.RunTo(2 * RtcRig.Second);
        Assert.Equal(2, _rig.Irq.RisingEdges);
    }

    [Fact]
    public void Alarm_fires_at_the_matching_second_after_midnight()
    {
        _rig.Set(RtcRig.A, 0x20);
        _rig.Set(RtcRig.SecondsAlarm, 0x05);
        _rig.Set(RtcRig.MinutesAlarm, 0x00);
        _rig.Set(RtcRig.HoursAlarm, 0x00);
        _rig.Get(RtcRig.C);
        _rig.Set(RtcRig.B, 0x22);                         // AIE
        _rig.RunTo(7 * RtcRig.Second - 1);                // 00:00:04.999…
        Assert.False(_rig.Irq.High);
        _rig.RunTo(7 * RtcRig.Second);                    // 00:00:05
        Assert.True(_rig.Irq.High);
        Assert.Equal(0xB0, _rig.Get(RtcRig.C));           // IRQF | AF | UF
        Assert.False(_rig.Irq.High);
        _rig.RunTo(20 * RtcRig.Second);
        Assert.False(_rig.Irq.High);
        Assert.Equal(0x10, _rig.Get(RtcRig.C));           // updates, no second alarm
        Assert.Equal(1, _rig.Irq.RisingEdges);
    }

    [Fact]
    public void Alarm_dont_care_bytes_match_any_value()
    {
        _rig.Set(RtcRig.A, 0x20);
        _rig.Set(RtcRig.SecondsAlarm, 0x30);
        _rig.Set(RtcRig.MinutesAlarm, 0xC0);
        _rig.Set(RtcRig.HoursAlarm, 0xFF);
        _rig.Get(RtcRig.C);
        _rig.Set(RtcRig.B, 0x22);
        _rig.RunTo(32 * RtcRig.Second - 1);               // 00:00:29.999…
        Assert.False(_rig.Irq.High);
        _rig.RunTo(32 * RtcRig.Second);                   // 00:00:30
        Assert.True(_rig.Irq.High);
        _rig.Get(RtcRig.C);
        _rig.RunTo(92 * RtcRig.Second);                   // 00:01:30: once a minute
        Assert.Equal(2, _rig.Irq.RisingEdges);
    }

    [Fact]
    public void Alarm_flag_is_found_even_when_nobody_looked_for_hours()
    {
        _rig.Set(RtcRig.HoursAlarm, 0x03);
        _rig.Set(RtcRig.MinutesAlarm, 0x15);
        _rig.Set(RtcRig.SecondsAlarm, 0x00);
        _rig.Get(RtcRig.C);
        _rig.RunTo(5 * 3600 * RtcRig.Second);             // past 03:15:00 with AIE off: no deadlines
        Assert.False(_rig.Irq.High);
        Assert.Equal(0x70, _rig.Get(RtcRig.C));           // PF | AF | UF, no IRQF
    }

    [Fact]
    public void Twelve_hour_alarm_compares_the_pm_bit()
    {
        _rig.Set(RtcRig.A, 0x20);
        _rig.Set(RtcRig.B, 0x20);                         // BCD, 12-hour, AIE
        _rig.Set(RtcRig.HoursAlarm, 0x12);                // 12 AM
        _rig.Set(RtcRig.MinutesAlarm, 0x00);
        _rig.Set(RtcRig.SecondsAlarm, 0x00);
        _rig.Get(RtcRig.C);
        _rig.RunTo(2 * RtcRig.Second);                    // 00:00:00 = 12:00:00 AM
        Assert.True(_rig.Irq.High);
        Assert.Equal(0xB0, _rig.Get(RtcRig.C));
    }
}
