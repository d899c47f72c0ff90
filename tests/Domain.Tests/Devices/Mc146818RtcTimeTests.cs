namespace HexEmu.Domain.Tests.Devices;

/// <summary>MC146818A time of day: data modes, 12/24 hours, calendar roll-over and setting the time with SET.</summary>
public class Mc146818RtcTimeTests
{
    private readonly RtcRig _rig = new();

    [Fact]
    public void Power_on_registers_show_the_base_time_in_bcd_24_hour()
    {
        Assert.Equal(0x26, _rig.Get(RtcRig.A));   // 32.768 kHz divider, 1024 Hz rate, UIP clear
        Assert.Equal(0x02, _rig.Get(RtcRig.B));   // 24-hour, BCD, no interrupts
        Assert.Equal(0x00, _rig.Get(RtcRig.C));
        Assert.Equal(0x80, _rig.Get(RtcRig.D));   // VRT
        // 23:59:58, Wednesday (4), 28 Feb (20)24
        Assert.Equal(new byte[] { 0x58, 0x59, 0x23, 0x04, 0x28, 0x02, 0x24, 0x20 }, _rig.ReadTime());
    }

    [Fact]
    public void The_ps2_century_byte_0x37_mirrors_the_century()
    {
        // QEMU keeps the IBM PS/2 century byte equal to register 0x32 (a guest may read either).
        var rig = new RtcRig(new DateTimeOffset(2099, 12, 31, 23, 59, 59, TimeSpan.Zero).ToUnixTimeSeconds());
        Assert.Equal(0x20, rig.Get(0x37));
        rig.RunTo(2 * RtcRig.Second);
        Assert.Equal(0x21, rig.Get(0x37));
        Assert.Equal(0x21, rig.Get(RtcRig.Century));
    }

    [Fact]
    public void Binary_mode_shows_the_same_time_in_binary()
    {
        _rig.Set(RtcRig.B, 0x06);
        Assert.Equal(new byte[] { 58, 59, 23, 4, 28, 2, 24, 20 }, _rig.ReadTime());
    }

    [Fact]
    public void Twelve_hour_mode_marks_pm_and_shows_midnight_as_12_am()
    {
        _rig.Set(RtcRig.B, 0x00);                     // BCD, 12-hour
        Assert.Equal(0x91, _rig.Get(RtcRig.Hours));   // 11 PM
        _rig.Set(RtcRig.B, 0x04);                     // binary, 12-hour
        Assert.Equal(0x8B, _rig.Get(RtcRig.Hours));
        _rig.RunTo(2 * RtcRig.Second);                // 00:00:00
        Assert.Equal(12, _rig.Get(RtcRig.Hours));     // 12 AM: no PM bit
        _rig.RunTo(2 * RtcRig.Second + 12 * 3600 * RtcRig.Second); // 12:00:00 noon
        Assert.Equal(0x80 | 12, _rig.Get(RtcRig.Hours));
    }

