using HexEmu.Application.Monitor;

namespace HexEmu.Application.Tests.Monitor;

/// <summary>x and xp beyond the main captured session: characters, signed units, paging, limits.</summary>
public class MemoryDumpTests
{
    private readonly FakeMonitorTarget _target = new();

    /// <summary>
    /// A ROM of our own with the bytes QEMU's character format escapes (nasm, bits 16, org 0, zero fill):
    /// <c>start: hlt / jmp start / db "'", 0x5c, 13, 10, 9, 0, 0x7f, 0x80, ' ', '~', '"', 0x1b, 7, 'A', 0x20, 0x1f</c>,
    /// run as <c>qemu-system-i386 -bios esc.rom -display none -monitor stdio</c>, these commands in order.
    /// </summary>
    private const string EscapeSession = """
        >>> xp /16cb 0xf0003
        00000000000f0003: '\'' '\\' '\r' '\n' '\x09' '\x00' '\x7f' '\x80'
        00000000000f000b: ' ' '~' '"' '\x1b' '\x07' 'A' ' ' '\x1f'
        >>> xp /32cw 0xf0003
        00000000000f0003: '\'' '\\' '\r' '\n' '\x09' '\x00' '\x7f' '\x80' ' ' '~' '"' '\x1b' '\x07' 'A' ' ' '\x1f'
        00000000000f0013: '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00'
        00000000000f0023: '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00'
        00000000000f0033: '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00'
        00000000000f0043: '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00'
        00000000000f0053: '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00'
        00000000000f0063: '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00'
        00000000000f0073: '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00' '\x00'
        >>> x /16db 0xf0003
        000f0003:  39  92  13  10   9   0 127 128
        000f000b:  32 126  34  27   7  65  32  31
        >>> x /8dh 0xf0003
        000f0003: 23591  2573     9 32895 32288  6946 16647  7968
        >>> x /3dw 0xf0003
        000f0003:  168647719 2155806729  455245344
        >>> x /2dg 0xf0003
        000f0003: -9187624675989169113  2242864113206328864
        >>> x /2c 0xf0003
        000f0003: '\'' '\\' '\r' '\n' '\x09' '\x00' '\x7f' '\x80' ' ' '~' '"' '\x1b' '\x07' 'A' ' ' '\x1f'
        """;

    [Fact]
    public void CharactersAndSignedUnitsPrintAsInQemu()
    {
        _target.LoadRom(
            [0xf4, 0xeb, 0xfd, 0x27, 0x5c, 0x0d, 0x0a, 0x09, 0x00, 0x7f, 0x80, 0x20, 0x7e, 0x22, 0x1b, 0x07, 0x41, 0x20, 0x1f],
            fill: 0);
        Transcript.Replay(new MonitorInterpreter(_target), EscapeSession);
    }

    [Fact]
    public void XTranslatesThroughPaging()
    {
        _target.PageMap = new() { [0x400] = 0x1, [0x401] = 0x2 };
        _target.PokeRam(0x1000, 0x78, 0x56, 0x34, 0x12);
        _target.PokeRam(0x2000, 0xAA);
        var monitor = new MonitorInterpreter(_target);

        Assert.Equal("00400000: 0x12345678\n", monitor.Execute("x /x 0x400000"));
        Assert.Equal("00400ffc: 0x00000000 0x000000aa\n", monitor.Execute("x /2x 0x400ffc"));
        // Unmapped: QEMU's text for a failed debug translation.
        Assert.Equal("00402000: Cannot access memory\n", monitor.Execute("x /x 0x402000"));
        // A line is read at once, so a line reaching into an unmapped page fails as a whole (as in QEMU).
        Assert.Equal("00401ff8: Cannot access memory\n", monitor.Execute("x /4x 0x401ff8"));
        // xp ignores paging.
        Assert.Equal("0000000000001000: 0x12345678\n", monitor.Execute("xp /x 0x1000"));
    }

