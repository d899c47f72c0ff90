namespace HexEmu.Domain.Boot;

/// <summary>
/// Loading by the Multiboot header's address fields (spec 3.1.3): the header sits at file offset
/// <c>o</c> and at address header_addr, so the file byte at <c>o − (header_addr − load_addr)</c>
/// goes to load_addr; load_end_addr (0: to the end of the file) bounds what is loaded and
/// bss_end_addr (0: no bss) what is zeroed after it. The checks are QEMU's, in its order.
/// </summary>
internal static class AddressFieldsLoader
{
    public static IReadOnlyList<KernelSegment> Segments(ReadOnlyMemory<byte> file, MultibootHeader h, out uint entry)
    {
        if (h.HeaderAddr < h.LoadAddr)
            throw Invalid($"header_addr 0x{h.HeaderAddr:X} is below load_addr 0x{h.LoadAddr:X}");
        uint headerDistance = h.HeaderAddr - h.LoadAddr;
        if (headerDistance > (uint)h.Offset)
            throw Invalid($"header_addr − load_addr (0x{headerDistance:X}) puts load_addr before the start of the file (header at offset 0x{h.Offset:X})");
        int textOffset = h.Offset - (int)headerDistance;

        uint loadSize;
        if (h.LoadEndAddr != 0)
        {
            if (h.LoadEndAddr < h.LoadAddr)
                throw Invalid($"load_end_addr 0x{h.LoadEndAddr:X} is below load_addr 0x{h.LoadAddr:X}");
            loadSize = h.LoadEndAddr - h.LoadAddr;
        }
        else
            loadSize = (uint)(file.Length - textOffset);
        if ((ulong)h.LoadAddr + loadSize > uint.MaxValue)
            throw Invalid($"the kernel (0x{loadSize:X} bytes at 0x{h.LoadAddr:X}) does not fit in the 32-bit address space");

        uint memorySize = loadSize;
        if (h.BssEndAddr != 0)
        {
            if (h.BssEndAddr < h.LoadAddr + loadSize)
                throw Invalid($"bss_end_addr 0x{h.BssEndAddr:X} is below the end of the loaded image 0x{(ulong)h.LoadAddr + loadSize:X}");
            memorySize = h.BssEndAddr - h.LoadAddr;
        }
        if ((ulong)textOffset + loadSize > (ulong)file.Length)
            throw new BootImageException(
                $"kernel file is truncated: its address fields load 0x{loadSize:X} bytes from offset 0x{textOffset:X} but the file has 0x{file.Length:X} bytes");

        entry = h.EntryAddr;
        if (memorySize == 0) return [];
        return [new KernelSegment(h.LoadAddr, file.Slice(textOffset, (int)loadSize), memorySize)];
    }

    private static BootImageException Invalid(string what) => new($"invalid Multiboot address fields: {what}");
}
