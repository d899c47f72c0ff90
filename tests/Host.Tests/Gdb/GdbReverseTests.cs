namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// Real gdb debugging gdbguest.elf backwards (issue 6, "Done means"). Expectations come from the
/// guest's source and objdump; what gdb prints for reverse execution is gdb's own behaviour, the
/// same whoever goes back: a reverse-continue onto a watched write stops before the write and
/// shows "Old value" as the later and "New value" as the earlier value; reverse-finish stops at
/// the call instruction; the edges of history read "No more reverse-execution history.". Run
/// against hexemu replaying a recording (<see cref="GdbReverseReplayTests"/>, the stub goes
/// back) and, as the oracle, against qemu-system-i386 with gdb's own `record full` going back
/// (<see cref="GdbReverseRecordFullOracleTests"/>).
/// </summary>
public abstract class GdbReverseTests
{
    protected const string NoMoreHistory = "No more reverse-execution history.";

    protected static GuestCode Code => GuestCode.Guest;

    private static uint StepBodyStart => Code.OfLine(GdbGuest.Line("step-call"))[0].Address;

    /// <summary>A fresh target paused at the guest's start.</summary>
    protected abstract GdbTarget StartReplay();

    /// <summary>
    /// Commands that stop at the (<paramref name="hitsToSkip"/> + 1)-th hit of a breakpoint at
    /// <paramref name="location"/>, with history behind that reaching back at least to the loop's start.
    /// </summary>
    protected abstract GdbScript StopAt(string location, int hitsToSkip);

    /// <summary>pc, esp and eax on one probe line: a position's fingerprint.</summary>
    private static GdbScript ProbeState(GdbScript script, string label) => script.Probe(label, "%08x %08x %08x", "$pc", "$esp", "$eax");

    [Fact]
    public void Reverse_stepi_ten_times_visits_the_stepped_positions_backwards_and_stepi_visits_them_again()
    {
        using var target = StartReplay();
        var script = ProbeState(StopAt("step", 5), "start");
        for (int n = 0; n < 10; n++) ProbeState(script.Run("stepi"), "forward");
        for (int n = 0; n < 10; n++) ProbeState(script.Run("reverse-stepi"), "back");
        for (int n = 0; n < 10; n++) ProbeState(script.Run("stepi"), "again");

        var gdb = target.CleanGdb(script);

        var forward = gdb.Values("forward");
        Assert.Equal(Code.StraightLinePath(StepBodyStart, 10), forward.Select(Pc));
        // Back from the tenth position: the ninth, …, the first, then where the steps began.
        string[] expectedBack = [.. forward.Take(9).Reverse(), gdb.Value("start")];
        Assert.Equal(expectedBack, gdb.Values("back"));
        Assert.Equal(forward, gdb.Values("again"));
    }

    [Fact]
    public void Breakpoints_at_stepped_addresses_are_hit_in_reverse_order_by_reverse_continue()
    {
        var path = Code.StraightLinePath(StepBodyStart, 10);
        using var target = StartReplay();
        var script = StopAt("step", 5);
        for (int n = 0; n < 10; n++) script.Run("stepi");
        script.Run("delete");
        foreach (int k in (int[])[5, 2, 8]) script.Run($"break *{GdbScript.Hex(path[k])}");
        for (int n = 0; n < 4; n++) script.Run("reverse-continue").ProbePc("hit").ProbeInt("x", "x");

        var gdb = target.CleanGdb(script);

        // Three hits back through this call of square(5), then the last one of the call before, square(4).
        Assert.Equal([path[8], path[5], path[2], path[8]], gdb.HexValues("hit"));
        Assert.Equal([5, 5, 5, 4], gdb.IntValues("x"));
    }

    [Fact]
    public void Reverse_continue_with_no_earlier_hit_reports_no_more_history_and_cannot_go_further_back()
    {
        using var target = StartReplay();
        var script = StopAt("step", 5).Run("delete", "break loop_ended")
            .Section("back").Run("reverse-continue").ProbePc("edge")
            .Section("further").Run("reverse-stepi").ProbePc("edge");

        var gdb = target.CleanGdb(script);

        Assert.Contains(NoMoreHistory, gdb.Section("back"));
        Assert.Contains(NoMoreHistory, gdb.Section("further"));
        var edge = gdb.HexValues("edge");
        Assert.Equal(edge[0], edge[1]);
    }

