using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace HexEmu.Domain.Cpu;

/// <summary>
/// Guest memory as a debugger (GDB's m/M/X, the monitor) reads and writes it: at linear
/// addresses through the guest's current paging (<see cref="TryTranslateForDebugger"/>: no
/// rights checks, no accessed or dirty bits, no faults), without watchpoint checks, without
/// touching devices.
/// </summary>
public sealed unsafe partial class Cpu
{
    /// <summary>
    /// Copies guest memory from linear address <paramref name="linear"/> into
    /// <paramref name="destination"/>; returns how many bytes from the start could be read: it
    /// stops at the first page that is not mapped or not RAM or ROM (device memory, nothing),
    /// and at the end of the 4 GiB linear space.
    /// </summary>
    public int PeekLinear(uint linear, Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            ulong at = (ulong)linear + (uint)done;
            if (at > uint.MaxValue || !TryTranslateForDebugger((uint)at, out uint phys)) break;
            int n = Math.Min(destination.Length - done, (int)(0x1000 - (at & 0xFFF)));
            if (!Memory.TryPeek(phys, destination.Slice(done, n))) break;
            done += n;
        }
        return done;
    }

    /// <summary>
    /// Writes <paramref name="source"/> to guest memory at linear address <paramref name="linear"/>:
    /// all of it, or nothing (false) when any byte is not mapped or not RAM (ROM, device memory).
    /// The pages written are marked dirty (incremental snapshots must see them) and decoded code
    /// covering the bytes is dropped so it is decoded again as now written; no page-table bit
    /// changes.
    /// </summary>
    public bool TryPokeLinear(uint linear, ReadOnlySpan<byte> source)
    {
        if ((ulong)linear + (uint)source.Length > 0x1_0000_0000UL) return false;
        // Every page is checked before the first byte is written.
        for (int done = 0; done < source.Length; done += BytesInPage(linear + (uint)done, source.Length - done))
            if (!TryTranslateForDebugger(linear + (uint)done, out uint phys) || RamPointer(phys) == null) return false;

        for (int done = 0; done < source.Length;)
        {
            uint at = linear + (uint)done;
            int n = BytesInPage(at, source.Length - done);
            TryTranslateForDebugger(at, out uint phys);
            source.Slice(done, n).CopyTo(new Span<byte>(RamPointer(phys), n));
            Memory.MarkDirty(phys >> 12);
            _blocks.InvalidateRange(phys, (uint)n);
            done += n;
        }
        return true;

        static int BytesInPage(uint at, int left) => Math.Min(left, (int)(0x1000 - (at & 0xFFF)));
    }

    /// <summary>The host address of physical byte <paramref name="phys"/> when it is RAM (not ROM, not a device), else null.</summary>
    private byte* RamPointer(uint phys)
    {
        byte* page = Memory.HostPage(phys >> 12, out _);
        if (page == null) return null;
        byte* ram = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(Memory.Ram));
        if (page < ram || page >= ram + Memory.RamSize) return null; // ROM (its alias below 1 MiB included)
        return page + (phys & 0xFFF);
    }
}
