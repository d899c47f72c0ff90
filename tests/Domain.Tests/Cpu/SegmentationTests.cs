using HexEmu.Domain.Cpu;
using static HexEmu.Domain.Tests.CpuTests.ProtectedModeFixture;

namespace HexEmu.Domain.Tests.CpuTests;

/// <summary>
/// Protected-mode data and stack segment loads (SDM vol. 2, MOV "Protected Mode Exceptions";
/// vol. 3, 5.4–5.7) and the limit and type checks of accesses through the loaded segments
/// (vol. 3, 5.3). Expected faults and error codes are the manual's.
/// </summary>
public class SegmentationTests
{
    private static Raised GP(uint e) => new(Vector.GP, e);
    private static Raised NP(uint e) => new(Vector.NP, e);
    private static Raised SS(uint e) => new(Vector.SS, e);

    [Fact]
    public void Loading_a_data_segment_fills_the_cache_and_sets_the_accessed_bit()
    {
        var f = new ProtectedModeFixture();
        f.SetSegment(11, 0x0012_3456, 0x0FFFF, DataRW, 0);
        Assert.Null(f.Catch(c => c.LoadSegment(Seg.DS, 11 * 8)));
        var ds = f.Cpu.Segs[Seg.DS];
        Assert.Equal(0x58, ds.Selector);
        Assert.Equal(0x0012_3456u, ds.Base);
        Assert.Equal(0xFFFFu, ds.Limit);
        Assert.False(ds.Big);
        Assert.NotEqual(0ul, f.Gdt(11) & (1ul << 40)); // accessed bit, type bit 0
    }

    [Fact]
    public void Page_granular_limit_is_scaled_to_bytes()
    {
        var f = new ProtectedModeFixture();
        f.SetSegment(11, 0, 0x9F, DataRW, Gran4K | Big);
        f.Cpu.LoadSegment(Seg.ES, 11 * 8);
        Assert.Equal(0x9_FFFFu, f.Cpu.Segs[Seg.ES].Limit);
    }

    [Fact]
    public void Null_selector_is_allowed_in_data_registers_but_any_access_through_it_is_GP0()
    {
        var f = new ProtectedModeFixture();
        Assert.Null(f.Catch(c => c.LoadSegment(Seg.FS, 3)));
        Assert.Equal(3, f.Cpu.Segs[Seg.FS].Selector);
        Assert.Equal(GP(0), f.Catch(c => c.Read8(Seg.FS, 0)));
        Assert.Equal(GP(0), f.Catch(c => c.Write8(Seg.FS, 0, 1)));
    }

    [Fact]
    public void Null_selector_in_SS_is_GP0()
    {
        var f = new ProtectedModeFixture();
        Assert.Equal(GP(0), f.Catch(c => c.LoadSegment(Seg.SS, 0)));
        Assert.Equal(GP(0), f.Catch(c => c.LoadSegment(Seg.SS, 3)));
    }

    [Fact]
    public void Selector_beyond_the_GDT_limit_is_GP_with_the_selector_and_RPL_cleared()
    {
        var f = new ProtectedModeFixture(gdtEntries: 16);
        Assert.Equal(GP(0x80), f.Catch(c => c.LoadSegment(Seg.DS, 0x83)));
        Assert.Equal(GP(0x80), f.Catch(c => c.LoadSegment(Seg.SS, 0x80)));
    }

    [Fact]
    public void Descriptor_straddling_the_GDT_limit_is_out_of_bounds()
    {
        var f = new ProtectedModeFixture();
        f.SetSegment(11, 0, 0xFFFF, DataRW);
        f.Cpu.GdtLimit = 11 * 8 + 6; // last byte of entry 11 outside
        Assert.Equal(GP(0x58), f.Catch(c => c.LoadSegment(Seg.DS, 0x58)));
        f.Cpu.GdtLimit = 11 * 8 + 7;
        Assert.Null(f.Catch(c => c.LoadSegment(Seg.DS, 0x58)));
    }

    [Fact]
    public void LDT_selector_without_a_valid_LDT_is_GP_selector()
    {
        var f = new ProtectedModeFixture();
        Assert.Equal(GP(0x0C), f.Catch(c => c.LoadSegment(Seg.DS, 0x0F)));
    }

    [Fact]
    public void LDT_selectors_read_the_local_table_and_its_limit()
    {
        var f = new ProtectedModeFixture();
        f.InstallLdt(12, entries: 4);
        f.SetLdt(1, SegmentDescriptor(0x5000, 0xFFF, DataRW, 0));
        Assert.Null(f.Catch(c => c.LoadSegment(Seg.GS, 0x0C)));
        Assert.Equal(0x5000u, f.Cpu.Segs[Seg.GS].Base);
        Assert.Equal(GP(0x24), f.Catch(c => c.LoadSegment(Seg.GS, 0x24))); // index 4: beyond 4 entries
    }

