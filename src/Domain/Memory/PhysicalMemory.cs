using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using HexEmu.Domain.State;

namespace HexEmu.Domain.Memory;

/// <summary>
/// The physical address space: RAM from address 0, a firmware ROM at the top of the 4 GiB space
/// (its last 128 KiB also aliased just below 1 MiB, as a PC chipset does), memory-mapped devices,
/// and nothing elsewhere (reads give all ones, writes are dropped).
///
/// RAM and ROM live in pinned arrays so that the CPU's TLB can hold raw host pointers to their
/// pages: the memory fast path is then one tag compare and one load.
/// </summary>
public sealed unsafe class PhysicalMemory
{
    public const int PageShift = 12;
    public const uint PageSize = 1u << PageShift;

    /// <summary>The most RAM one .NET array holds (just under 2 GiB); larger sizes are capped to it.</summary>
    public const uint MaxRamBytes = int.MaxValue - 4095;

    private readonly byte[] _ram;
    private readonly byte* _ramBase;
    private byte[] _rom = [];
    private byte* _romBase;
    private uint _romHighStart;          // first address of the ROM at the top of 4 GiB
    private uint _romLowStart, _romLowEnd; // the alias below 1 MiB, [start, end)
    private readonly List<(uint Start, uint End, IMmioDevice Device)> _mmio = [];

    /// <summary>Per RAM page: non-zero while decoded code from that page sits in a block cache.</summary>
    private readonly byte[] _codePages;

    /// <summary>Per RAM page: set on every write, so snapshots can be incremental.</summary>
    private readonly ulong[] _dirtyBits;

