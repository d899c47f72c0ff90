using HexEmu.Domain.Cpu;
using HexEmu.Domain.Io;
using HexEmu.Domain.Memory;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>-cpu models: each one's CPUID signature is the family/model/stepping QEMU gives it, its features only what is implemented.</summary>
public class CpuModelTests
{
    private static (uint Eax, uint Edx, uint ResetEdx) Cpuid1(string model)
    {
        var memory = new PhysicalMemory(1 << 20);
        var cpu = new X86Cpu(memory, new IoBus(), CpuModel.ByName(model));
        cpu.Reset();
        uint resetEdx = cpu.Gpr[X86Cpu.EDX];
        cpu.LoadSegmentReal(Seg.CS, 0x1000);
        cpu.Eip = 0;
        new byte[] { 0x66, 0xB8, 1, 0, 0, 0, 0x0F, 0xA2 }.CopyTo(memory.Ram[0x10000..]); // mov eax, 1; cpuid
        cpu.Run(2);
        return (cpu.Gpr[X86Cpu.EAX], cpu.Gpr[X86Cpu.EDX], resetEdx);
    }

    [Theory]
    [InlineData("486", 4u, 8u, 0u)]
    [InlineData("pentium", 5u, 4u, 3u)]
    [InlineData("pentium2", 6u, 5u, 2u)]
    [InlineData("qemu32", 6u, 6u, 3u)]
    public void EachModelReportsItsSignatureAtResetAndInCpuid(string model, uint family, uint modelNumber, uint stepping)
    {
        var (eax, edx, resetEdx) = Cpuid1(model);
        uint expected = (family << 8) | (modelNumber << 4) | stepping;
        Assert.Equal(expected, eax);
        Assert.Equal(expected, resetEdx);
        Assert.Equal(0u, edx & ~CpuModel.ImplementedFeatures); // nothing reported that is not there
        Assert.Equal(0u, edx & CpuModel.Feature.FPU);
    }

    [Fact]
    public void ThePentiumHasTheTimeStampCounterAndThe486DoesNot()
    {
        Assert.NotEqual(0u, Cpuid1("pentium").Edx & CpuModel.Feature.TSC);
        Assert.Equal(0u, Cpuid1("486").Edx & CpuModel.Feature.TSC);
        Assert.NotEqual(0u, Cpuid1("pentium2").Edx & CpuModel.Feature.CMOV);
        Assert.Equal(0u, Cpuid1("pentium").Edx & CpuModel.Feature.CMOV);
    }

    [Fact]
    public void UnknownNamesAreNotModels()
    {
        Assert.Null(CpuModel.ByName("host"));
        Assert.Null(CpuModel.ByName("Pentium"));
        Assert.Equal(CpuModel.Default, CpuModel.ByName(CpuModel.Default.Name));
    }
}
