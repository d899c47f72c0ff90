using HexEmu.Domain.Cpu;
using HexEmu.Domain.Tests.Support;
using static Iced.Intel.AssemblerRegisters;
using X86Cpu = HexEmu.Domain.Cpu.Cpu;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// 32-bit paging (Intel SDM vol. 3, chapter 4) with hand-built page tables. Expected values come
/// from the manual's rules: 4.3 (translation, 4 MiB pages), 4.6 (rights combined across levels,
/// CR0.WP), 4.7 (#PF error code and CR2), 4.8 (accessed and dirty bits), and the 386 behaviour
/// test386 checks (no accessed bit is set by a walk that faults).
/// </summary>
public class PagingTests
{
    private const uint PageDirectory = 0x3_0000;
    private const uint PageTable = 0x3_1000;
    private const uint P = 1, W = 2, U = 4, A = 0x20, D = 0x40, PS = 0x80;
    private const uint TestPage = 0x5000;

    /// <summary>Flat 32-bit mode with paging on: the first 4 MiB identity-mapped, user-writable, except <see cref="TestPage"/>.</summary>
    private static CpuHarness Paged(uint testPte = TestPage | P | W | U, uint pdeFlags = P | W | U)
    {
        var h = CpuHarness.Flat32();
        for (uint i = 0; i < 1024; i++) h.Poke32(PageTable + i * 4, (i << 12) | P | W | U);
        h.Poke32(PageTable + (TestPage >> 12) * 4, testPte);
        h.Poke32(PageDirectory, PageTable | pdeFlags);
        h.Cpu.Cr3 = PageDirectory;
        h.Cpu.Cr0 |= CR0.PG;
        h.Cpu.FlushTlb();
        return h;
    }

    private static uint Pte(CpuHarness h, uint linear) => h.Peek32(PageTable + (linear >> 12) * 4);

    private static uint Pde(CpuHarness h) => h.Peek32(PageDirectory);

    private static CpuFault PageFault(Action access)
    {
        var fault = Assert.Throws<CpuFault>(access);
        Assert.Equal(Vector.PF, fault.Vector);
        Assert.True(fault.HasErrorCode);
        return fault;
    }

    [Fact]
    public void Instructions_access_memory_through_the_page_tables()
    {
        // Linear 0x5000 → physical 0x7000.
        var h = Paged(testPte: 0x7000 | P | W).Load(a =>
        {
            a.mov(eax, 0x1122_3344);
            a.mov(__dword_ptr[TestPage + 0x10], eax);
            a.mov(ebx, __dword_ptr[TestPage + 0x10]);
            a.hlt();
        });
        Assert.Equal(RunExit.Halted, h.Run(10));
        Assert.Equal(0x1122_3344u, h.Peek32(0x7010));
        Assert.Equal(0u, h.Peek32(TestPage + 0x10));
        Assert.Equal(0x1122_3344u, h.Reg(X86Cpu.EBX));
    }

    [Fact]
    public void A_read_sets_the_accessed_bits_of_both_levels_and_not_dirty()
    {
        var h = Paged();
        h.Cpu.Read32(Seg.DS, TestPage);
        Assert.Equal(A, Pde(h) & (A | D));
        Assert.Equal(A, Pte(h, TestPage) & (A | D));
    }

    [Fact]
    public void The_first_write_to_a_page_read_before_walks_again_and_sets_dirty()
    {
        var h = Paged();
        h.Cpu.Read32(Seg.DS, TestPage);           // fills the TLB while D is clear
        h.Cpu.Write32(Seg.DS, TestPage + 4, 0x55);
        Assert.Equal(A | D, Pte(h, TestPage) & (A | D));
        Assert.Equal(0x55u, h.Peek32(TestPage + 4));
    }

    [Fact]
    public void Not_present_table_entry_faults_with_error_code_0_and_touches_no_entry()
    {
        var h = Paged(testPte: TestPage | W | U);
        var fault = PageFault(() => h.Cpu.Read32(Seg.DS, TestPage + 0x123));
        Assert.Equal(0u, fault.ErrorCode);
        Assert.Equal(TestPage + 0x123, h.Cpu.Cr2);
        // test386 POST 0x11: the directory entry's accessed bit stays clear when the walk faults.
        Assert.Equal(0u, Pde(h) & A);
        Assert.Equal(TestPage | W | U, Pte(h, TestPage));
    }

    [Fact]
    public void Not_present_directory_entry_faults_on_a_write_with_error_code_2()
    {
        var h = Paged(pdeFlags: W | U);
        var fault = PageFault(() => h.Cpu.Write8(Seg.DS, TestPage, 1));
        Assert.Equal(2u, fault.ErrorCode);
        Assert.Equal(TestPage, h.Cpu.Cr2);
        Assert.Equal(0u, Pde(h) & A);
        Assert.Equal(0, h.Memory.Ram[(int)TestPage]);
    }