    [Fact]
    public void XTruncatesTheAddressTo32Bits()
    {
        // QEMU: "x /4x 0xfffffffffffffff8" prints "fffffff8: ..." (xp keeps all 64 bits).
        _target.LoadRomTail(SpinRom.ResetVector);
        Assert.Equal("000ffff0: 0x000000ea\n", new MonitorInterpreter(_target).Execute("x /x 0x1000ffff0"));
    }

    /// <summary>
    /// QEMU sign-extends x's address (a target_long) before translating it, so with paging off every x at
    /// or above 0x80000000 answers "Cannot access memory" there, even on the BIOS ROM. HexEmu reads the
    /// linear address as the CPU would.
    /// </summary>
    [Fact]
    public void XReadsHighLinearAddressesThatQemuSignExtends()
    {
        _target.LoadRomTail(SpinRom.ResetVector);
        Assert.Equal("fffffff0: 0x000000ea 0xfffffff0\n", new MonitorInterpreter(_target).Execute("x /2x 0xfffffff0"));
    }

    [Fact]
    public void HugeCountsAreRefusedRatherThanFloodingTheOutput()
    {
        var monitor = new MonitorInterpreter(_target);
        Assert.Equal("count too large (at most 65536)\nTry \"help x\" for more information\n", monitor.Execute("x /65537x 0"));
        Assert.Equal("count too large (at most 65536)\nTry \"help xp\" for more information\n", monitor.Execute("xp /99999999999999999999x 0"));
        Assert.Equal(4096, monitor.Execute("xp /65536xb 0").Count(c => c == '\n') / 2);
    }

    [Fact]
    public void RegistersAreSignExtendedAsQemuTargetLongs()
    {
        // $eax = 0x80000000 is -2^31 in QEMU's expression arithmetic: xp sees 0xffffffff80000000.
        _target.Registers[MonitorRegister.Eax] = 0x80000000;
        var monitor = new MonitorInterpreter(_target);
        Assert.Equal("ffffffff80000000: Cannot access memory\n", monitor.Execute("xp /x $eax"));
        Assert.Equal("0000000080000000: Cannot access memory\n", monitor.Execute("xp /x $eax & 0xffffffff"));
    }

    [Fact]
    public void PcIsCodeSegmentBasePlusEip()
    {
        _target.Registers[MonitorRegister.CsBase] = 0xF0000;
        _target.Registers[MonitorRegister.Eip] = 0x10;
        _target.LoadRom(SpinRom.Image);
        Assert.Equal("000f0010: 0xf7\n", new MonitorInterpreter(_target).Execute("x /xb $pc"));
    }

    [Fact]
    public void AFailingTargetBecomesAnErrorLine()
    {
        var monitor = new MonitorInterpreter(new ThrowingTarget());
        Assert.Equal("0000000000000000:\nError: machine fell over\n", monitor.Execute("xp /x 0"));
        Assert.Equal("Error: machine fell over\n", monitor.Execute("info registers"));
    }

    private sealed class ThrowingTarget : IMonitorTarget
    {
        public MonitorRunState RunState => MonitorRunState.Running;
        public long CpuThreadId => 1;
        public int CodeBitness => 16;
        public IReadOnlyList<MtreeAddressSpace> MemoryTree => [];
        public IReadOnlyList<MonitorChardevInfo> Chardevs => [];
        public IReadOnlyList<MonitorBlockInfo> BlockDevices => [];
        public string Version => "0.1.0";
        public void Stop() { }
        public void Continue() { }
        public void SystemReset() { }
        public void RequestQuit() { }
        public string DumpRegisters() => throw new InvalidOperationException("machine fell over");
        public uint ReadRegister(MonitorRegister register) => 0;
        public bool TryReadPhysical(ulong address, Span<byte> destination) => throw new InvalidOperationException("machine fell over");
        public bool TryReadVirtual(uint address, Span<byte> destination) => throw new InvalidOperationException("machine fell over");
    }
}
