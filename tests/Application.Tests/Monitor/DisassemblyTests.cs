using HexEmu.Application.Monitor;

namespace HexEmu.Application.Tests.Monitor;

/// <summary>
/// `x /i` and `xp /i` against QEMU 7.2 (capstone, AT&amp;T syntax), on a ROM of our own:
/// <code>
/// start: hlt
///        jmp start
///        mov dword [0x1234], 0x12345678      ; 9 bytes: the ninth goes on a line of its own
///        db 0x0f, 0x0b                       ; ud2
///        db 0x0f, 0xff                       ; ud0
///        mov eax, [ebx+ecx*4+0x12345678]
///        int 3                               ; nasm: cd 03
///        jmp 0xf000:0
///        call start
///        ret
/// </code>
/// assembled with nasm -f bin (bits 16, org 0) and run as
/// <c>qemu-system-i386 -bios dis.rom -display none -monitor stdio</c>.
/// </summary>
public class DisassemblyTests
{
    private static readonly byte[] Code =
    [
        0xf4, 0xeb, 0xfd, 0x66, 0xc7, 0x06, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 0x0f, 0x0b, 0x0f, 0xff,
        0x66, 0x67, 0x8b, 0x84, 0x8b, 0x78, 0x56, 0x34, 0x12, 0xcd, 0x03, 0xea, 0x00, 0x00, 0x00, 0xf0,
        0xe8, 0xdd, 0xff, 0xc3,
    ];

    private readonly FakeMonitorTarget _target = new();
    private readonly MonitorInterpreter _monitor;

    public DisassemblyTests()
    {
        _target.LoadRom(Code);
        _monitor = new MonitorInterpreter(_target);
    }

    [Fact]
    public void InstructionsLineUpAsInQemu()
    {
        // "x /9i 0xf0000" (CPU in real mode).
        const string qemu = """
            0x000f0000:  f4                       hlt      
            0x000f0001:  eb fd                    jmp      0
            0x000f0003:  66 c7 06 34 12 78 56 34  movl     $0x12345678, 0x1234
            0x000f000b:  12
            0x000f000c:  0f 0b                    ud2      
            0x000f000e:  0f ff                    ud0      
            0x000f0010:  66 67 8b 84 8b 78 56 34  movl     0x12345678(%ebx, %ecx, 4), %eax
            0x000f0018:  12
            0x000f0019:  cd 03                    int      $3
            0x000f001b:  ea 00 00 00 f0           ljmpw    $0xf000:$0x0
            0x000f0020:  e8 dd ff                 callw    0

            """;
        Assert.Equal(qemu, _monitor.Execute("x /9i 0xf0000"));
    }

    [Fact]
    public void PhysicalDisassemblyUsesTheSameLayout()
    {
        // "xp /i 0xf0003"
        const string qemu = """
            0x000f0003:  66 c7 06 34 12 78 56 34  movl     $0x12345678, 0x1234
            0x000f000b:  12

            """;
        Assert.Equal(qemu, _monitor.Execute("xp /i 0xf0003"));
    }

    [Fact]
    public void UnreadableMemoryEndsTheListing()
    {
        // "xp /2i 0x7fffffe" and "x /2i 0x7fffffe" (RAM ends at 128 MiB), "x /2i 0x10000000".
        const string qemu = """
            0x07fffffe:  00 00                    addb     %al, (%bx, %si)
            0x08000000: unable to read memory

            """;
        Assert.Equal(qemu, _monitor.Execute("xp /2i 0x7fffffe"));
        Assert.Equal(qemu, _monitor.Execute("x /2i 0x7fffffe"));
        Assert.Equal("0x10000000: unable to read memory\n", _monitor.Execute("x /2i 0x10000000"));
        Assert.Equal("0x10000000: unable to read memory\n", _monitor.Execute("xp /2i 0x10000000"));
    }

    [Fact]
    public void TheSizeLetterDoesNotChangeTheCodeSize()
    {
        // "x /3iw 0xf0000", "x /3ib 0xf0000": still 16-bit code, as the CPU is in real mode.
        string expected = _monitor.Execute("x /2i 0xf0000");
        Assert.Equal(expected, _monitor.Execute("x /2iw 0xf0000"));
        Assert.Equal(expected, _monitor.Execute("x /2ib 0xf0000"));
    }

    [Fact]
    public void ThirtyTwoBitCodeDecodesWithTheCurrentCodeSize()
    {
        _target.CodeBitness = 32;
        // The same bytes as 32-bit code: 66 c7 06 34 12 is "mov word [esi], 0x1234".
        Assert.StartsWith("0x000f0003:  66 c7 06 34 12           movw     $0x1234, (%esi)\n", _monitor.Execute("x /i 0xf0003"));
    }

    [Fact]
    public void IRemembersTheFormatButNotTheSize()
    {
        // "x /i 0xf0000" then "x 0xf0000" disassembles again; "x /x" afterwards goes back to the last size.
        _monitor.Execute("xp /1xb 0");
        Assert.Equal("0x000f0000:  f4                       hlt      \n", _monitor.Execute("x /i 0xf0000"));
        Assert.Equal("0x000f0000:  f4                       hlt      \n", _monitor.Execute("x 0xf0000"));
        Assert.Equal("000f0000: 0xf4\n", _monitor.Execute("x /x 0xf0000"));
    }

    [Fact]
    public void UndecodableBytesPrintAsByteDirectives()
    {
        // "x /3i 0xffff0" past the reset vector's far jump: capstone prints ".byte 0xff" for each 0xff.
        _target.LoadRomTail(SpinRom.ResetVector);
        const string qemu = """
            0x000ffff0:  ea 00 00 00 f0           ljmpw    $0xf000:$0x0
            0x000ffff5:  ff                       .byte    0xff
            0x000ffff6:  ff                       .byte    0xff

            """;
        Assert.Equal(qemu, _monitor.Execute("xp /3i 0xffff0"));
    }
}
