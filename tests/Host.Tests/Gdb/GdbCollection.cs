namespace HexEmu.Host.Tests.Gdb;

/// <summary>
/// The gdb end-to-end tests run one after another: each drives two processes (an emulator and
/// gdb), and some bound their total time, which a machine busy with the other classes' runs
/// would stretch.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GdbCollection
{
    public const string Name = "gdb end-to-end";
}
