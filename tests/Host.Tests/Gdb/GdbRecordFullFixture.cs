using System.Text.RegularExpressions;

namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// What gdb needs to record a guest under QEMU: gdb implements `record full` for i386 only with
/// the GNU/Linux OS ABI, which it enables only if the target description has the
/// org.gnu.gdb.i386.linux feature (the orig_eax register). QEMU's description lacks it, so this
/// fixture asks gdb for QEMU's description once (`maint print xml-tdesc`), adds that feature
/// with orig_eax after the last register (QEMU's `g` packet then simply leaves it unavailable),
/// and gdb loads the result before connecting. Generated at run time from the installed QEMU.
/// </summary>
public sealed partial class GdbRecordFullFixture : IDisposable
{
    private readonly Lazy<IReadOnlyList<string>> _settings;

    public GdbRecordFullFixture()
    {
        _settings = new(() =>
        {
            string path = Path.Combine(Runs.Root, "qemu-i386-linux.xml");
            File.WriteAllText(path, LinuxDescription(QemuDescription()));
            // Software watchpoints: record-full checks them itself at every replayed step.
            return ["set osabi GNU/Linux", $"set tdesc filename {path}", "set can-use-hw-watchpoints 0"];
        });
    }

    public GdbGuestRuns Runs { get; } = new();

    /// <summary>gdb settings to run before connecting to a QEMU target to be recorded.</summary>
    public IReadOnlyList<string> RecordFullSettings => _settings.Value;

    private string QemuDescription()
    {
        using var qemu = Runs.StartQemu(GdbGuest.ShortIterations);
        var gdb = qemu.CleanGdb(new GdbScript().Run("maint print xml-tdesc"));
        var m = Description().Match(gdb.Stdout);
        Assert.True(m.Success, $"gdb printed no target description:\n{gdb.Transcript}");
        return m.Value;
    }

    private static string LinuxDescription(string description)
    {
        int next = RegisterNumber().Matches(description).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Max() + 1;
        string linux = $"  <feature name=\"org.gnu.gdb.i386.linux\">\n    <reg name=\"orig_eax\" bitsize=\"32\" type=\"int\" regnum=\"{next}\"/>\n  </feature>\n";
        return description.Replace("</target>", linux + "</target>", StringComparison.Ordinal);
    }

    public void Dispose() => Runs.Dispose();

    [GeneratedRegex(@"<\?xml.*?</target>", RegexOptions.Singleline)]
    private static partial Regex Description();

    [GeneratedRegex(@"regnum=""(\d+)""")]
    private static partial Regex RegisterNumber();
}
