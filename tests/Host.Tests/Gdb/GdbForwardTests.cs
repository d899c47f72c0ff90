using System.Globalization;
using System.Text.RegularExpressions;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// Real gdb debugging gdbguest.elf forwards: what every gdb stub of ours must do exactly as
/// qemu-system-i386 does. The expectations come from the guest's source (values, tagged lines)
/// and from objdump's reading of the ELF file (addresses), never from a run. Run against
/// qemu-system-i386 (<see cref="GdbHarnessOracleTests"/>: proves the harness and the guest) and
/// against hexemu replaying a recording (<see cref="GdbReplayForwardTests"/>).
/// </summary>
public abstract partial class GdbForwardTests
{
    protected static GuestCode Code => GuestCode.Guest;

    /// <summary>A fresh target paused at the guest's start (a short run).</summary>
    protected abstract GdbTarget StartTarget();

    /// <summary>A fresh target paused at the start of a run that lasts seconds, not milliseconds.</summary>
    protected abstract GdbTarget StartLongTarget();

    /// <summary>As <see cref="StartTarget"/>, its stub on "-gdb tcp::PORT" (a free port) instead of a unix socket.</summary>
    protected abstract GdbTarget StartTcpTarget();

    /// <summary>Commands that stop at the entry of step(<paramref name="x"/>), after its prologue, breakpoint 1 still set.</summary>
    protected static GdbScript StopAtStep(int x) => StopAt("step", x);

    /// <summary>Stops at the (x + 1)-th hit of a breakpoint at <paramref name="location"/> (breakpoint 1, still set).</summary>
    protected static GdbScript StopAt(string location, int hitsToSkip)
    {
        var script = new GdbScript().Run($"break {location}");
        if (hitsToSkip > 0) script.Run($"ignore 1 {hitsToSkip}");
        return script.Run("continue");
    }

    /// <summary>The address where gdb's `break step` stops: the first instruction of step's first body line.</summary>
    protected static uint StepBodyStart => Code.OfLine(GdbGuest.Line("step-call"))[0].Address;

    [Fact]
    public void Stepi_ten_times_walks_the_instructions_of_step_into_square()
    {
        using var target = StartTarget();
        var script = StopAtStep(5).ProbePc("start");
        for (int n = 0; n < 10; n++) script.Run("stepi").ProbePc();

        var gdb = target.CleanGdb(script);

        Assert.Equal(StepBodyStart, gdb.HexValue("start"));
        Assert.Equal(Code.StraightLinePath(StepBodyStart, 10), gdb.HexValues("pc"));
    }

    [Fact]
    public void Gdb_debugs_over_tcp_as_over_a_unix_socket()
    {
        using var target = StartTcpTarget();

        var gdb = target.CleanGdb(StopAtStep(2).ProbeWhere().ProbeInt("x", "x").ProbeInt("counter", "counter"));

        Assert.Equal(new GdbResult.Where(StepBodyStart, "step", GdbGuest.Line("step-call")), Assert.Single(gdb.Wheres()));
        Assert.Equal(2, gdb.IntValue("x"));
        Assert.Equal(GdbGuest.CounterOnEntryToStep(2), gdb.IntValue("counter"));
    }

    [Fact]
    public void Breakpoints_at_three_addresses_are_hit_in_execution_order()
    {
        var path = Code.StraightLinePath(StepBodyStart, 10);
        uint[] expected = [path[2], path[5], path[8]];
        using var target = StartTarget();
        var script = StopAtStep(5).Run("delete");
        foreach (uint address in (uint[])[expected[2], expected[0], expected[1]]) script.Run($"break *{GdbScript.Hex(address)}");
        script.Section("hits");
        for (int n = 0; n < 3; n++) script.Run("continue").ProbePc("hit");

        var gdb = target.CleanGdb(script);

        Assert.Equal(expected, gdb.HexValues("hit"));
        Assert.Equal(3, BreakpointHits().Matches(gdb.From("hits")).Count);
    }

    [Fact]
    public void Watchpoint_on_counter_stops_after_the_write_with_old_and_new_values()
    {
        using var target = StartTarget();
        var script = StopAtStep(5).Run("delete", "watch counter").Section("watch").Run("continue")
            .ProbeWhere().ProbeInt("counter", "counter").ProbeInt("i", "i");

        var gdb = target.CleanGdb(script);

        // Iteration 5 writes counter = 6 over the 5 of iteration 4; x86 reports a write after it.
        string watch = gdb.Section("watch");
        Assert.Contains("Hardware watchpoint 2: counter", watch);
        Assert.Contains("Old value = 5\nNew value = 6\n", watch);
        var where = Assert.Single(gdb.Wheres());
        Assert.Equal(("kmain", GdbGuest.Line("main-after-counter")), (where.Function, where.Line));
        Assert.Equal(Code.OfLine(GdbGuest.Line("main-after-counter"))[0].Address, where.Pc);
        Assert.Equal(6, gdb.IntValue("counter"));
        Assert.Equal(5, gdb.IntValue("i"));
    }