    [Fact]
    public void Midnight_on_28_february_2024_leads_to_the_leap_day_and_then_to_march()
    {
        _rig.RunTo(2 * RtcRig.Second - 1);
        Assert.Equal(0x59, _rig.Get(RtcRig.Seconds));
        _rig.RunTo(2 * RtcRig.Second);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x00, 0x05, 0x29, 0x02, 0x24, 0x20 }, _rig.ReadTime()); // Thursday 29 Feb
        _rig.RunTo(2 * RtcRig.Second + 86_400 * RtcRig.Second);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x24, 0x20 }, _rig.ReadTime()); // Friday 1 March
    }

    [Fact]
    public void Setting_the_time_with_set_holds_it_until_set_clears()
    {
        // Guest sequence (datasheet, "Register B": SET): SET=1, write the time, SET=0.
        _rig.RunTo(300 * RtcRig.Millisecond);
        _rig.Set(RtcRig.B, 0x82);
        // 2023-02-28 23:59:59 — not a leap year
        _rig.Set(RtcRig.Seconds, 0x59);
        _rig.Set(RtcRig.Minutes, 0x59);
        _rig.Set(RtcRig.Hours, 0x23);
        _rig.Set(RtcRig.Day, 0x28);
        _rig.Set(RtcRig.Month, 0x02);
        _rig.Set(RtcRig.Year, 0x23);
        _rig.Set(RtcRig.Century, 0x20);
        _rig.RunTo(5 * RtcRig.Second);                // no updates while SET is 1
        Assert.Equal(0x59, _rig.Get(RtcRig.Seconds));
        Assert.Equal(0x23, _rig.Get(RtcRig.Year));
        Assert.Equal(0, _rig.Get(RtcRig.C) & 0x10);   // no update cycle, so no UF
        _rig.Set(RtcRig.B, 0x02);
        // The clock keeps its phase (QEMU): the next update is at the next whole second.
        _rig.RunTo(6 * RtcRig.Second - 1);
        Assert.Equal(new byte[] { 0x59, 0x59, 0x23, 0x03, 0x28, 0x02, 0x23, 0x20 }, _rig.ReadTime()); // Tuesday
        _rig.RunTo(6 * RtcRig.Second);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x00, 0x04, 0x01, 0x03, 0x23, 0x20 }, _rig.ReadTime()); // Wed 1 March 2023
        Assert.Equal(RtcRig.BaseTime - 365 * 86_400 + 2, _rig.Rtc.CurrentUnixSeconds);
    }

    [Fact]
    public void Setting_set_clears_uie()
    {
        _rig.Set(RtcRig.B, 0x92);
        Assert.Equal(0x82, _rig.Get(RtcRig.B));
    }

    [Fact]
    public void Binary_12_hour_time_set_by_the_guest_is_read_back_with_the_century()
    {
        _rig.Set(RtcRig.B, 0x84);                     // SET, binary, 12-hour
        _rig.Set(RtcRig.Seconds, 59);
        _rig.Set(RtcRig.Minutes, 59);
        _rig.Set(RtcRig.Hours, 0x80 | 11);            // 11 PM
        _rig.Set(RtcRig.Day, 31);
        _rig.Set(RtcRig.Month, 12);
        _rig.Set(RtcRig.Year, 99);
        _rig.Set(RtcRig.Century, 20);
        _rig.Set(RtcRig.B, 0x04);
        Assert.Equal(4_102_444_799, _rig.Rtc.CurrentUnixSeconds); // 2099-12-31 23:59:59 UTC
        _rig.RunTo(RtcRig.Second);
        Assert.Equal(new byte[] { 0, 0, 12, 6, 1, 1, 0, 21 }, _rig.ReadTime()); // Friday 1 Jan 2100, 12 AM
    }

    [Fact]
    public void A_time_register_written_while_running_takes_effect_at_once()
    {
        _rig.Set(RtcRig.Minutes, 0x30);
        Assert.Equal(new byte[] { 0x58, 0x30, 0x23 }, new[] { _rig.Get(RtcRig.Seconds), _rig.Get(RtcRig.Minutes), _rig.Get(RtcRig.Hours) });
        _rig.RunTo(RtcRig.Second);
        Assert.Equal(0x59, _rig.Get(RtcRig.Seconds));
        Assert.Equal(0x30, _rig.Get(RtcRig.Minutes));
    }

    [Fact]
    public void Divider_reset_stops_the_clock_and_the_first_update_comes_half_a_second_after_release()
    {
        _rig.RunTo(200 * RtcRig.Millisecond);
        _rig.Set(RtcRig.A, 0x76);                     // DV = 111: divider held in reset
        Assert.Equal(0x40, _rig.Get(RtcRig.C));       // PF from the 200 ms before the reset
        _rig.RunTo(10 * RtcRig.Second);
        Assert.Equal(0x58, _rig.Get(RtcRig.Seconds));
        Assert.Equal(0, _rig.Get(RtcRig.C) & 0x50);   // neither periodic nor update flags
        _rig.Set(RtcRig.A, 0x26);
        _rig.RunTo(10 * RtcRig.Second + 500 * RtcRig.Millisecond - 1);
        Assert.Equal(0x58, _rig.Get(RtcRig.Seconds));
        _rig.RunTo(10 * RtcRig.Second + 500 * RtcRig.Millisecond);
        Assert.Equal(0x59, _rig.Get(RtcRig.Seconds));
    }

    [Fact]
    public void Register_d_always_reads_vrt_and_c_and_d_ignore_writes()
    {
        _rig.Set(RtcRig.D, 0x00);
        _rig.Set(RtcRig.C, 0xF0);
        Assert.Equal(0x80, _rig.Get(RtcRig.D));
        Assert.Equal(0x00, _rig.Get(RtcRig.C));
        _rig.Set(RtcRig.A, 0xA6);                     // UIP is read-only
        Assert.Equal(0x26, _rig.Get(RtcRig.A));
    }

    [Fact]
    public void Index_bit_7_masks_nmi_and_the_index_selects_cmos_ram()
    {
        _rig.Rtc.Write(0x70, 1, 0x80 | 0x40);
        Assert.True(_rig.Rtc.NmiMasked);
        _rig.Rtc.Write(0x71, 1, 0x5A);
        Assert.Equal(0x5A, _rig.Rtc.ReadNvram(0x40));
        _rig.Rtc.Write(0x70, 1, 0x40);
        Assert.False(_rig.Rtc.NmiMasked);
        Assert.Equal(0x5Au, _rig.Rtc.Read(0x71, 1));
        Assert.Equal(0xFFu, _rig.Rtc.Read(0x70, 1));
    }

    [Fact]
    public void Linux_set_time_sequence_with_divider_reset_starts_the_new_time_half_a_second_later()
    {
        // drivers/rtc/rtc-mc146818-lib.c: B |= SET; A |= DV reset; write the time; restore B; restore A.
        _rig.RunTo(100 * RtcRig.Millisecond);
        byte control = _rig.Get(RtcRig.B);
        _rig.Set(RtcRig.B, (byte)(control | 0x80));
        byte freqSelect = _rig.Get(RtcRig.A);
        _rig.Set(RtcRig.A, (byte)(freqSelect | 0x70));
        // 2024-12-31 23:59:59
        _rig.Set(RtcRig.Year, 0x24);
        _rig.Set(RtcRig.Month, 0x12);
        _rig.Set(RtcRig.Day, 0x31);
        _rig.Set(RtcRig.Hours, 0x23);
        _rig.Set(RtcRig.Minutes, 0x59);
        _rig.Set(RtcRig.Seconds, 0x59);
        _rig.Set(RtcRig.B, control);
        _rig.RunTo(3 * RtcRig.Second);                    // the divider is still in reset
        _rig.Set(RtcRig.A, freqSelect);
        Assert.Equal(0x59, _rig.Get(RtcRig.Seconds));
        _rig.RunTo(3 * RtcRig.Second + 500 * RtcRig.Millisecond - 1);
        Assert.Equal(0x59, _rig.Get(RtcRig.Seconds));
        _rig.RunTo(3 * RtcRig.Second + 500 * RtcRig.Millisecond);
        Assert.Equal(new byte[] { 0x00, 0x00, 0x00, 0x04, 0x01, 0x01, 0x25, 0x20 }, _rig.ReadTime()); // Wed 1 Jan 2025
    }

    [Fact]
    public void Changing_the_data_mode_without_set_shows_the_time_in_the_new_mode_even_in_divider_reset()
    {
        _rig.Set(RtcRig.A, 0x76);
        _rig.Set(RtcRig.B, 0x06);                         // binary
        Assert.Equal(58, _rig.Get(RtcRig.Seconds));
        _rig.Set(RtcRig.Minutes, 10);                     // no SET: taken at once
        _rig.Set(RtcRig.B, 0x02);                         // back to BCD
        Assert.Equal(0x10, _rig.Get(RtcRig.Minutes));
        Assert.Equal(0x58, _rig.Get(RtcRig.Seconds));
    }
}
