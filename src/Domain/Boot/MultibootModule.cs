namespace HexEmu.Domain.Boot;

/// <summary>
/// A boot module: its bytes and the command line the kernel reads for it. QEMU passes the whole
/// -initrd item as that command line, file name included ("/tmp/m1 x y"); see <see cref="ModuleSpec"/>.
/// </summary>
public sealed record MultibootModule(ReadOnlyMemory<byte> Image, string CommandLine);

/// <summary>One item of a qemu -initrd list: the file to read and the module's command line.</summary>
public sealed record ModuleSpec(string Path, string CommandLine)
{
    /// <summary>
    /// Splits an -initrd value as QEMU does for Multiboot: items are separated by ',', a doubled
    /// ",," stands for a literal comma, a trailing separator ends the list. Within an item the
    /// file name runs to the first space; the whole item (file name and arguments) becomes the
    /// module's command line.
    /// </summary>
    public static IReadOnlyList<ModuleSpec> ParseList(string initrd)
    {
        var specs = new List<ModuleSpec>();
        var item = new System.Text.StringBuilder();
        int i = 0;
        while (i < initrd.Length)
        {
            item.Clear();
            while (i < initrd.Length)
            {
                if (initrd[i] == ',')
                {
                    if (i + 1 < initrd.Length && initrd[i + 1] == ',') { item.Append(','); i += 2; continue; }
                    break;
                }
                item.Append(initrd[i++]);
            }
            i++; // the separator
            string commandLine = item.ToString();
            int space = commandLine.IndexOf(' ');
            specs.Add(new ModuleSpec(space < 0 ? commandLine : commandLine[..space], commandLine));
        }
        return specs;
    }
}
