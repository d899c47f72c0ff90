namespace HexEmu.Domain.Diagnostics;

/// <summary>What `-d ITEMS` asks to log, as QEMU names the items.</summary>
[Flags]
public enum LogItems
{
    None = 0,
    /// <summary>in_asm: the guest code of each block when it is first decoded.</summary>
    InAsm = 1 << 0,
    /// <summary>int: every interrupt and exception delivered.</summary>
    Int = 1 << 1,
    /// <summary>exec: every block executed.</summary>
    Exec = 1 << 2,
    /// <summary>cpu: the CPU state before each block executed.</summary>
    Cpu = 1 << 3,
    /// <summary>guest_errors: the guest did something invalid (an unmapped port, a bad device command).</summary>
    GuestErrors = 1 << 4,
    /// <summary>unimp: the guest used a device feature HexEmu does not implement.</summary>
    Unimp = 1 << 5,
    /// <summary>pcall: protected-mode far calls through gates and task switches.</summary>
    Pcall = 1 << 6,
}