    [Fact]
    public void Finish_out_of_square_returns_to_step_with_the_square()
    {
        using var target = StartTarget();
        var script = StopAt("square", 5).Run("delete").Section("finish").Run("finish").ProbeWhere().ProbeInt("x", "x");

        var gdb = target.CleanGdb(script);

        string finish = gdb.Section("finish");
        Assert.Contains($"Value returned is $1 = {GdbGuest.Square(5)}", finish);
        var where = Assert.Single(gdb.Wheres());
        Assert.Equal(new GdbResult.Where(Code.ReturnAddress("step", "square"), "step", GdbGuest.Line("step-call")), where);
        Assert.Equal(5, gdb.IntValue("x"));
    }

    [Fact]
    public void Next_steps_over_the_call_line_and_then_over_the_write_of_counter()
    {
        using var target = StartTarget();
        var script = StopAt(GdbGuest.At("main-call"), 5).Run("delete")
            .ProbeWhere().Run("next").ProbeWhere().ProbeInt("value", "value").ProbeInt("counter", "counter")
            .Run("next", "next").ProbeWhere().ProbeInt("counter", "counter");

        var gdb = target.CleanGdb(script);

        var wheres = gdb.Wheres();
        Assert.Equal(3, wheres.Count);
        Assert.Equal(new GdbResult.Where(Code.OfLine(GdbGuest.Line("main-call"))[0].Address, "kmain", GdbGuest.Line("main-call")), wheres[0]);
        Assert.Equal(new GdbResult.Where(Code.OfLine(GdbGuest.Line("main-after"))[0].Address, "kmain", GdbGuest.Line("main-after")), wheres[1]);
        Assert.Equal(("kmain", GdbGuest.Line("main-after-counter")), (wheres[2].Function, wheres[2].Line));
        Assert.Equal(GdbGuest.Step(5), gdb.IntValue("value"));
        Assert.Equal([5, 6], gdb.IntValues("counter"));
    }

    [Fact]
    public void Monitor_info_registers_shows_the_registers_gdb_sees()
    {
        using var target = StartTarget();
        var script = StopAtStep(5).Probe("regs", "%08x %08x %08x %08x", "$pc", "$esp", "$ebp", "$eax")
            .Monitor("monitor", "info registers");

        var gdb = target.CleanGdb(script);

        var regs = gdb.Value("regs").Split(' ');
        string monitor = gdb.Section("monitor");
        Assert.Equal(StepBodyStart.ToString("x8", CultureInfo.InvariantCulture), regs[0]);
        Assert.Equal(regs[0], Register(monitor, "EIP"));
        Assert.Equal(regs[1], Register(monitor, "ESP"));
        Assert.Equal(regs[2], Register(monitor, "EBP"));
        Assert.Equal(regs[3], Register(monitor, "EAX"));
        Assert.Matches(@"CS =0008 ", monitor); // the guest's flat code segment (lib/cpu.c)
    }

    [Fact]
    public void Gdb_reconnects_after_a_disconnect_and_finds_the_machine_where_it_left_it_or_further()
    {
        using var target = StartLongTarget();
        var first = target.CleanGdb(StopAtStep(7).ProbeInt("counter", "counter").Run("delete", "disconnect"));
        Assert.Equal(GdbGuest.CounterOnEntryToStep(7), first.IntValue("counter"));

        var second = target.CleanGdb(new GdbScript().ProbeInt("counter", "counter")
            .Run("break step", "continue").ProbeInt("x", "x").ProbeInt("counter", "counter"));

        // Paused since (QEMU) or run on while gdb was away: never behind, and still consistent.
        var counters = second.IntValues("counter");
        Assert.Equal(2, counters.Count);
        Assert.True(counters[0] >= 7, $"the machine went back: counter {counters[0]} after the reconnect, 7 before\n{second.Transcript}");
        int x = second.IntValue("x");
        Assert.True(x >= 7, $"step({x}) after the reconnect, step(7) before\n{second.Transcript}");
        Assert.Equal(GdbGuest.CounterOnEntryToStep(x), counters[1]);
    }

    [Fact]
    public void Fifty_continues_in_one_session_stop_at_fifty_successive_iterations()
    {
        using var target = StartTarget();
        var script = new GdbScript().Run("break step");
        for (int n = 0; n < 50; n++) script.Run("continue").ProbeInt("x", "x");

        var gdb = target.CleanGdb(script, TimeSpan.FromSeconds(60));

        Assert.Equal(Enumerable.Range(0, 50), gdb.IntValues("x"));
    }

    /// <summary>One register's value in `info registers` (HMP) output, e.g. "EIP=0020083a".</summary>
    protected static string Register(string infoRegisters, string name)
    {
        var m = Regex.Match(infoRegisters, $@"\b{name}=([0-9a-f]{{8}})\b");
        Assert.True(m.Success, $"no {name}= in:\n{infoRegisters}");
        return m.Groups[1].Value;
    }

    [GeneratedRegex(@"(?m)^Breakpoint \d+, ")]
    protected static partial Regex BreakpointHits();
}