    [Fact]
    public void Reverse_continue_finds_the_last_write_of_a_watched_variable_with_old_and_new_values()
    {
        uint store = Code.StoreTo("counter", GdbGuest.Line("main-counter"));
        using var target = StartReplay();
        var script = StopAt("step", 5).Run("delete", "watch counter");
        script.Section("back1").Run("reverse-continue").ProbeWhere().ProbeInt("counter", "counter").ProbeInt("i", "i");
        script.Section("back2").Run("reverse-continue").ProbeWhere().ProbeInt("counter", "counter").ProbeInt("i", "i");
        script.Section("forward").Run("continue").ProbeWhere().ProbeInt("counter", "counter").ProbeInt("i", "i");

        var gdb = target.CleanGdb(script);

        // In step(5), counter is 5: iteration 4 wrote it over 4, iteration 3 wrote 4 over 3.
        Assert.Contains("Old value = 5\nNew value = 4\n", gdb.Section("back1"));
        Assert.Contains("Old value = 4\nNew value = 3\n", gdb.Section("back2"));
        Assert.Contains("Old value = 3\nNew value = 4\n", gdb.Section("forward"));
        var wheres = gdb.Wheres();
        int counterLine = GdbGuest.Line("main-counter");
        Assert.Equal(new GdbResult.Where(store, "kmain", counterLine), wheres[0]); // before the write
        Assert.Equal(new GdbResult.Where(store, "kmain", counterLine), wheres[1]);
        Assert.Equal(new GdbResult.Where(Code.OfLine(GdbGuest.Line("main-after-counter"))[0].Address, "kmain",
            GdbGuest.Line("main-after-counter")), wheres[2]); // after it
        Assert.Equal([4, 3, 4], gdb.IntValues("counter"));
        Assert.Equal([4, 3, 3], gdb.IntValues("i"));
    }

    [Fact]
    public void Reverse_finish_goes_back_to_the_call_instruction_in_each_caller()
    {
        using var target = StartReplay();
        var script = StopAt("square", 5).Run("delete")
            .Run("reverse-finish").ProbeWhere().ProbeInt("x", "x")
            .Run("reverse-finish").ProbeWhere().ProbeInt("i", "i").ProbeInt("counter", "counter");

        var gdb = target.CleanGdb(script);

        var wheres = gdb.Wheres();
        Assert.Equal(new GdbResult.Where(Code.CallSite("step", "square"), "step", GdbGuest.Line("step-call")), wheres[0]);
        Assert.Equal(new GdbResult.Where(Code.CallSite("kmain", "step"), "kmain", GdbGuest.Line("main-call")), wheres[1]);
        Assert.Equal(5, gdb.IntValue("x"));
        Assert.Equal(5, gdb.IntValue("i"));
        Assert.Equal(5, gdb.IntValue("counter"));
    }

    [Fact]
    public void Reverse_next_steps_back_over_the_call_line_to_its_start()
    {
        using var target = StartReplay();
        var script = StopAt(GdbGuest.At("main-after"), 5).Run("delete").ProbeInt("value", "value")
            .Run("reverse-next").ProbeWhere().ProbeInt("i", "i").ProbeInt("counter", "counter")
            .Run("next").ProbeWhere().ProbeInt("value", "value");

        var gdb = target.CleanGdb(script);

        var wheres = gdb.Wheres();
        int call = GdbGuest.Line("main-call"), after = GdbGuest.Line("main-after");
        Assert.Equal(new GdbResult.Where(Code.OfLine(call)[0].Address, "kmain", call), wheres[0]);
        Assert.Equal(new GdbResult.Where(Code.OfLine(after)[0].Address, "kmain", after), wheres[1]);
        Assert.Equal(5, gdb.IntValue("i"));
        Assert.Equal(5, gdb.IntValue("counter"));
        Assert.Equal([GdbGuest.Step(5), GdbGuest.Step(5)], gdb.IntValues("value"));
    }

    [Fact]
    public void Fifty_rounds_of_reverse_continue_and_continue_finish_without_a_hang()
    {
        using var target = StartReplay();
        var script = StopAt("step", 100);
        var expected = new List<int>();
        for (int round = 0; round < 50; round++)
        {
            script.Run("reverse-continue").ProbeInt("x", "x").Run("reverse-continue").ProbeInt("x", "x").Run("continue").ProbeInt("x", "x");
            expected.AddRange([99 - round, 98 - round, 99 - round]); // two calls back, one forward: one call back a round
        }

        var gdb = target.CleanGdb(script, TimeSpan.FromSeconds(60));

        Assert.Equal(expected, gdb.IntValues("x"));
    }

    private static uint Pc(string state) => uint.Parse(state.Split(' ')[0], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

}
