using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HexEmu.Domain.Cpu;

/// <summary>
/// Keeping watched pages off the TLB's fast path without changing what the guest sees.
///
/// A page with a watched byte must not be reachable by the fast path's tag compare, or accesses
/// to it would go unchecked. But the TLB is guest-visible in one way: an access that hits it
/// walks no page tables, so it sets no accessed or dirty bit (a guest that clears PTE.A without
/// INVLPG sees the difference). So arming a watchpoint neither flushes nor refills anything:
/// the tags of watched pages move to a second, "masked" tag store. The fast path misses on them;
/// the slow path finds them there, checks the access against the watchpoints and then does
/// exactly what the fast path would have done. The union of both stores is always the TLB an
/// unarmed CPU would hold, so page walks happen at the same accesses with or without traps.
/// Reads of pages watched only for writes stay on the fast path.
/// </summary>
public sealed unsafe partial class Cpu
{
    // The fields are declared in Cpu.Memory.cs, after the TLB's own: declared here, ahead of
    // them in the object's layout, they measurably slowed the memory fast path.

    /// <summary>Moves tags between the stores after the watchpoints (or their arming) changed.</summary>
    private void RemaskTlb(bool armed)
    {
        if (_watchesArmed) UnmaskAll();
        _watchesArmed = armed;
        if (!armed) return;
        EnsureMaskedStore();
        for (uint idx = 0; idx < TlbEntries; idx++) MaskEntry(idx);
    }

    private void UnmaskAll()
    {
        uint[] masked = _maskedTagStore!;
        for (int i = 0; i < masked.Length; i++)
        {
            if (masked[i] == InvalidTag) continue;
            _tagStore[i] = masked[i];
            masked[i] = InvalidTag;
        }
    }

    private void EnsureMaskedStore()
    {
        if (_maskedTagStore is not null) return;
        _maskedTagStore = GC.AllocateArray<uint>(TlbEntries * 4, pinned: true);
        _maskedTagStore.AsSpan().Fill(InvalidTag);
        uint* tags = (uint*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_maskedTagStore));
        _maskedSupRead = tags;
        _maskedSupWrite = tags + TlbEntries;
        _maskedUserRead = tags + 2 * TlbEntries;
        _maskedUserWrite = tags + 3 * TlbEntries;
        SelectMaskedTags();
    }

    /// <summary>Points the masked tags for the current privilege level (null until the store exists).</summary>
    private void SelectMaskedTags()
    {
        bool user = Cpl == 3;
        _maskedReadTag = user ? _maskedUserRead : _maskedSupRead;
        _maskedWriteTag = user ? _maskedUserWrite : _maskedSupWrite;
    }

    /// <summary>Moves the tags of entry <paramref name="idx"/> that the watchpoints need checked to the masked store.</summary>
    private void MaskEntry(uint idx)
    {
        uint page = _supReadTag[idx];
        if (page == InvalidTag) page = _supWriteTag[idx];
        if (page == InvalidTag) page = _userReadTag[idx];
        if (page == InvalidTag) page = _userWriteTag[idx];
        if (page == InvalidTag) return;
        Debug.WatchedAccesses(page, out bool reads, out bool writes);
        if (reads)
        {
            MoveTag(_supReadTag, _maskedSupRead, idx);
            MoveTag(_userReadTag, _maskedUserRead, idx);
        }
        if (writes)
        {
            MoveTag(_supWriteTag, _maskedSupWrite, idx);
            MoveTag(_userWriteTag, _maskedUserWrite, idx);
        }

        static void MoveTag(uint* from, uint* to, uint idx)
        {
            if (from[idx] == InvalidTag) return;
            to[idx] = from[idx];
            from[idx] = InvalidTag;
        }
    }

    private void InvalidateMaskedEntry(uint idx) =>
        _maskedSupRead[idx] = _maskedSupWrite[idx] = _maskedUserRead[idx] = _maskedUserWrite[idx] = InvalidTag;

    /// <summary>
    /// A read that missed the fast path while watchpoints are armed: when the masked store holds
    /// the page (the fast path would have hit), the access is checked and done as the fast path
    /// does it, without a page walk.
    /// </summary>
    private bool TryReadMasked(uint lin, int size, bool user, out uint value)
    {
        uint idx = (lin >> 12) & TlbMask;
        uint* tags = user ? _maskedUserRead : _maskedSupRead;
        if (tags[idx] != lin >> 12 || CrossesPage(lin, size))
        {
            value = 0;
            return false;
        }
        CheckWatch(lin, size, write: false);
        byte* host = (byte*)(_tlbHost[idx] + (nint)lin);
        value = size == 1 ? *host : size == 2 ? *(ushort*)host : *(uint*)host;
        return true;
    }

    /// <summary>The write counterpart of <see cref="TryReadMasked"/>.</summary>
    private bool TryWriteMasked(uint lin, int size, uint value, bool user)
    {
        uint idx = (lin >> 12) & TlbMask;
        uint* tags = user ? _maskedUserWrite : _maskedSupWrite;
        if (tags[idx] != lin >> 12 || CrossesPage(lin, size)) return false;
        CheckWatch(lin, size, write: true);
        byte* host = (byte*)(_tlbHost[idx] + (nint)lin);
        if (size == 1) *host = (byte)value;
        else if (size == 2) *(ushort*)host = (ushort)value;
        else *(uint*)host = value;
        return true;
    }
}
