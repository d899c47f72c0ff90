using HexEmu.Domain.Diagnostics;

namespace HexEmu.Host.Cli;

public static partial class QemuCommandLine
{
    /// <summary>The -d items HexEmu logs, in QEMU's order, with what each shows.</summary>
    internal static readonly (string Name, LogItems Item, string Description)[] LogItemTable =
    [
        ("in_asm", LogItems.InAsm, "show target assembly code for each decoded block"),
        ("int", LogItems.Int, "show interrupts/exceptions in short format"),
        ("exec", LogItems.Exec, "show trace before each executed block (lots of logs)"),
        ("cpu", LogItems.Cpu, "show CPU registers before entering a block (lots of logs)"),
        ("pcall", LogItems.Pcall, "x86 only: show protected mode far calls/returns/exceptions"),
        ("guest_errors", LogItems.GuestErrors, "log when the guest OS does something invalid (eg accessing a non-existent register)"),
        ("unimp", LogItems.Unimp, "log unimplemented functionality"),
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
