using HexEmu.Application.Monitor;

namespace HexEmu.Application.Tests.Monitor;

/// <summary>
/// x and xp against a session captured from QEMU 7.2 with our spin ROM:
/// <c>qemu-system-i386 -bios tests/guests/spin.rom -display none -monitor stdio</c>, the commands below
/// typed in order (the CPU had run a few instructions before `stop`: EIP=0x11, EFLAGS=0x82, EDX=0x663).
/// QEMU's quirk of sign-extending x's 32-bit address (so that, with paging off, x fails at and above
/// 0x80000000) is left out on purpose; see <see cref="MemoryDumpTests.XReadsHighLinearAddressesThatQemuSignExtends"/>.
/// </summary>
public class QemuDumpSessionTests
{
    private const string Session = """
>>> stop
>>> info status
VM status: paused
>>> xp /4x 0xffff0
00000000000ffff0: 0x000000ea 0xfffffff0 0xffffffff 0xffffffff
>>> x /4x 0xffff0
000ffff0: 0x000000ea 0xfffffff0 0xffffffff 0xffffffff
>>> xp /8xb 0xffff0
00000000000ffff0: 0xea 0x00 0x00 0x00 0xf0 0xff 0xff 0xff
>>> xp /8xh 0xffff0
00000000000ffff0: 0x00ea 0x0000 0xfff0 0xffff 0xffff 0xffff 0xffff 0xffff
>>> xp /8xw 0xffff0
00000000000ffff0: 0x000000ea 0xfffffff0 0xffffffff 0xffffffff
0000000000100000: 0x00000000 0x00000000 0x00000000 0x00000000
>>> xp /8xg 0xffff0
00000000000ffff0: 0xfffffff0000000ea 0xffffffffffffffff
0000000000100000: 0x0000000000000000 0x0000000000000000
0000000000100010: 0x0000000000000000 0x0000000000000000
0000000000100020: 0x0000000000000000 0x0000000000000000
>>> xp /20xb 0xffff0
00000000000ffff0: 0xea 0x00 0x00 0x00 0xf0 0xff 0xff 0xff
00000000000ffff8: 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0xff
0000000000100000: 0x00 0x00 0x00 0x00
>>> xp /10xw 0xfffe0
00000000000fffe0: 0xffffffff 0xffffffff 0xffffffff 0xffffffff
00000000000ffff0: 0x000000ea 0xfffffff0 0xffffffff 0xffffffff
0000000000100000: 0x00000000 0x00000000
>>> xp /5xg 0xfffe0
00000000000fffe0: 0xffffffffffffffff 0xffffffffffffffff
00000000000ffff0: 0xfffffff0000000ea 0xffffffffffffffff
0000000000100000: 0x0000000000000000
>>> xp /4d 0xffff0
00000000000ffff0:         -68719476502                   -1
0000000000100000:                    0                    0
>>> xp /4u 0xffff0
00000000000ffff0: 18446744004990075114 18446744073709551615
0000000000100000:                    0                    0
>>> xp /4o 0xffff0
00000000000ffff0: 01777777777000000000352 01777777777777777777777
0000000000100000:                      0                      0
>>> xp /8db 0xffff0
00000000000ffff0: 234   0   0   0 240 255 255 255
>>> xp /8ub 0xffff0
00000000000ffff0: 234   0   0   0 240 255 255 255
>>> xp /8ob 0xffff0
00000000000ffff0: 0352   0   0   0 0360 0377 0377 0377
>>> xp /4dh 0xffff0
00000000000ffff0:   234     0 65520 65535
>>> xp /4oh 0xffff0
00000000000ffff0:   0352      0 0177760 0177777
>>> xp /4uh 0xffff0
00000000000ffff0:   234     0 65520 65535
>>> xp /2dg 0xffff0
00000000000ffff0:         -68719476502                   -1
>>> xp /2og 0xffff0
00000000000ffff0: 01777777777000000000352 01777777777777777777777
>>> xp /2ug 0xffff0
00000000000ffff0: 18446744004990075114 18446744073709551615
>>> xp /4c 0xf0000
00000000000f0000: '\xb8' '\x00' '\xf0' '\x8e' '\xd8' '\xbe' '\x14' '\x00' '\xac' '\x84' '\xc0' 't' '\x04' '\xe6' '\xe9' '\xeb'
00000000000f0010: '\xf7' 'A' '\xeb' '\xfd' 's' 'p' 'i' 'n' 'n' 'i' 'n' 'g' '\n' '\x00' '\xff' '\xff'
>>> xp /4cw 0xf0010
00000000000f0010: '\xf7' 'A' '\xeb' '\xfd' 's' 'p' 'i' 'n' 'n' 'i' 'n' 'g' '\n' '\x00' '\xff' '\xff'
>>> x /2 0xf0000
000f0000: '\xb8' '\x00' '\xf0' '\x8e' '\xd8' '\xbe' '\x14' '\x00'
>>> x 0xf0000
000f0000: '\xb8' '\x00' '\xf0' '\x8e'
>>> x /b 0xf0000
000f0000: '\xb8'
>>> x /d 0xf0000
000f0000: 184
>>> x 0xf0000
000f0000: 184
>>> x /x 0xf0000
000f0000: 0xb8
>>> x /2 $eip
00000011: 0x00 0x00
>>> x /2 $esp
00000000: 0x00 0x00
>>> x /2 $cs
0000f000: 0x00 0x00
>>> x /2x $edx
00000663: 0x00 0x00
>>> x /2x $cs.limit
0000ffff: 0x00 0x00
>>> x /2x $eflags
00000082: 0x00 0x00
>>> x /2x $sp
00000000: 0x00 0x00
>>> x /2x $fp
00000000: 0x00 0x00
>>> x /2x $ss.base
00000000: 0x00 0x00
>>> x /2 0x10+0xf0000
000f0010: 0xf7 0x41
>>> x /2 983040
000f0000: 0xb8 0x00
>>> x /2 010
00000008: 0x00 0x00
>>> x /x 6|1
00000007: 0x00
>>> x /x 6|1*2
00000006: 0x00
>>> x /x 1*2|1
00000003: 0x00
>>> x /x 1+1|1
00000002: 0x00
>>> x /x 2|1+1
00000004: 0x00
>>> x /x 12&10|1
00000009: 0x00
>>> x /x 12|1&10
00000008: 0x00
>>> x /x 12^10
00000006: 0x00
>>> x /x 7%4*2
00000006: 0x00
>>> x /x 10-2-3
00000005: 0x00
>>> x /x 6/2/3
00000001: 0x00
>>> x /x -2*-3
00000006: 0x00
>>> x /x 8-1&6
00000008: 0x00
>>> x /x  ( 1 + 2 ) * 2
00000006: 0x00
>>> x /x +5
00000005: 0x00
>>> x /x 'a'
00000061: 0x00
>>> x /x 0777
000001ff: 0x00
>>> x /x 0x7fffffffffffffff+1
00000000: 0x00
>>> x /x $sp + 4
00000004: 0x00
>>> xp /x 0x7fffffff + 1
0000000080000000: Cannot access memory
>>> xp /4x 0x10000000
0000000010000000: Cannot access memory
>>> xp /20xb 0x7fffff8
0000000007fffff8: 0x00 0x00 0x00 0x00 0x00 0x00 0x00 0x00
0000000008000000: Cannot access memory
>>> x /4x 0x10000000
10000000: Cannot access memory
>>> xp /4x 0xfffffffffffffff8
fffffffffffffff8: Cannot access memory
>>> xp /4x 0xfffffff8
00000000fffffff8: 0xff 0xff 0xff 0xff
>>> x /0x 0
>>> x /q 0
invalid char in format: 'q'
Try "help x" for more information
>>> x /4x
unexpected end of expression
Try "help x" for more information
>>> x foo
invalid char 'f' in expression
Try "help x" for more information
>>> x /4x 0 1
x: extraneous characters at the end of line
Try "help x" for more information
>>> x /2x $foo
unknown register
Try "help x" for more information
>>> x /2x $EAX
unknown register
Try "help x" for more information
>>> x /2x $ cs
unknown register
Try "help x" for more information
>>> x /2x $cs . base
x: extraneous characters at the end of line
Try "help x" for more information
>>> x /2x 10/0
division by zero
Try "help x" for more information
>>> x /2x 10%0
division by zero
Try "help x" for more information
>>> x /2x 0x
x: extraneous characters at the end of line
Try "help x" for more information
>>> x /2x 99999999999999999999999
number too large
Try "help x" for more information
>>> x /2x 0x1g
x: extraneous characters at the end of line
Try "help x" for more information
>>> x /2x 1 +
unexpected end of expression
Try "help x" for more information
>>> x /2x (1
')' expected
Try "help x" for more information
>>> x /2x 'ab'
missing terminating ' character
Try "help x" for more information
>>> x /2x 08
x: extraneous characters at the end of line
Try "help x" for more information
>>> x /2x 1k
x: extraneous characters at the end of line
Try "help x" for more information
>>> xp
unexpected end of expression
Try "help xp" for more information
>>> xp 0x10 0x20
xp: extraneous characters at the end of line
Try "help xp" for more information
>>> x/2x 0xf0000
000f0000: 0xb8 0x00
>>> x/2x0xf0000
invalid char in format: '0'
Try "help x" for more information
>>> x /2x0 0
invalid char in format: '0'
Try "help x" for more information
>>> x /2 x 0
invalid char 'x' in expression
Try "help x" for more information
>>> x
unexpected end of expression
Try "help x" for more information
""";

    [Fact]
    public void XAndXpPrintWhatQemuPrinted()
    {
        var target = new FakeMonitorTarget { RunState = MonitorRunState.Running };
        target.LoadRom(SpinRom.Image);
        target.LoadRomTail(SpinRom.ResetVector);
        target.Registers[MonitorRegister.Eip] = 0x11;
        target.Registers[MonitorRegister.Eflags] = 0x82;
        target.Registers[MonitorRegister.Edx] = 0x663;
        target.Registers[MonitorRegister.Cs] = 0xF000;
        target.Registers[MonitorRegister.CsBase] = 0xF0000;
        target.Registers[MonitorRegister.CsLimit] = 0xFFFF;

        Transcript.Replay(new MonitorInterpreter(target), Session);

        Assert.Equal(["stop"], target.Calls);
    }
}