    [Fact]
    public void User_read_of_a_supervisor_page_is_a_protection_fault()
    {
        var h = Paged(testPte: TestPage | P | W);
        h.Cpu.SetCpl(3);
        var fault = PageFault(() => h.Cpu.Read32(Seg.DS, TestPage));
        Assert.Equal(P | U, fault.ErrorCode); // 5: protection, read, user
        Assert.Equal(0u, Pde(h) & A);
        Assert.Equal(0u, Pte(h, TestPage) & (A | D));
    }

    [Fact]
    public void User_write_to_a_read_only_page_faults_with_error_code_7()
    {
        var h = Paged(testPte: TestPage | P | U);
        h.Cpu.SetCpl(3);
        Assert.Equal(0u, h.Cpu.Read32(Seg.DS, TestPage)); // reading is allowed
        var fault = PageFault(() => h.Cpu.Write32(Seg.DS, TestPage, 1));
        Assert.Equal(7u, fault.ErrorCode);
        Assert.Equal(0u, Pte(h, TestPage) & D);
    }

    [Theory]
    // Directory entry rights, table entry rights, user write allowed (SDM vol. 3, table 4-... "combined": the stricter wins).
    [InlineData(P | U, P | U | W, false)]
    [InlineData(P | U | W, P | U, false)]
    [InlineData(P | U | W, P | U | W, true)]
    public void User_rights_are_the_stricter_of_both_levels_for_writes(uint pde, uint pte, bool allowed)
    {
        var h = Paged(testPte: TestPage | pte, pdeFlags: pde);
        h.Cpu.SetCpl(3);
        if (allowed)
        {
            h.Cpu.Write32(Seg.DS, TestPage, 9);
            Assert.Equal(9u, h.Peek32(TestPage));
        }
        else
            Assert.Equal(7u, PageFault(() => h.Cpu.Write32(Seg.DS, TestPage, 9)).ErrorCode);
    }

    [Theory]
    [InlineData(P | W, P | W | U)]
    [InlineData(P | W | U, P | W)]
    public void A_supervisor_entry_at_either_level_denies_user_reads(uint pde, uint pte)
    {
        var h = Paged(testPte: TestPage | pte, pdeFlags: pde);
        h.Cpu.SetCpl(3);
        Assert.Equal(5u, PageFault(() => h.Cpu.Read8(Seg.DS, TestPage)).ErrorCode);
    }

    [Fact]
    public void Supervisor_writes_ignore_read_only_pages_while_CR0_WP_is_clear()
    {
        var h = Paged(testPte: TestPage | P | U, pdeFlags: P | U);
        h.Cpu.Write32(Seg.DS, TestPage, 0xABCD);
        Assert.Equal(0xABCDu, h.Peek32(TestPage));
        Assert.Equal(A | D, Pte(h, TestPage) & (A | D));
    }

    [Fact]
    public void Supervisor_writes_to_read_only_pages_fault_with_CR0_WP_set()
    {
        var h = Paged(testPte: TestPage | P | U);
        h.Cpu.Cr0 |= CR0.WP;
        h.Cpu.FlushTlb();
        var fault = PageFault(() => h.Cpu.Write32(Seg.DS, TestPage, 1));
        Assert.Equal(P | W, fault.ErrorCode); // 3: protection, write, supervisor
        Assert.Equal(0u, h.Peek32(TestPage));
    }

    [Fact]
    public void A_four_MiB_page_maps_with_CR4_PSE_and_gets_its_own_accessed_and_dirty_bits()
    {
        var h = Paged();
        // Directory entry 2 (linear 8 MiB) → a 4 MiB page at physical 0.
        h.Poke32(PageDirectory + 2 * 4, 0x0000_0000 | PS | P | W);
        h.Cpu.Cr4 |= CR4.PSE;
        h.Cpu.FlushTlb();
        h.Cpu.Write32(Seg.DS, 0x0080_0000 + 0x12_3450, 0xFEED_F00D);
        Assert.Equal(0xFEED_F00Du, h.Peek32(0x12_3450));
        Assert.Equal(A | D, h.Peek32(PageDirectory + 8) & (A | D));
    }

    [Fact]
    public void A_page_crossing_write_whose_second_page_faults_writes_no_byte()
    {
        // The test page (0x5000) is not present: a dword written at 0x4FFE crosses into it.
        var h = Paged(testPte: TestPage | W | U);
        var fault = PageFault(() => h.Cpu.Write32(Seg.DS, TestPage - 2, 0xAABB_CCDD));
        Assert.Equal(2u, fault.ErrorCode);
        Assert.Equal(TestPage, h.Cpu.Cr2); // the faulting byte is the first one of the second page
        Assert.Equal(0, h.Memory.Ram[(int)TestPage - 2]);
        Assert.Equal(0, h.Memory.Ram[(int)TestPage - 1]);
    }

