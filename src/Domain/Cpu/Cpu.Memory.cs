using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HexEmu.Domain.Memory;

namespace HexEmu.Domain.Cpu;

/// <summary>
/// Guest memory access: segment checks, then a software TLB that maps a linear page straight to
/// host memory. The fast path of every access is one range check on the segment, one tag compare
/// and one load or store; everything else (page walks, page-crossing accesses, MMIO, writes to
/// pages holding cached code, faults) goes through the slow paths below.
///
/// The TLB keeps separate tags for supervisor and user reads and writes, filled together from
/// one page walk, so a privilege check costs nothing on the fast path: the tag for an access
/// that is not allowed is simply never set.
/// </summary>
public sealed unsafe partial class Cpu
{
    private const int TlbBits = 12;
    private const int TlbEntries = 1 << TlbBits;
    private const uint TlbMask = TlbEntries - 1;
    internal const uint InvalidTag = 0xFFFF_FFFF;

    // Pinned arrays, accessed through pointers to keep bounds checks off the hot path.
    private uint[] _tagStore = null!;
    private nint[] _hostStore = null!;
    private uint[] _physStore = null!;
    private uint* _supReadTag, _supWriteTag, _userReadTag, _userWriteTag;
    /// <summary>Tags for the current privilege level: point at the supervisor or user arrays.</summary>
    private uint* _readTag, _writeTag;
    /// <summary>Host address of the page minus its linear address, so host = entry + linear.</summary>
    private nint* _tlbHost;
    /// <summary>Physical page number of the entry.</summary>
    private uint* _tlbPhysPage;

    // The masked tag store of Cpu.DebugTlb.cs. Same layout as the tag store (supervisor read,
    // supervisor write, user read, user write); allocated the first time watchpoints are armed,
    // all invalid whenever they are not.
    private uint[]? _maskedTagStore;
    private uint* _maskedSupRead, _maskedSupWrite, _maskedUserRead, _maskedUserWrite;
    /// <summary>The masked tags for the current privilege level (see <see cref="SetCpl"/>).</summary>
    private uint* _maskedReadTag, _maskedWriteTag;
    /// <summary>Watchpoints are armed: watched pages' tags live in the masked store (Cpu.DebugTlb.cs).</summary>
    private bool _watchesArmed;

