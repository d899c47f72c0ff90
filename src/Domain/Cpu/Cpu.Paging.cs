namespace HexEmu.Domain.Cpu;

/// <summary>
/// Two-level paging with 4 KiB pages, and 4 MiB pages when CR4.PSE is set
/// (Intel SDM vol. 3, 4.3 "32-bit paging").
/// </summary>
public sealed partial class Cpu
{
    private const uint PtePresent = 1, PteWritable = 2, PteUser = 4, PteAccessed = 0x20, PteDirty = 0x40, PdePageSize = 0x80;

    /// <summary>
    /// Walks the page tables for one access. The accessed bits are set only once the whole walk
    /// has succeeded (both levels present, rights allowed), directory entry first, and the dirty
    /// bit on writes: on a fault the entries are left untouched. This is what the 386 does and
    /// what test386 checks in POST 0x11 (its #PF handler requires PDE.A = 0 and PTE.A = PTE.D = 0
    /// after a not-present or protection fault at either level). Raises #PF with CR2 =
    /// <paramref name="lin"/> and the error code P | W/R | U/S (SDM vol. 3, 4.7).
    /// </summary>
    private uint WalkPageTables(uint lin, bool write, bool user, out PagePermissions perms)
    {
        uint a20 = Memory.A20Mask;
        uint pdeAddr = ((Cr3 & 0xFFFF_F000) | ((lin >> 20) & 0xFFC)) & a20;
        uint pde = Memory.Read(pdeAddr, 4);
        if ((pde & PtePresent) == 0) PageFault(lin, write, user, protection: false);

        if ((pde & PdePageSize) != 0 && (Cr4 & CR4.PSE) != 0)
        {
            // A 4 MiB page: the directory entry is the last level and has its own dirty bit (SDM vol. 3, 4.3).
            CheckPageRights(lin, pde, write, user);
            _tlbHasLargePages = true;
            uint updated = pde | PteAccessed | (write ? PteDirty : 0);
            if (updated != pde) Memory.Write(pdeAddr, 4, updated);
            perms = Permissions(updated);
            return ((pde & 0xFFC0_0000) | (lin & 0x003F_FFFF)) & a20;
        }

        uint pteAddr = ((pde & 0xFFFF_F000) | ((lin >> 10) & 0xFFC)) & a20;
        uint pte = Memory.Read(pteAddr, 4);
        if ((pte & PtePresent) == 0) PageFault(lin, write, user, protection: false);

        // Rights are the more restrictive of the two levels (SDM vol. 3, 4.6.1).
        uint combined = pte & (pde | ~(PteUser | PteWritable));
        CheckPageRights(lin, combined, write, user);

        if ((pde & PteAccessed) == 0) Memory.Write(pdeAddr, 4, pde | PteAccessed);
        uint newPte = pte | PteAccessed | (write ? PteDirty : 0);
        if (newPte != pte) Memory.Write(pteAddr, 4, newPte);
        perms = Permissions((combined & ~PteDirty) | (newPte & PteDirty));
        return ((pte & 0xFFFF_F000) | (lin & 0xFFF)) & a20;
    }

    /// <summary>
    /// The physical address a debugger (monitor, GDB) sees behind linear address
    /// <paramref name="linear"/>: the page walk without rights checks, without setting accessed or
    /// dirty bits and without faulting. False when paging is on and the page is not present.
    /// </summary>
    public bool TryTranslateForDebugger(uint linear, out uint physical)
    {
        uint a20 = Memory.A20Mask;
        physical = linear & a20;
        if ((Cr0 & CR0.PG) == 0) return true;
        uint pde = Memory.Read(((Cr3 & 0xFFFF_F000) | ((linear >> 20) & 0xFFC)) & a20, 4);
        if ((pde & PtePresent) == 0) return false;
        if ((pde & PdePageSize) != 0 && (Cr4 & CR4.PSE) != 0)
        {
            physical = ((pde & 0xFFC0_0000) | (linear & 0x003F_FFFF)) & a20;
            return true;
        }
        uint pte = Memory.Read(((pde & 0xFFFF_F000) | ((linear >> 10) & 0xFFC)) & a20, 4);
        if ((pte & PtePresent) == 0) return false;
        physical = ((pte & 0xFFFF_F000) | (linear & 0xFFF)) & a20;
        return true;
    }

    private void CheckPageRights(uint lin, uint entry, bool write, bool user)
    {
        bool writable = (entry & PteWritable) != 0;
        if (user)
        {
            if ((entry & PteUser) == 0 || (write && !writable)) PageFault(lin, write, user, protection: true);
        }
        else if (write && !writable && (Cr0 & CR0.WP) != 0)
            PageFault(lin, write, user, protection: true);
    }

    /// <summary>What the TLB may do with this page without another walk; writes only once the page is dirty.</summary>
    private PagePermissions Permissions(uint entry)
    {
        var p = PagePermissions.None;
        bool user = (entry & PteUser) != 0, writable = (entry & PteWritable) != 0, dirty = (entry & PteDirty) != 0;
        if (user) p |= PagePermissions.UserRead;
        if (dirty)
        {
            if (user && writable) p |= PagePermissions.UserWrite;
            if (writable || (Cr0 & CR0.WP) == 0) p |= PagePermissions.SupervisorWrite;
        }
        return p;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void PageFault(uint lin, bool write, bool user, bool protection)
    {
        Cr2 = lin;
        Fault(Vector.PF, (protection ? 1u : 0) | (write ? 2u : 0) | (user ? 4u : 0));
    }
}
