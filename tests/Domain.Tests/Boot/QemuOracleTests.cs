using System.Text;
using HexEmu.Domain.Boot;
using HexEmu.Domain.Devices;
using HexEmu.Domain.Io;
using HexEmu.Domain.Memory;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.Boot;

/// <summary>
/// Our mbinfo kernels (tests/guests/mbinfo-*.asm) booted by our loader on our CPU print exactly
/// what they printed under qemu-system-i386 7.2, recorded in tests/guests/mbinfo-*.expected with
/// the files in /tmp/mbx/ and
/// <c>qemu-system-i386 [-m 32] -kernel K [-append A] [-initrd I] -display none -debugcon stdio
/// -device isa-debug-exit,iobase=0xf4,iosize=0x04 -no-reboot</c> (exit status 1 each time).
/// The paths only appear as strings, so the same strings stand in for them here.
/// </summary>
public class QemuOracleTests
{
    private static readonly string Guests = Path.Combine(FindRepoRoot(), "tests", "guests");

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HexEmu.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("HexEmu.sln not found above the test directory");
    }

    private sealed class Capture : IByteSink
    {
        public readonly List<byte> Bytes = [];
        public void Write(byte value) => Bytes.Add(value);
    }

    private static (string Output, int? ExitCode) Run(uint ramMiB, string kernel, string? append, string? initrd)
    {
        var memory = new PhysicalMemory(ramMiB << 20);
        var io = new IoBus();
        var cpu = new X86Cpu(memory, io);
        var console = new Capture();
        int? exitCode = null;
        io.Map(0xE9, 1, new DebugConsole(console));
        io.Map(0xF4, 4, new DebugExit(code => { exitCode = code; cpu.RequestStop(); }));

        var modules = initrd is null ? [] : ModuleSpec.ParseList(initrd)
            .Select(s => new MultibootModule(File.ReadAllBytes(Path.Combine(Guests, Path.GetFileName(s.Path))), s.CommandLine))
            .ToList();
        var image = KernelImage.Parse(File.ReadAllBytes(Path.Combine(Guests, kernel)));
        new MultibootBoot(image, memory.RamSize, MultibootBoot.QemuCommandLine("/tmp/mbx/" + kernel, append), modules).Boot(cpu);
        for (int slice = 0; slice < 100 && exitCode is null && !cpu.Halted; slice++) cpu.Run(100_000);
        return (Encoding.ASCII.GetString(console.Bytes.ToArray()), exitCode);
    }

    [Theory]
    [InlineData("mbinfo-elf-m128.expected", 128u, "mbinfo-elf.elf", "a b", "/tmp/mbx/mbinfo-mod1.txt x y,/tmp/mbx/mbinfo-mod2.txt")]
    [InlineData("mbinfo-aout-m32.expected", 32u, "mbinfo-aout.bin", null, null)]
    [InlineData("mbinfo-aout-m32-append.expected", 32u, "mbinfo-aout.bin", "console=ttyS0 root=/dev/sda", "/tmp/mbx/mbinfo-mod2.txt")]
    public void The_mbinfo_kernel_sees_what_it_saw_under_QEMU(string expected, uint ramMiB, string kernel, string? append, string? initrd)
    {
        var (output, exitCode) = Run(ramMiB, kernel, append, initrd);
        Assert.Equal(File.ReadAllText(Path.Combine(Guests, expected)), output);
        Assert.Equal(1, exitCode);
    }
}