    private void InitTlb()
    {
        _tagStore = GC.AllocateArray<uint>(TlbEntries * 4, pinned: true);
        _hostStore = GC.AllocateArray<nint>(TlbEntries, pinned: true);
        _physStore = GC.AllocateArray<uint>(TlbEntries, pinned: true);
        uint* tags = (uint*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_tagStore));
        _supReadTag = tags;
        _supWriteTag = tags + TlbEntries;
        _userReadTag = tags + 2 * TlbEntries;
        _userWriteTag = tags + 3 * TlbEntries;
        _tlbHost = (nint*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_hostStore));
        _tlbPhysPage = (uint*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_physStore));
        _readTag = _supReadTag;
        _writeTag = _supWriteTag;
    }

    /// <summary>
    /// Set when a 4 MiB page was translated since the last full flush: the TLB then holds one
    /// entry per 4 KiB piece of it, and INVLPG must drop them all.
    /// </summary>
    private bool _tlbHasLargePages;

    /// <summary>Drops every translation (CR3 load, paging mode change, A20, memory map change).</summary>
    public void FlushTlb()
    {
        _tagStore.AsSpan().Fill(InvalidTag);
        if (_watchesArmed) _maskedTagStore.AsSpan().Fill(InvalidTag);
        _tlbHasLargePages = false;
    }

    /// <summary>
    /// Drops the translation of the page holding <paramref name="linear"/> (INVLPG). When 4 MiB
    /// pages are in use, the whole 4 MiB region around it is dropped, since INVLPG of any address
    /// in a large page invalidates all of it (SDM vol. 3, 4.10.4.1).
    /// </summary>
    public void FlushTlbPage(uint linear)
    {
        if (_tlbHasLargePages)
        {
            uint first = linear >> 12 & ~0x3FFu;
            for (uint page = first; page < first + 1024; page++) InvalidateTlbEntry(page & TlbMask);
            return;
        }
        InvalidateTlbEntry((linear >> 12) & TlbMask);
    }

    private void InvalidateTlbEntry(uint idx)
    {
        _supReadTag[idx] = _supWriteTag[idx] = _userReadTag[idx] = _userWriteTag[idx] = InvalidTag;
        if (_watchesArmed) InvalidateMaskedEntry(idx);
    }

    /// <summary>Sets the current privilege level and points the TLB at the matching tags.</summary>
    public void SetCpl(int cpl)
    {
        Cpl = cpl;
        bool user = cpl == 3;
        _readTag = user ? _userReadTag : _supReadTag;
        _writeTag = user ? _userWriteTag : _supWriteTag;
        SelectMaskedTags();
    }

    // ---- segment-relative access: what instructions use ----

    // Each access reads the segment cache through one reference: one bounds check, and the base
    // comes from the same cache line as the limits just checked.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint CheckRead(int seg, uint offset, int size)
    {
        ref SegmentCache s = ref Segs[seg];
        if (!s.CanRead || offset < s.MinOffset || (ulong)offset + (uint)(size - 1) > s.MaxOffset)
            SegmentFault(seg);
        return s.Base + offset;
    }

    /// <summary>Checks a write of <paramref name="size"/> bytes at <paramref name="seg"/>:<paramref name="offset"/>; returns its linear address.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint CheckWrite(int seg, uint offset, int size)
    {
        ref SegmentCache s = ref Segs[seg];
        if (!s.CanWrite || offset < s.MinOffset || (ulong)offset + (uint)(size - 1) > s.MaxOffset)
            SegmentFault(seg);
        return s.Base + offset;
    }

    /// <summary>
    /// A limit or rights violation: #SS(0) on the stack segment, #GP(0) otherwise
    /// (Intel SDM vol. 3, 6.15, interrupts 12 and 13; real mode raises the same vectors).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void SegmentFault(int seg)
    {
        Fault(seg == Seg.SS ? Vector.SS : Vector.GP, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte Read8(int seg, uint offset) => ReadLinear8(CheckRead(seg, offset, 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort Read16(int seg, uint offset) => ReadLinear16(CheckRead(seg, offset, 2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Read32(int seg, uint offset) => ReadLinear32(CheckRead(seg, offset, 4));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write8(int seg, uint offset, byte value) => WriteLinear8(CheckWrite(seg, offset, 1), value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write16(int seg, uint offset, ushort value) => WriteLinear16(CheckWrite(seg, offset, 2), value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write32(int seg, uint offset, uint value) => WriteLinear32(CheckWrite(seg, offset, 4), value);

    /// <summary>
    /// The read half of a read-modify-write: checks write permission on the segment and the page
    /// too, so that the write that follows cannot fault and the instruction stays restartable.
    /// </summary>
    public byte ReadRmw8(int seg, uint offset)
    {
        uint lin = CheckWrite(seg, offset, 1);
        ProbeWrite(lin, 1);
        return ReadLinear8(lin);
    }

    public ushort ReadRmw16(int seg, uint offset)
    {
        uint lin = CheckWrite(seg, offset, 2);
        ProbeWrite(lin, 2);
        return ReadLinear16(lin);
    }

    public uint ReadRmw32(int seg, uint offset)
    {
        uint lin = CheckWrite(seg, offset, 4);
        ProbeWrite(lin, 4);
        return ReadLinear32(lin);
    }

    /// <summary>Faults now if a write of <paramref name="size"/> bytes at <paramref name="linear"/> would fault.</summary>
    public void ProbeWrite(uint linear, int size)
    {
        uint idx = (linear >> 12) & TlbMask;
        if (_writeTag[idx] == linear >> 12 && (linear & 0xFFF) <= 0x1000 - (uint)size) return;
        ProbeWriteMiss(linear, size);
    }

    private void ProbeWriteMiss(uint linear, int size)
    {
        // A page watched for writes is in the TLB all the same (Cpu.DebugTlb.cs): no walk.
        uint idx = (linear >> 12) & TlbMask;
        if (_watchesArmed && _maskedWriteTag[idx] == linear >> 12 && (linear & 0xFFF) <= 0x1000 - (uint)size) return;
        Translate(linear, write: true, user: Cpl == 3);
        if (CrossesPage(linear, size)) Translate(SecondPage(linear), write: true, user: Cpl == 3);
    }

    /// <summary>Faults now if a read of <paramref name="size"/> bytes at <paramref name="linear"/> would fault.</summary>
    public void ProbeRead(uint linear, int size)
    {
        Translate(linear, write: false, user: Cpl == 3);
        if (CrossesPage(linear, size)) Translate(SecondPage(linear), write: false, user: Cpl == 3);
    }

    /// <summary>Checks a segment-relative access without performing it (for instructions that must check before committing).</summary>
    public void CheckAccess(int seg, uint offset, int size, bool write)
    {
        uint lin = write ? CheckWrite(seg, offset, size) : CheckRead(seg, offset, size);
        if (write) ProbeWrite(lin, size); else ProbeRead(lin, size);
    }

    // ---- linear access at the current privilege level ----

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadLinear8(uint lin)
    {
        uint idx = (lin >> 12) & TlbMask;
        if (_readTag[idx] == lin >> 12) return *(byte*)(_tlbHost[idx] + (nint)lin);
        return (byte)ReadLinearSlow(lin, 1, Cpl == 3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ushort ReadLinear16(uint lin)
    {
        uint idx = (lin >> 12) & TlbMask;
        if (_readTag[idx] == lin >> 12 && (lin & 0xFFF) <= 0xFFE) return *(ushort*)(_tlbHost[idx] + (nint)lin);
        return (ushort)ReadLinearSlow(lin, 2, Cpl == 3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadLinear32(uint lin)
    {
        uint idx = (lin >> 12) & TlbMask;
        if (_readTag[idx] == lin >> 12 && (lin & 0xFFF) <= 0xFFC) return *(uint*)(_tlbHost[idx] + (nint)lin);
        return ReadLinearSlow(lin, 4, Cpl == 3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteLinear8(uint lin, byte value)
    {
        uint idx = (lin >> 12) & TlbMask;
        if (_writeTag[idx] == lin >> 12) { *(byte*)(_tlbHost[idx] + (nint)lin) = value; return; }
        WriteLinearSlow(lin, 1, value, Cpl == 3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteLinear16(uint lin, ushort value)
    {
        uint idx = (lin >> 12) & TlbMask;
        if (_writeTag[idx] == lin >> 12 && (lin & 0xFFF) <= 0xFFE) { *(ushort*)(_tlbHost[idx] + (nint)lin) = value; return; }
        WriteLinearSlow(lin, 2, value, Cpl == 3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteLinear32(uint lin, uint value)
    {
        uint idx = (lin >> 12) & TlbMask;
        if (_writeTag[idx] == lin >> 12 && (lin & 0xFFF) <= 0xFFC) { *(uint*)(_tlbHost[idx] + (nint)lin) = value; return; }
        WriteLinearSlow(lin, 4, value, Cpl == 3);
    }

    // ---- system accesses: descriptor tables, TSS, IDT are read with supervisor rights at any CPL ----

    // They never use the TLB's fast path, so they never use its masked tags either (Cpu.DebugTlb.cs).
    public uint ReadSystem(uint lin, int size) => ReadTranslated(lin, size, user: false);

    public void WriteSystem(uint lin, int size, uint value) => WriteTranslated(lin, size, value, user: false);

    // ---- slow paths ----

    private static bool CrossesPage(uint lin, int size) => (lin & 0xFFF) + (uint)size > 0x1000;

    /// <summary>
    /// The first byte of the page after <paramref name="lin"/>'s: where the second half of a
    /// page-crossing access starts, and so the address CR2 reports when that half faults.
    /// </summary>
    private static uint SecondPage(uint lin) => (lin | 0xFFF) + 1;

    /// <summary>A read that missed the TLB's fast path.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private uint ReadLinearSlow(uint lin, int size, bool user)
    {
        if (_watchesArmed && TryReadMasked(lin, size, user, out uint masked)) return masked;
        return ReadTranslated(lin, size, user);
    }

    /// <summary>A read through a page walk (which fills the TLB).</summary>
    private uint ReadTranslated(uint lin, int size, bool user)
    {
        if (CrossesPage(lin, size))
        {
            // Page-crossing: translate both pages before reading, so a fault on the second one is
            // raised with nothing read; reads have no side effects but the accessed bits.
            uint phys0 = Translate(lin, write: false, user);
            uint phys1 = Translate(SecondPage(lin), write: false, user);
            if (_watchesArmed) CheckWatch(lin, size, write: false);
            uint value = 0;
            for (int i = 0; i < size; i++)
            {
                uint a = lin + (uint)i;
                uint phys = (((a ^ lin) >> 12 == 0 ? phys0 : phys1) & ~0xFFFu) | (a & 0xFFF);
                value |= Memory.Read(phys, 1) << (8 * i);
            }
            return value;
        }
        uint p = Translate(lin, write: false, user);
        if (_watchesArmed) CheckWatch(lin, size, write: false);
        return Memory.Read(p, size);
    }

    /// <summary>A write that missed the TLB's fast path.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteLinearSlow(uint lin, int size, uint value, bool user)
    {
        if (_watchesArmed && TryWriteMasked(lin, size, value, user)) return;
        WriteTranslated(lin, size, value, user);
    }

    /// <summary>A write through a page walk (which fills the TLB).</summary>
    private void WriteTranslated(uint lin, int size, uint value, bool user)
    {
        if (CrossesPage(lin, size))
        {
            // Both pages are translated (and may fault) before the first byte is written.
            uint phys0 = Translate(lin, write: true, user);
            uint phys1 = Translate(SecondPage(lin), write: true, user);
            if (_watchesArmed) CheckWatch(lin, size, write: true);
            for (int i = 0; i < size; i++)
            {
                uint a = lin + (uint)i;
                uint phys = (((a ^ lin) >> 12 == 0 ? phys0 : phys1) & ~0xFFFu) | (a & 0xFFF);
                Memory.Write(phys, 1, value >> (8 * i));
            }
            return;
        }
        uint p = Translate(lin, write: true, user);
        if (_watchesArmed) CheckWatch(lin, size, write: true);
        Memory.Write(p, size, value);
    }

    /// <summary>
    /// Linear → physical for one access, raising #PF when paging forbids it; fills the TLB so the
    /// next access to the page takes the fast path.
    /// </summary>
    public uint Translate(uint lin, bool write, bool user)
    {
        uint phys;
        PagePermissions perms;
        if (PagingEnabled)
            phys = WalkPageTables(lin, write, user, out perms);
        else
        {
            phys = lin & Memory.A20Mask;
            perms = PagePermissions.All;
        }
        FillTlb(lin, phys, perms);
        return phys;
    }

    private void FillTlb(uint lin, uint phys, PagePermissions perms)
    {
        uint page = lin >> 12;
        uint idx = page & TlbMask;
        byte* host = Memory.HostPage(phys >> 12, out bool writable);
        _supReadTag[idx] = _supWriteTag[idx] = _userReadTag[idx] = _userWriteTag[idx] = InvalidTag;
        if (_watchesArmed) InvalidateMaskedEntry(idx);
        if (host == null) return;
        _tlbHost[idx] = (nint)host - (nint)(lin & ~0xFFFu);
        _tlbPhysPage[idx] = phys >> 12;
        _supReadTag[idx] = page;
        if ((perms & PagePermissions.UserRead) != 0) _userReadTag[idx] = page;
        if (writable)
        {
            bool anyWrite = false;
            if ((perms & PagePermissions.SupervisorWrite) != 0) { _supWriteTag[idx] = page; anyWrite = true; }
            if ((perms & PagePermissions.UserWrite) != 0) { _userWriteTag[idx] = page; anyWrite = true; }
            if (anyWrite) Memory.MarkDirty(phys >> 12);
        }
        if (_watchesArmed) MaskEntry(idx);
    }

    /// <summary>
    /// A new dirty-tracking epoch began without a TLB flush: marks dirty every physical page the
    /// TLB may still write to directly, as filling those entries did (<see cref="FillTlb"/>).
    /// </summary>
    private void MarkDirectlyWritablePagesDirty()
    {
        for (uint idx = 0; idx < TlbEntries; idx++)
            if (_supWriteTag[idx] != InvalidTag || _userWriteTag[idx] != InvalidTag)
                Memory.MarkDirty(_tlbPhysPage[idx]);
    }

    /// <summary>The physical address behind a linear one at the current privilege, for instruction fetch.</summary>
    internal uint TranslateFetch(uint lin)
    {
        uint idx = (lin >> 12) & TlbMask;
        if (_readTag[idx] == lin >> 12) return (_tlbPhysPage[idx] << 12) | (lin & 0xFFF);
        return TranslateFetchMiss(lin);
    }

    /// <summary>Kept out of line so that <see cref="TranslateFetch"/>, run at every block, stays small.</summary>
    private uint TranslateFetchMiss(uint lin)
    {
        // A page watched for reads is in the TLB all the same (Cpu.DebugTlb.cs): no walk.
        uint idx = (lin >> 12) & TlbMask;
        if (_watchesArmed && _maskedReadTag[idx] == lin >> 12) return (_tlbPhysPage[idx] << 12) | (lin & 0xFFF);
        return Translate(lin, write: false, user: Cpl == 3);
    }
}

/// <summary>What a page translation allows, for the TLB's four tag sets.</summary>
[Flags]
public enum PagePermissions : byte
{
    None = 0,
    UserRead = 1,
    UserWrite = 2,
    SupervisorWrite = 4,
    /// <summary>The dirty bit is set, so writes need no page-table update.</summary>
    All = UserRead | UserWrite | SupervisorWrite,
}
