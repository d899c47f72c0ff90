using HexEmu.Domain.State;

namespace HexEmu.Domain.Cpu;

/// <summary>
/// The TLB's contents, taken and put back by in-memory checkpoints. The TLB is not architectural
/// state, yet a guest can tell it is there: an access that hits it walks no page tables, so it
/// sets no accessed bit (Linux clears PTE.A without INVLPG when it ages pages) and it keeps using
/// a translation the guest changed without INVLPG. A checkpoint restored with an empty TLB could
/// therefore run differently from the run it was taken in; with its TLB it runs the same.
/// </summary>
public sealed class TlbContents
{
    internal TlbContents(Entry[] entries, bool largePages)
    {
        Entries = entries;
        LargePages = largePages;
    }

    /// <summary>One valid entry: its slot, its four tags, and the physical page it maps.</summary>
    internal readonly record struct Entry(uint Index, uint SupRead, uint SupWrite, uint UserRead, uint UserWrite, uint PhysPage);

    internal Entry[] Entries { get; }
    internal bool LargePages { get; }

    /// <summary>Bytes this copy holds (for checkpoint budgets).</summary>
    public long Bytes => 32L + Entries.Length * 24L;

    public const string StateSection = "tlb";
    public const ushort StateVersion = 1;

    /// <summary>
    /// As a state section (VM snapshots): large pages seen (u8), the entry count (u32), then per
    /// entry its slot (u16), its four tags — supervisor read, supervisor write, user read, user
    /// write; 0xFFFFFFFF for none — and its physical page (u32 each).
    /// </summary>
    public void Save(StateWriter w)
    {
        w.BeginSection(StateSection, StateVersion);
        w.WriteBool(LargePages);
        w.WriteU32((uint)Entries.Length);
        foreach (var e in Entries)
        {
            w.WriteU16((ushort)e.Index);
            w.WriteU32(e.SupRead);
            w.WriteU32(e.SupWrite);
            w.WriteU32(e.UserRead);
            w.WriteU32(e.UserWrite);
            w.WriteU32(e.PhysPage);
        }
        w.EndSection();
    }

    /// <summary>Reads <see cref="Save"/>'s section, checking every entry could be one this TLB holds.</summary>
    public static TlbContents Read(StateReader r)
    {
        var s = r.Open(StateSection, StateVersion);
        bool large = s.ReadBool();
        uint count = s.ReadU32();
        if (count > 1u << 12) throw new StateFormatException($"section '{StateSection}': {count} entries in a TLB of 4096");
        var entries = new Entry[count];
        for (int k = 0; k < count; k++)
        {
            var e = new Entry(s.ReadU16(), s.ReadU32(), s.ReadU32(), s.ReadU32(), s.ReadU32(), s.ReadU32());
            uint page = Math.Min(Math.Min(e.SupRead, e.SupWrite), Math.Min(e.UserRead, e.UserWrite));
            bool tagsValid = page != Cpu.InvalidTag && (page & 0xFFF) == e.Index &&
                             new[] { e.SupRead, e.SupWrite, e.UserRead, e.UserWrite }.All(t => t == Cpu.InvalidTag || t == page);
            if (e.Index >= 1u << 12 || !tagsValid || e.PhysPage >= 1u << 20)
                throw new StateFormatException($"section '{StateSection}': entry {k} is not a TLB entry");
            entries[k] = e;
        }
        s.End();
        return new TlbContents(entries, large);
    }
}

public sealed unsafe partial class Cpu
{
    /// <summary>The TLB as it is (the masked store of armed watchpoints included: together they are the TLB).</summary>
    public TlbContents CaptureTlb()
    {
        var entries = new List<TlbContents.Entry>();
        for (uint idx = 0; idx < TlbEntries; idx++)
        {
            uint supRead = TagAt(_supReadTag, _maskedSupRead, idx), supWrite = TagAt(_supWriteTag, _maskedSupWrite, idx);
            uint userRead = TagAt(_userReadTag, _maskedUserRead, idx), userWrite = TagAt(_userWriteTag, _maskedUserWrite, idx);
            if ((supRead & supWrite & userRead & userWrite) == InvalidTag) continue;
            entries.Add(new TlbContents.Entry(idx, supRead, supWrite, userRead, userWrite, _tlbPhysPage[idx]));
        }
        return new TlbContents([.. entries], _tlbHasLargePages);
    }

    private uint TagAt(uint* tags, uint* masked, uint idx) =>
        tags[idx] != InvalidTag || !_watchesArmed ? tags[idx] : masked[idx];

    /// <summary>
    /// Replaces the TLB with <paramref name="contents"/>, after the machine's state (RAM, A20,
    /// memory map) was put back to what it was when they were captured. Pages it may write
    /// directly are marked dirty, as filling those entries did.
    /// </summary>
    public void RestoreTlb(TlbContents contents)
    {
        FlushTlb();
        foreach (var e in contents.Entries)
        {
            byte* host = Memory.HostPage(e.PhysPage, out bool writable);
            if (host == null) continue;
            uint page = e.SupRead != InvalidTag ? e.SupRead : e.SupWrite != InvalidTag ? e.SupWrite : e.UserRead != InvalidTag ? e.UserRead : e.UserWrite;
            uint idx = e.Index;
            _tlbHost[idx] = (nint)host - (nint)(page << 12);
            _tlbPhysPage[idx] = e.PhysPage;
            _supReadTag[idx] = e.SupRead;
            _userReadTag[idx] = e.UserRead;
            // A page that holds cached code now is written through the slow path, as FillTlb would have it.
            if (writable)
            {
                _supWriteTag[idx] = e.SupWrite;
                _userWriteTag[idx] = e.UserWrite;
                if ((e.SupWrite & e.UserWrite) != InvalidTag) Memory.MarkDirty(e.PhysPage);
            }
            if (_watchesArmed) MaskEntry(idx);
        }
        _tlbHasLargePages = contents.LargePages;
    }
}