    [Fact]
    public void A_page_crossing_access_uses_both_translations()
    {
        // 0x5000 → 0x9000: the low half of the dword lands at 0x4FFE, the high half at 0x9000.
        var h = Paged(testPte: 0x9000 | P | W | U);
        h.Cpu.Write32(Seg.DS, TestPage - 2, 0xAABB_CCDD);
        Assert.Equal(0xCCDD, BitConverter.ToUInt16(h.Memory.Ram[(int)(TestPage - 2)..]));
        Assert.Equal(0xAABB, BitConverter.ToUInt16(h.Memory.Ram[0x9000..]));
        Assert.Equal(0xAABB_CCDDu, h.Cpu.Read32(Seg.DS, TestPage - 2));
    }

    [Fact]
    public void A_translation_cached_at_CPL_0_does_not_let_CPL_3_in()
    {
        var h = Paged(testPte: TestPage | P | W);
        h.Cpu.Write32(Seg.DS, TestPage, 1); // CPL 0: fills the TLB, writable
        h.Cpu.SetCpl(3);
        Assert.Equal(5u, PageFault(() => h.Cpu.Read32(Seg.DS, TestPage)).ErrorCode);
        Assert.Equal(7u, PageFault(() => h.Cpu.Write32(Seg.DS, TestPage, 2)).ErrorCode);
        h.Cpu.SetCpl(0);
        Assert.Equal(1u, h.Cpu.Read32(Seg.DS, TestPage));
    }

    [Fact]
    public void System_accesses_use_supervisor_rights_at_CPL_3()
    {
        var h = Paged(testPte: TestPage | P);
        h.Poke32(TestPage + 8, 0x0DDC_0FFE);
        h.Cpu.SetCpl(3);
        Assert.Equal(0x0DDC_0FFEu, h.Cpu.ReadSystem(TestPage + 8, 4));
        h.Cpu.WriteSystem(TestPage + 8, 4, 0x1234); // supervisor write, WP clear: allowed
        Assert.Equal(0x1234u, h.Peek32(TestPage + 8));
    }

    [Fact]
    public void Flushing_a_page_makes_a_changed_table_entry_take_effect()
    {
        var h = Paged(testPte: 0x7000 | P | W | U);
        h.Poke32(0x7000, 0x7777);
        h.Poke32(0x8000, 0x8888);
        Assert.Equal(0x7777u, h.Cpu.Read32(Seg.DS, TestPage));
        h.Poke32(PageTable + (TestPage >> 12) * 4, 0x8000 | P | W | U);
        h.Cpu.FlushTlbPage(TestPage);
        Assert.Equal(0x8888u, h.Cpu.Read32(Seg.DS, TestPage));
        h.Poke32(PageTable + (TestPage >> 12) * 4, 0x7000 | P | W | U);
        h.Cpu.FlushTlb();
        Assert.Equal(0x7777u, h.Cpu.Read32(Seg.DS, TestPage));
    }

    [Fact]
    public void A20_masking_wraps_physical_addresses_at_1_MiB()
    {
        var h = CpuHarness.Flat32();
        h.Memory.SetA20(false);
        h.Cpu.Write32(Seg.DS, 0x10_0010, 0xA20A_20A2);
        Assert.Equal(0xA20A_20A2u, h.Peek32(0x10));
        Assert.Equal(0u, h.Peek32(0x10_0010));
        h.Memory.SetA20(true);
        h.Cpu.Write32(Seg.DS, 0x10_0010, 0x5);
        Assert.Equal(0x5u, h.Peek32(0x10_0010));
        Assert.Equal(0xA20A_20A2u, h.Peek32(0x10));
    }

    [Fact]
    public void A20_masking_applies_to_page_walks_and_their_results()
    {
        var h = Paged();
        // Directory entry 0 points at a table at 1 MiB + the real table: with A20 off it wraps to the real table.
        h.Poke32(PageDirectory, (PageTable + 0x10_0000) | P | W | U);
        h.Memory.SetA20(false);
        h.Cpu.Write32(Seg.DS, TestPage, 0x77);
        Assert.Equal(0x77u, h.Peek32(TestPage));
        Assert.Equal(A | D, Pte(h, TestPage) & (A | D));
    }

    [Fact]
    public void Invalidating_any_address_of_a_four_MiB_page_drops_all_of_it()
    {
        var h = Paged();
        h.Poke32(PageDirectory + 2 * 4, 0x0000_0000 | PS | P | W); // linear 8 MiB → physical 0
        h.Cpu.Cr4 |= CR4.PSE;
        h.Cpu.FlushTlb();
        h.Poke32(0x1000, 0x1111);
        Assert.Equal(0x1111u, h.Cpu.Read32(Seg.DS, 0x0080_1000));
        // Mark the large page not present and invalidate a different address inside it.
        h.Poke32(PageDirectory + 2 * 4, 0x0000_0000 | PS | W);
        h.Cpu.FlushTlbPage(0x0080_0000 + 0x12_3000);
        var fault = PageFault(() => h.Cpu.Read32(Seg.DS, 0x0080_1000));
        Assert.Equal(0u, fault.ErrorCode);
    }
}