    [Fact]
    public void System_descriptor_and_execute_only_code_cannot_be_loaded_in_data_registers()
    {
        var f = new ProtectedModeFixture();
        f.SetGdt(11, SystemDescriptor(0x5000, 0xFF, SystemType.Ldt, 0));
        f.SetSegment(12, 0, 0xFFFF, CodeX);
        f.SetSegment(13, 0, 0xFFFF, CodeXR);
        Assert.Equal(GP(0x58), f.Catch(c => c.LoadSegment(Seg.DS, 0x58)));
        Assert.Equal(GP(0x60), f.Catch(c => c.LoadSegment(Seg.ES, 0x60)));
        Assert.Null(f.Catch(c => c.LoadSegment(Seg.ES, 0x68)));
        // Readable code is readable through ES, never writable.
        Assert.Null(f.Catch(c => c.Read8(Seg.ES, 0)));
        Assert.Equal(GP(0), f.Catch(c => c.Write8(Seg.ES, 0, 0)));
    }

    [Fact]
    public void Data_segment_needs_CPL_and_RPL_at_most_DPL()
    {
        var f = new ProtectedModeFixture();
        f.SetSegment(11, 0, 0xFFFF, DataRW | 0x40); // DPL 2
        Assert.Null(f.Catch(c => c.LoadSegment(Seg.DS, 0x58 | 2)));
        Assert.Equal(GP(0x58), f.Catch(c => c.LoadSegment(Seg.DS, 0x58 | 3))); // RPL 3 > DPL 2
        f.EnterRing(3);
        Assert.Equal(GP(0x58), f.Catch(c => c.LoadSegment(Seg.DS, 0x58 | 2))); // CPL 3 > DPL 2
        Assert.Equal(GP(0x10), f.Catch(c => c.LoadSegment(Seg.DS, FlatData0)));
    }

    [Fact]
    public void Conforming_readable_code_ignores_privilege_but_nonconforming_code_does_not()
    {
        var f = new ProtectedModeFixture();
        f.SetSegment(11, 0, 0xFFFF, CodeConformingXR); // DPL 0
        f.SetSegment(12, 0, 0xFFFF, CodeXR);           // DPL 0, non-conforming
        f.EnterRing(3);
        Assert.Null(f.Catch(c => c.LoadSegment(Seg.DS, 0x58 | 3)));
        Assert.Equal(GP(0x60), f.Catch(c => c.LoadSegment(Seg.DS, 0x60 | 3)));
    }

    [Fact]
    public void Not_present_data_segment_is_NP_but_privilege_is_checked_first()
    {
        var f = new ProtectedModeFixture();
        f.SetSegment(11, 0, 0xFFFF, DataRW & 0x7F);          // DPL 0, not present
        f.SetSegment(12, 0, 0xFFFF, (DataRW & 0x7F) | 0x60); // DPL 3, not present
        Assert.Equal(NP(0x58), f.Catch(c => c.LoadSegment(Seg.DS, 0x58)));
        f.EnterRing(3);
        Assert.Equal(GP(0x58), f.Catch(c => c.LoadSegment(Seg.DS, 0x5B)));
        Assert.Equal(NP(0x60), f.Catch(c => c.LoadSegment(Seg.DS, 0x63)));
    }

    [Fact]
    public void Stack_segment_needs_RPL_and_DPL_equal_to_CPL_and_writable_data()
    {
        var f = new ProtectedModeFixture();
        f.SetSegment(11, 0, 0xFFFF, DataRW | 0x60); // DPL 3
        f.SetSegment(12, 0, 0xFFFF, DataRO);
        f.SetSegment(13, 0, 0xFFFF, CodeXR);
        f.SetSegment(14, 0, 0xFFFF, DataRW & 0x7F);  // not present
        Assert.Equal(GP(0x10), f.Catch(c => c.LoadSegment(Seg.SS, FlatData0 | 1))); // RPL ≠ CPL
        Assert.Equal(GP(0x58), f.Catch(c => c.LoadSegment(Seg.SS, 0x58)));          // DPL ≠ CPL
        Assert.Equal(GP(0x60), f.Catch(c => c.LoadSegment(Seg.SS, 0x60)));          // read-only
        Assert.Equal(GP(0x68), f.Catch(c => c.LoadSegment(Seg.SS, 0x68)));          // code
        Assert.Equal(SS(0x70), f.Catch(c => c.LoadSegment(Seg.SS, 0x70)));          // not present
        f.EnterRing(3);
        Assert.Null(f.Catch(c => c.LoadSegment(Seg.SS, 0x5B)));
        Assert.Equal(0x5B, f.Cpu.Segs[Seg.SS].Selector);
    }

    [Fact]
    public void A_faulting_load_leaves_the_register_unchanged()
    {
        var f = new ProtectedModeFixture();
        f.SetSegment(11, 0, 0xFFFF, DataRW & 0x7F);
        string before = f.Snapshot();
        Assert.Equal(NP(0x58), f.Catch(c => c.LoadSegment(Seg.DS, 0x58)));
        Assert.Equal(SS(0x58), f.Catch(c => c.LoadSegment(Seg.SS, 0x58)));
        Assert.Equal(before, f.Snapshot());
        Assert.Equal(0ul, f.Gdt(11) & (1ul << 40)); // not marked accessed either
    }

