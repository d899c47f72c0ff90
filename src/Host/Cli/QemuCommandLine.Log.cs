using HexEmu.Domain.Diagnostics;

namespace HexEmu.Host.Cli;

public static partial class QemuCommandLine
{
    /// <summary>The -d items HexEmu logs, in QEMU's order, with what each shows.</summary>
    internal static readonly (string Name, LogItems Item, string Description)[] LogItemTable =
    [
        ("in_asm", LogItems.InAsm, "disassemble each guest block when it is first decoded"),
        ("int", LogItems.Int, "one line per interrupt or exception delivered"),
        ("exec", LogItems.Exec, "one line per block executed (very verbose)"),
        ("cpu", LogItems.Cpu, "the registers before each block executed (very verbose)"),
        ("pcall", LogItems.Pcall, "far calls, returns and exceptions through protected-mode gates and task switches"),
        ("guest_errors", LogItems.GuestErrors, "guest mistakes: unmapped ports, invalid device commands"),
        ("unimp", LogItems.Unimp, "device features the guest used that HexEmu does not implement"),
    ];

    /// <summary>Items QEMU has that make no sense or are not implemented in HexEmu.</summary>
    private static readonly HashSet<string> UnsupportedLogItems =
        ["out_asm", "op", "op_opt", "op_ind", "fpu", "mmu", "nochain", "page", "strace", "tid", "plugin", "cpu_reset", "trace"];

    private static void ApplyLogItems(ParseState s, string value)
    {
        if (value is "help" or "?")
        {
            s.Options = s.Options with { Action = HostAction.ListLogItems };
            return;
        }
        // As QEMU: a comma-separated list, no escaping, later -d options replace earlier ones.
        LogItems items = LogItems.None;
        foreach (string name in value.Split(','))
        {
            var match = LogItemTable.FirstOrDefault(i => i.Name == name);
            if (match.Name is not null)
            {
                items |= match.Item;
                continue;
            }
            string kind = name.Split(':')[0];
            if (UnsupportedLogItems.Contains(kind))
                throw new CommandLineException($"-d {value}: log item '{name}' not supported by hexemu", HelpText.LogItems);
            throw new CommandLineException($"-d {value}: unknown log item '{name}'", HelpText.LogItems);
        }
        s.Options = s.Options with { LogItems = items };
    }
}