    public PhysicalMemory(uint ramBytes)
    {
        if (ramBytes == 0 || ramBytes % PageSize != 0)
            throw new ArgumentOutOfRangeException(nameof(ramBytes), "RAM size must be a non-zero multiple of 4 KiB");
        _ram = GC.AllocateArray<byte>((int)Math.Min(ramBytes, MaxRamBytes), pinned: true);
        _ramBase = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_ram));
        RamSize = (uint)_ram.Length;
        _codePages = new byte[RamSize >> PageShift];
        _dirtyBits = new ulong[((RamSize >> PageShift) + 63) / 64];
    }

    public uint RamSize { get; }

    /// <summary>All of RAM, for device DMA, snapshots and tests.</summary>
    public Span<byte> Ram => _ram;

    public ReadOnlySpan<byte> Rom => _rom;

    /// <summary>Raised when the mapping of any page changes (A20, ROM), so TLBs must be flushed.</summary>
    public event Action? MappingChanged;

    /// <summary>
    /// Raised when a write lands on a RAM page that holds cached code, with the physical address
    /// and length of what was written (a whole page when the writer does not say).
    /// </summary>
    public event Action<uint, uint>? CodePageWritten;

    /// <summary>Address mask applied to every physical access: bit 20 cleared while the A20 gate is closed.</summary>
    public uint A20Mask { get; private set; } = 0xFFFF_FFFF;

    public void SetA20(bool enabled)
    {
        uint mask = enabled ? 0xFFFF_FFFFu : 0xFFEF_FFFFu;
        if (mask == A20Mask) return;
        A20Mask = mask;
        MappingChanged?.Invoke();
    }

    /// <summary>
    /// Maps a firmware image at the top of the 4 GiB space and its last 128 KiB (all of it if
    /// smaller) at the top of the first MiB.
    /// </summary>
    public void LoadRom(ReadOnlySpan<byte> image)
    {
        if (image.Length == 0 || image.Length % PageSize != 0)
            throw new ArgumentException("ROM size must be a non-zero multiple of 4 KiB", nameof(image));
        _rom = GC.AllocateArray<byte>(image.Length, pinned: true);
        image.CopyTo(_rom);
        _romBase = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_rom));
        _romHighStart = (uint)(0x1_0000_0000L - image.Length);
        uint lowSize = (uint)Math.Min(image.Length, 128 * 1024);
        _romLowStart = 0x10_0000 - lowSize;
        _romLowEnd = 0x10_0000;
        MappingChanged?.Invoke();
    }

    public void MapMmio(uint start, uint length, IMmioDevice device)
    {
        _mmio.Add((start, start + length - 1, device));
        NoteMmioChanged();
        MappingChanged?.Invoke();
    }

    /// <summary>Removes every region <paramref name="device"/> was mapped at (a reset's new chipset, a relocated APIC).</summary>
    public void UnmapMmio(IMmioDevice device)
    {
        if (_mmio.RemoveAll(region => ReferenceEquals(region.Device, device)) == 0) return;
        NoteMmioChanged();
        MappingChanged?.Invoke();
    }

    /// <summary>
    /// The host address of a physical page's first byte, when the page is plain RAM or ROM
    /// (so the CPU may access it directly), or null when accesses must go through
    /// <see cref="Read"/>/<see cref="Write"/>. <paramref name="writable"/> tells whether direct
    /// writes are allowed: ROM pages and pages holding cached code are read-only here.
    /// </summary>
    public byte* HostPage(uint physPage, out bool writable)
    {
        uint address = physPage << PageShift;
        writable = false;
        if (IsMmio(address)) return null;
        if (address >= _romLowStart && address < _romLowEnd)
            return _romBase + (_rom.Length - (_romLowEnd - address));
        if (address < RamSize)
        {
            writable = _codePages[physPage] == 0;
            return _ramBase + address;
        }
        if (_rom.Length != 0 && address >= _romHighStart)
            return _romBase + (address - _romHighStart);
        return null;
    }

    private bool IsMmio(uint address)
    {
        foreach (var (start, end, _) in _mmio)
            if (address >= start && address <= end) return true;
        return false;
    }

    /// <summary>
    /// Copies RAM or ROM bytes for a debugger, without touching devices or dirty bits; false if
    /// any byte is neither RAM nor ROM (device memory, or nothing at all).
    /// </summary>
    public bool TryPeek(ulong address, Span<byte> destination)
    {
        for (int done = 0; done < destination.Length;)
        {
            ulong at = address + (ulong)done;
            if (at > uint.MaxValue) return false;
            byte* page = HostPage((uint)at >> PageShift, out _);
            if (page == null) return false;
            int offset = (int)(at & (PageSize - 1));
            int n = Math.Min(destination.Length - done, (int)PageSize - offset);
            new ReadOnlySpan<byte>(page + offset, n).CopyTo(destination[done..]);
            done += n;
        }
        return true;
    }

    public uint Read(uint address, int size)
    {
        if (IsPlainRam(address, size))
        {
            byte* at = _ramBase + address;
            return size switch
            {
                1 => *at,
                2 => *(ushort*)at,
                4 => *(uint*)at,
                _ => ReadBytes(address, size),
            };
        }
        // A device register sees the access whole (an APIC's EOI is one 32-bit write, not four).
        if (_mmio.Count != 0 && WholeMmio(address, size) is { } region)
            return region.Device.Read(address - region.Start, size) & (uint)((1UL << (8 * size)) - 1);
        return ReadBytes(address, size);
    }

    private uint ReadBytes(uint address, int size)
    {
        uint value = 0;
        for (int i = 0; i < size; i++)
            value |= (uint)ReadByte(address + (uint)i) << (8 * i);
        return value;
    }

    public void Write(uint address, int size, uint value)
    {
        if (IsPlainRam(address, size) && size is 1 or 2 or 4)
        {
            uint first = address >> PageShift, last = (address + (uint)size - 1) >> PageShift;
            _dirtyBits[first >> 6] |= 1UL << (int)(first & 63);
            _dirtyBits[last >> 6] |= 1UL << (int)(last & 63);
            // Changed before the event, so whoever decodes again sees the new bytes.
            byte* at = _ramBase + address;
            if (size == 1) *at = (byte)value;
            else if (size == 2) *(ushort*)at = (ushort)value;
            else *(uint*)at = value;
            if (_codePages[first] != 0 || _codePages[last] != 0) CodePageWritten?.Invoke(address, (uint)size);
            return;
        }
        if (_mmio.Count != 0 && WholeMmio(address, size) is { } region)
        {
            region.Device.Write(address - region.Start, size, value);
            return;
        }
        for (int i = 0; i < size; i++)
            WriteByte(address + (uint)i, (byte)(value >> (8 * i)));
    }

    /// <summary>
    /// Whether [address, address + size) is all RAM with nothing over it (no ROM alias, no device):
    /// the page walks and slow-path accesses of the CPU then cost one load or store. Devices sit
    /// at the top of the address space (the APICs), so one lowest start covers them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsPlainRam(uint address, int size)
    {
        uint end = address + (uint)size;
        if (end > RamSize || end < address || end > _lowestMmioStart) return false;
        return end <= _romLowStart || address >= _romLowEnd;
    }

    /// <summary>The lowest address of any device region (uint.MaxValue without one).</summary>
    private uint _lowestMmioStart = uint.MaxValue;

    private void NoteMmioChanged() => _lowestMmioStart = _mmio.Count == 0 ? uint.MaxValue : _mmio.Min(r => r.Start);

    /// <summary>The device region holding all of [address, address + size), if one does.</summary>
    private (uint Start, uint End, IMmioDevice Device)? WholeMmio(uint address, int size)
    {
        uint last = address + (uint)size - 1;
        if (last < address) return null;
        foreach (var region in _mmio)
            if (address >= region.Start && last <= region.End) return region;
        return null;
    }

    private byte ReadByte(uint address)
    {
        foreach (var (start, end, device) in _mmio)
            if (address >= start && address <= end) return (byte)device.Read(address - start, 1);
        if (address >= _romLowStart && address < _romLowEnd)
            return _rom[_rom.Length - (_romLowEnd - address)];
        if (address < RamSize) return _ram[address];
        if (_rom.Length != 0 && address >= _romHighStart) return _rom[address - _romHighStart];
        return 0xFF;
    }

    private void WriteByte(uint address, byte value)
    {
        foreach (var (start, end, device) in _mmio)
            if (address >= start && address <= end) { device.Write(address - start, 1, value); return; }
        if (address >= _romLowStart && address < _romLowEnd) return; // ROM ignores writes
        if (address < RamSize)
        {
            uint page = address >> PageShift;
            _dirtyBits[page >> 6] |= 1UL << (int)(page & 63);
            // Changed before the event, so whoever decodes again sees the new byte.
            _ram[address] = value;
            if (_codePages[page] != 0) CodePageWritten?.Invoke(address, 1);
        }
    }

    /// <summary>Called for every write to RAM that bypasses <see cref="Write"/> (the CPU's fast path marks dirtiness itself).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void NoteWrite(uint page)
    {
        _dirtyBits[page >> 6] |= 1UL << (int)(page & 63);
        if (_codePages[page] != 0) CodePageWritten?.Invoke(page << PageShift, PageSize);
    }

    /// <summary>Marks a RAM page as holding cached code: direct writes to it stop until it is released.</summary>
    public void MarkCodePage(uint page)
    {
        // The caller (the CPU that cached the code) drops its own direct-write translations.
        if (page < (uint)_codePages.Length) _codePages[page] = 1;
    }

    public void ReleaseCodePage(uint page)
    {
        if (page < (uint)_codePages.Length) _codePages[page] = 0;
    }

    /// <summary>
    /// Marks a page dirty ahead of direct writes: the CPU calls this when it lets its TLB write
    /// to the page without coming back here.
    /// </summary>
    public void MarkDirty(uint page) => _dirtyBits[page >> 6] |= 1UL << (int)(page & 63);

    public bool IsDirty(uint page) => (_dirtyBits[page >> 6] & (1UL << (int)(page & 63))) != 0;

    /// <summary>How many 4 KiB pages of RAM there are.</summary>
    public uint RamPages => RamSize >> PageShift;

    /// <summary>
    /// The dirty bits, bit (page &amp; 63) of word (page &gt;&gt; 6) for each RAM page: set for every
    /// page written (or made directly writable to a TLB) since the epoch began (<see cref="ClearDirty"/>, <see cref="StartDirtyEpoch"/>).
    /// </summary>
    public ReadOnlySpan<ulong> DirtyPageBits => _dirtyBits;

    /// <summary>
    /// Replaces one RAM page's bytes (zeros when <paramref name="bytes"/> is empty) without marking
    /// it dirty: for putting back a saved page, after which the caller starts a new epoch
    /// (<see cref="ClearDirty"/>). Code cached from the page is dropped as for any write.
    /// </summary>
    public void RestorePage(uint page, ReadOnlySpan<byte> bytes)
    {
        if (page >= RamPages) throw new ArgumentOutOfRangeException(nameof(page));
        if (!bytes.IsEmpty && bytes.Length != PageSize)
            throw new ArgumentException($"a page is {PageSize} bytes, not {bytes.Length}", nameof(bytes));
        var target = _ram.AsSpan((int)(page << PageShift), (int)PageSize);
        if (bytes.IsEmpty) target.Clear();
        else bytes.CopyTo(target);
        if (_codePages[page] != 0) CodePageWritten?.Invoke(page << PageShift, PageSize);
    }

    /// <summary>
    /// Raised by <see cref="StartDirtyEpoch"/> once the dirty bits are clear: whoever may still
    /// write RAM directly (a CPU's TLB) marks those pages dirty again.
    /// </summary>
    public event Action? DirtyBitsCleared;

    /// <summary>
    /// Starts a new dirty-tracking epoch without touching translations: the dirty bits are
    /// cleared, then every page a TLB may still write directly is marked again, so nothing written
    /// later goes unnoticed. Unlike <see cref="ClearDirty"/> it leaves TLBs as they are, so taking
    /// a checkpoint does not change how the guest runs (a TLB flush can: a guest may rely on a
    /// translation it changed without INVLPG, or on accessed bits only a refill sets again).
    /// </summary>
    public void StartDirtyEpoch()
    {
        Array.Clear(_dirtyBits);
        DirtyBitsCleared?.Invoke();
    }

    /// <summary>Starts a new dirty-tracking epoch; TLBs are flushed so that direct writes get noticed again.</summary>
    public void ClearDirty()
    {
        Array.Clear(_dirtyBits);
        MappingChanged?.Invoke();
    }

    // ---- saved state ----

    public const string StateSection = "ram";
    public const ushort StateVersion = 1;

    /// <summary>
    /// RAM contents and the A20 gate. The ROM and the memory map are configuration, not state.
    /// Payload: A20 enabled (u8), RAM size (u32), then per 4 KiB page a marker byte — 0 for a
    /// page of zeros, 1 followed by its 4096 bytes — so that mostly empty RAM saves small.
    /// </summary>
    public void SaveState(StateWriter w)
    {
        w.BeginSection(StateSection, StateVersion);
        w.WriteBool(A20Mask == 0xFFFF_FFFF);
        w.WriteU32(RamSize);
        for (int at = 0; at < _ram.Length; at += (int)PageSize)
        {
            var page = _ram.AsSpan(at, (int)PageSize);
            if (!page.ContainsAnyExcept((byte)0))
                w.WriteU8(0);
            else
            {
                w.WriteU8(1);
                w.WriteBytes(page);
            }
        }
        w.EndSection();
    }

    /// <summary>
    /// Replaces RAM and the A20 gate with a saved state's. Every page counts as dirty afterwards,
    /// and whoever cached code or translations from the old contents is told to drop them.
    /// </summary>
    /// <summary>Checks RAM's section whole (size, page markers, length) without changing anything.</summary>
    public void CheckState(StateReader r)
    {
        var check = r.Open(StateSection, StateVersion);
        check.ReadBool();
        uint size = check.ReadU32();
        if (size != RamSize)
            throw new StateFormatException($"saved RAM is {size} bytes but this machine has {RamSize}");
        for (int at = 0; at < _ram.Length; at += (int)PageSize)
        {
            switch (check.ReadU8())
            {
                case 0: break;
                case 1: check.Skip((int)PageSize); break;
                case var m: throw new StateFormatException($"section '{StateSection}': bad page marker {m}");
            }
        }
        check.End();
    }

    public void LoadState(StateReader r)
    {
        // A first pass checks the whole section, so a malformed one leaves RAM untouched; the
        // second copies. No scratch copy of RAM: restoring a snapshot should not allocate its size.
        CheckState(r);

        var s = r.Open(StateSection, StateVersion);
        bool a20 = s.ReadBool();
        s.ReadU32();
        for (int at = 0; at < _ram.Length; at += (int)PageSize)
        {
            var page = _ram.AsSpan(at, (int)PageSize);
            if (s.ReadU8() == 0) page.Clear();
            else s.ReadBytes(page);
        }
        for (uint page = 0; page < (uint)_codePages.Length; page++)
            if (_codePages[page] != 0) CodePageWritten?.Invoke(page << PageShift, PageSize);
        Array.Fill(_dirtyBits, ulong.MaxValue);
        A20Mask = a20 ? 0xFFFF_FFFFu : 0xFFEF_FFFFu;
        MappingChanged?.Invoke();
    }
}