    [Fact]
    public void Byte_granular_limit_faults_an_access_that_ends_past_it()
    {
        // test386 POST 0x12: limit 0x9FFFF; a dword at 0x9FFFD runs past it, one at 0x9FFFC fits.
        var f = new ProtectedModeFixture();
        f.SetSegment(11, 0, 0x9FFFF, DataRW, 0);
        f.Cpu.LoadSegment(Seg.DS, 0x58);
        Assert.Equal(GP(0), f.Catch(c => c.Read32(Seg.DS, 0x9FFFD)));
        Assert.Equal(GP(0), f.Catch(c => c.Write32(Seg.DS, 0x9FFFD, 0)));
        Assert.Null(f.Catch(c => c.Read32(Seg.DS, 0x9FFFC)));
        Assert.Null(f.Catch(c => c.Write32(Seg.DS, 0x9FFFC, 0)));
        Assert.Equal(GP(0), f.Catch(c => c.Read32(Seg.DS, 0xFFFF_FFFF)));
        Assert.Equal(GP(0), f.Catch(c => c.Write32(Seg.DS, 0xFFFF_FFFF, 0)));
    }

    [Fact]
    public void Page_granular_limit_covers_the_whole_last_page()
    {
        var f = new ProtectedModeFixture();
        f.SetSegment(11, 0, 0x9F, DataRW, Gran4K);
        f.Cpu.LoadSegment(Seg.DS, 0x58);
        Assert.Null(f.Catch(c => c.Read32(Seg.DS, 0x9FFFC)));
        Assert.Equal(GP(0), f.Catch(c => c.Read32(Seg.DS, 0x9FFFD)));
    }

    [Fact]
    public void Stack_limit_violation_is_SS0_and_read_only_data_is_not_writable()
    {
        var f = new ProtectedModeFixture();
        f.SetSegment(11, 0, 0xFFF, DataRW, Big);
        f.SetSegment(12, 0, 0xFFFF, DataRO);
        f.Cpu.LoadSegment(Seg.SS, 0x58);
        f.Cpu.LoadSegment(Seg.DS, 0x60);
        Assert.Equal(SS(0), f.Catch(c => c.Read32(Seg.SS, 0xFFD)));
        Assert.Null(f.Catch(c => c.Read32(Seg.DS, 0)));
        Assert.Equal(GP(0), f.Catch(c => c.Write32(Seg.DS, 0, 1)));
    }

    [Fact]
    public void Expand_down_segment_allows_offsets_above_the_limit_up_to_64K_or_4G()
    {
        var f = new ProtectedModeFixture();
        const byte expandDown = 0x96; // data, expand-down, writable
        f.SetSegment(11, 0x10000, 0x0FFF, expandDown, 0);
        f.SetSegment(12, 0x10000, 0x0FFF, expandDown, Big);
        f.Cpu.LoadSegment(Seg.ES, 0x58);
        f.Cpu.LoadSegment(Seg.FS, 0x60);
        Assert.Equal(GP(0), f.Catch(c => c.Read8(Seg.ES, 0x0FFF)));
        Assert.Null(f.Catch(c => c.Read8(Seg.ES, 0x1000)));
        Assert.Null(f.Catch(c => c.Read16(Seg.ES, 0xFFFE)));
        Assert.Equal(GP(0), f.Catch(c => c.Read32(Seg.ES, 0xFFFD))); // ends at 0x10000
        Assert.Equal(GP(0), f.Catch(c => c.Read8(Seg.ES, 0x10000)));
        Assert.Null(f.Catch(c => c.Read8(Seg.FS, 0x10000)));
        Assert.Equal(GP(0), f.Catch(c => c.Read32(Seg.FS, 0xFFFF_FFFD)));
    }

    [Fact]
    public void Expand_down_segment_whose_limit_reaches_its_upper_bound_is_empty()
    {
        var f = new ProtectedModeFixture();
        const byte expandDown = 0x96;
        f.SetSegment(11, 0, 0xFFFFF, expandDown, Gran4K);       // limit 4 GiB − 1, B = 0
        f.SetSegment(12, 0, 0xFFFF, expandDown, 0);             // limit 0xFFFF, B = 0
        f.SetSegment(13, 0, 0xFFFFF, expandDown, Gran4K | Big); // limit 4 GiB − 1, B = 1
        foreach (ushort sel in new ushort[] { 0x58, 0x60, 0x68 })
        {
            f.Cpu.LoadSegment(Seg.ES, sel);
            Assert.Equal(GP(0), f.Catch(c => c.Read8(Seg.ES, 0)));
            Assert.Equal(GP(0), f.Catch(c => c.Read8(Seg.ES, 0xFFFF)));
        }
    }

    [Fact]
    public void MOV_to_CS_is_invalid()
    {
        var f = new ProtectedModeFixture();
        Assert.Equal(new Raised(Vector.UD, 0), f.Catch(c => c.LoadSegmentProtected(Seg.CS, FlatCode0)));
    }
}
