using HexEmu.Domain.Memory;
using HexEmu.Domain.State;

namespace HexEmu.Domain.Machine;

/// <summary>
/// A 64-bit fingerprint of the machine's state for replay checkpoints: a recording writes it,
/// a replay computes it at the same icount and stops if the two differ (ARCHITECTURE.md §2).
/// </summary>
public sealed partial class PcMachine
{
    // Reused by every call: a checkpoint every few million instructions must not make garbage.
    private StateWriter? _digestSections;
    private StateDigest? _digest;
    private StateDigest? _ramDigest;
    private ulong[]? _nonZeroPages;

    /// <summary>
    /// XXH64 of the CPU, the clock and every device: the bytes <see cref="SaveState"/> writes for
    /// them, plus the A20 gate and RAM size; with <paramref name="includeRam"/>, of RAM's contents
    /// too. Like <see cref="SaveState"/> it brings the timers up to "now" first, which the next
    /// <see cref="Run"/> would do anyway; nothing else changes, and after the first call nothing
    /// is allocated. The value is the same on every host (integers little-endian) but is no file
    /// format: compare it only with digests from the same HexEmu version.
    /// </summary>
    public ulong ComputeStateDigest(bool includeRam)
    {
        var sections = _digestSections ??= new StateWriter();
        var digest = _digest ??= new StateDigest();
        sections.Clear();
        SaveSections(sections, includeMemory: false);
        digest.Reset();
        digest.Append(sections.Written);
        digest.AppendU32(Memory.A20Mask);
        digest.AppendU32(Memory.RamSize);
        if (includeRam) digest.AppendU64(RamDigest());
        return digest.Value;
    }

    /// <summary>
    /// XXH64 of RAM's non-zero pages in address order, then of the bitmap saying which pages
    /// those were. Skipping zero pages keeps a mostly empty 128 MiB cheap, and hashing whole
    /// pages in a digest of their own keeps every read 32-byte aligned.
    /// </summary>
    private ulong RamDigest()
    {
        ReadOnlySpan<byte> ram = Memory.Ram;
        int pageSize = (int)PhysicalMemory.PageSize;
        int pages = (ram.Length + pageSize - 1) / pageSize;
        var nonZero = _nonZeroPages ??= new ulong[(pages + 63) / 64];
        Array.Clear(nonZero);
        var digest = _ramDigest ??= new StateDigest();
        digest.Reset();
        for (int page = 0; page < pages; page++)
        {
            int at = page * pageSize;
            var bytes = ram.Slice(at, Math.Min(pageSize, ram.Length - at));
            if (!bytes.ContainsAnyExcept((byte)0)) continue;
            nonZero[page >> 6] |= 1UL << (page & 63);
            digest.Append(bytes);
        }
        foreach (ulong word in nonZero) digest.AppendU64(word);
        return digest.Value;
    }
}
