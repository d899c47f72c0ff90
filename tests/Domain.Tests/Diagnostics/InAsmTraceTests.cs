using HexEmu.Domain.Cpu;
using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Tests.Support;

namespace HexEmu.Domain.Tests.Diagnostics;

/// <summary>
/// `-d in_asm`: each block once, when it is decoded, in QEMU's layout. The expected lines are
/// those qemu-system-i386 7.2 printed for the same bytes at the same offsets (the first blocks of
/// tests/guests/pmtest.rom, run with `-d in_asm`), with the linear addresses of our code segment.
/// </summary>
public class InAsmTraceTests
{
    // pmtest.rom at F000:0046 (real mode), as QEMU decoded it into two blocks and a third.
    private static readonly byte[] Code =
    [
        0xFA, 0xFC, 0x31, 0xC0, 0x8E, 0xC0, 0x8E, 0xD0,           // cli; cld; xor ax,ax; mov es,ax; mov ss,ax
        0xBC, 0x00, 0x70,                                           // mov sp,0x7000
        0xB8, 0x00, 0xF0, 0x8E, 0xD8, 0xB8, 0x34, 0x12,             // mov ax,0xf000; mov ds,ax; mov ax,0x1234
        0x05, 0x11, 0x11, 0x3D, 0x45, 0x23, 0x75, 0x23,             // add ax,0x1111; cmp ax,0x2345; jne 0x84
    ];

    private static (CpuHarness H, RecordingLogSink Log) Machine(LogItems items)
    {
        var h = CpuHarness.RealMode();
        Code.CopyTo(h.Memory.Ram[(int)(CpuHarness.CodeAddress + 0x46)..]);
        h.Cpu.Eip = 0x46;
        var log = new RecordingLogSink();
        h.Cpu.Tracer = new CpuTracer(items, log);
        return (h, log);
    }

    // The instruction lines exactly as QEMU printed them, with our linear addresses.
    private const string Cli = "0x00010046:  fa                       cli      ";
    private const string Cld = "0x00010047:  fc                       cld      ";
    private const string XorAx = "0x00010048:  31 c0                    xorw     %ax, %ax";
    private const string MovEs = "0x0001004a:  8e c0                    movw     %ax, %es";
    private const string MovSs = "0x0001004c:  8e d0                    movw     %ax, %ss";
    private const string MovSp = "0x0001004e:  bc 00 70                 movw     $0x7000, %sp";
    private const string MovAxF000 = "0x00010051:  b8 00 f0                 movw     $0xf000, %ax";
    private const string MovDs = "0x00010054:  8e d8                    movw     %ax, %ds";
    private const string MovAx1234 = "0x00010056:  b8 34 12                 movw     $0x1234, %ax";
    private const string AddAx = "0x00010059:  05 11 11                 addw     $0x1111, %ax";
    private const string CmpAx = "0x0001005c:  3d 45 23                 cmpw     $0x2345, %ax";
    private const string Jne = "0x0001005f:  75 23                    jne      0x84";

    private static string[] Block(params string[] lines) => ["----------------", "IN: ", .. lines, ""];

    [Fact]
    public void Each_block_is_listed_when_decoded_in_QEMU_layout_with_AT_T_syntax()
    {
        var (h, log) = Machine(LogItems.InAsm);
        h.Run(12);

        // Our blocks, not QEMU's: CLI ends a block when decoded (it changes when interrupts may be
        // taken); a block runs to the next branch, but MOV SS leaves it and the instruction in
        // its interrupt shadow runs alone, so the code after MOV SS is decoded again twice: as
        // the block at MOV SP, then as the block after it.
        string[] expected =
        [
            .. Block(Cli),
            .. Block(Cld, XorAx, MovEs, MovSs, MovSp, MovAxF000, MovDs, MovAx1234, AddAx, CmpAx, Jne),
            .. Block(MovSp, MovAxF000, MovDs, MovAx1234, AddAx, CmpAx, Jne),
            .. Block(MovAxF000, MovDs, MovAx1234, AddAx, CmpAx, Jne),
        ];
        Assert.Equal(expected, log.Lines);
    }

    [Fact]
    public void A_block_run_again_from_the_cache_is_not_listed_again()
    {
        var (h, log) = Machine(LogItems.InAsm);
        h.Run(1); // CLI: decoded and listed
        int linesAfterFirst = log.Lines.Length;
        h.Cpu.Eip = 0x46;
        h.Run(1); // the same block, from the cache
        Assert.Equal(linesAfterFirst, log.Lines.Length);
        Assert.Equal(Block(Cli), log.Lines);
    }

    [Fact]
    public void Without_in_asm_nothing_is_listed()
    {
        var (h, log) = Machine(LogItems.Int | LogItems.Pcall | LogItems.GuestErrors);
        h.Run(12);
        Assert.Equal(0, log.Writes);
    }

    [Fact]
    public void String_operands_name_ES_and_far_pointers_read_selector_colon_offset_as_in_QEMU()
    {
        // Lines QEMU printed for pmtest.rom at F000:006A and F000:007C (real mode).
        var h = CpuHarness.RealMode();
        byte[] code = [0xF3, 0xA4, 0x66, 0xEA, 0x8D, 0x00, 0x0F, 0x00, 0x08, 0x00];
        code.CopyTo(h.Memory.Ram[(int)(CpuHarness.CodeAddress + 0x6A)..]);
        h.Cpu.Eip = 0x6A;
        var log = new RecordingLogSink();
        h.Cpu.Tracer = new CpuTracer(LogItems.InAsm, log);

        h.Run(1); // the block is decoded whole; only REP MOVSB (CX = 0) runs

        Assert.Equal(Block(
            "0x0001006a:  f3 a4                    rep movsb (%si), %es:(%di)",
            "0x0001006c:  66 ea 8d 00 0f 00 08 00  ljmpl    $0x8:$0xf008d"), log.Lines);
    }

    [Fact]
    public void Instructions_longer_than_eight_bytes_continue_their_bytes_on_the_next_line()
    {
        // As QEMU printed pmtest.rom's 0x000f00a0 (32-bit code).
        var h = CpuHarness.Flat32();
        h.LoadBytes([0xC7, 0x05, 0x14, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF4]);
        var log = new RecordingLogSink();
        h.Cpu.Tracer = new CpuTracer(LogItems.InAsm, log);

        h.Run(1);

        Assert.Equal(Block(
            "0x00010000:  c7 05 14 40 00 00 00 00  movl     $0, 0x4014",
            "0x00010008:  00 00",
            "0x0001000a:  f4                       hlt      "), log.Lines);
    }
}
