using System.Text;
using HexEmu.Domain.Devices;
using HexEmu.Domain.Devices.Ata;
using HexEmu.Domain.Devices.Pic;
using HexEmu.Domain.Io;
using HexEmu.Domain.Memory;
using HexEmu.Domain.Storage;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.Devices.Ata;

/// <summary>
/// Our IDE guest (tests/guests/ata.asm) on a minimal PC — CPU, RAM, ROM, both 8259s, the primary
/// channel, debug console and isa-debug-exit — against what qemu-system-i386 7.2 printed for the
/// same image (command line in ata.asm's header; image: 2048 sectors, byte i of sector s is
/// (31·s + 7·i + 3) mod 256).
/// </summary>
public class AtaGuestTests
{
    private const string QemuOutput = """
        ok - primary master is ready
        ok - identify offers its data
        ok - identify ends ready
        ok - identify: an ATA disk with LBA
        ok - identify: 2048 sectors, chs 2/16/63
        ok - read sectors: first block
        ok - read sectors: second block
        ok - read sectors ends ready
        ok - read sectors 0-1: sums 0x8000 0x7f00
        ok - write sector 2 asks for data
        ok - write sector 2
        ok - flush cache
        ok - sector 2 reads back as written
        ok - set multiple mode 2
        ok - read multiple gives sectors 0-1 in one block
        ok - chs 0/0/2 reads sector 1
        ok - a read past the end of the disk fails
        ok - the absent slave reads status 0
        ok - irq 14 for identify
        ok - irq 14 once per block of a two-sector read
        ok - no irq 14 with nIEN set
        all checks passed

        """;

    private sealed class Collect : IByteSink
    {
        public readonly List<byte> Bytes = [];
        public void Write(byte value) => Bytes.Add(value);
    }

    private static string RomPath()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HexEmu.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("HexEmu.sln not found"), "tests", "guests", "ata.rom");
    }

    [Fact]
    public void The_ata_guest_prints_what_it_prints_on_qemu_and_writes_sector_2()
    {
        var image = new byte[2048 * 512];
        for (int i = 0; i < image.Length; i++) image[i] = (byte)(31 * (i / 512) + 7 * (i % 512) + 3);
        var disk = new MemoryBlockDevice(image);

        var memory = new PhysicalMemory(16 << 20);
        memory.LoadRom(File.ReadAllBytes(RomPath()));
        var io = new IoBus();
        var cpu = new X86Cpu(memory, io);
        var pic = new DualPic();
        pic.MapPorts(io);
        cpu.InterruptSource = pic;
        var ata = new AtaChannel(AtaChannelPorts.Primary, pic.Line(14), disk, null);
        ata.MapPorts(io, 0x1F0, 0x3F6);
        var console = new Collect();
        io.Map(0xE9, 1, new DebugConsole(console));
        int? exit = null;
        io.Map(0xF4, 4, new DebugExit(code => { exit = code; cpu.RequestStop(); }));

        cpu.Reset();
        for (int slice = 0; slice < 1000 && exit is null; slice++) cpu.Run(1_000_000);

        Assert.Equal(QemuOutput.ReplaceLineEndings("\n"), Encoding.ASCII.GetString([.. console.Bytes]));
        Assert.Equal(1, exit);
        for (int i = 0; i < 256; i++) // the guest's pattern: word i = 4321h + 302h·i
            Assert.Equal((ushort)(0x4321 + 0x0302 * i), BitConverter.ToUInt16(image, 2 * 512 + 2 * i));
    }
}
