namespace HexEmu.Domain.Boot;

/// <summary>How the kernel's bytes were found: the header's address fields, or ELF program headers.</summary>
public enum KernelFormat
{
    /// <summary>Flag 16 of the Multiboot header: load_addr … bss_end_addr (the "a.out kludge").</summary>
    AddressFields,
    Elf32,
}

/// <summary>
/// One piece of the kernel to place in memory: <see cref="Data"/> at <see cref="Address"/>, then
/// zeros up to <see cref="MemorySize"/> bytes (a .bss).
/// </summary>
public sealed record KernelSegment(uint Address, ReadOnlyMemory<byte> Data, uint MemorySize)
{
    public ulong End => (ulong)Address + MemorySize;
}

/// <summary>
/// A Multiboot kernel parsed from its file: where its bytes go, where it starts. Pure: nothing
/// is written anywhere until <see cref="MultibootBoot"/> loads it.
/// </summary>
public sealed class KernelImage
{
    public required MultibootHeader Header { get; init; }
    public required KernelFormat Format { get; init; }
    /// <summary>Where execution starts (physical address).</summary>
    public required uint Entry { get; init; }
    /// <summary>The non-empty segments, in file order.</summary>
    public required IReadOnlyList<KernelSegment> Segments { get; init; }
    /// <summary>The lowest address the kernel occupies.</summary>
    public uint Start { get; private init; }
    /// <summary>One past the highest address the kernel occupies (the ELF segments' span, or bss_end_addr).</summary>
    public ulong End { get; private init; }
    /// <summary>Things the kernel asked for that are ignored (QEMU prints such notes on stderr and boots).</summary>
    public required IReadOnlyList<string> Warnings { get; init; }

    /// <summary>
    /// Parses a kernel file. When the Multiboot header has address fields they decide the layout,
    /// even if the file is also an ELF file (QEMU prefers them too); otherwise the file must be an
    /// ELF32 i386 executable. Throws <see cref="BootImageException"/> naming the problem.
    /// </summary>
    public static KernelImage Parse(ReadOnlyMemory<byte> file)
    {
        var header = MultibootHeader.Find(file.Span);
        var warnings = new List<string>();
        if ((header.Flags & MultibootHeader.WantsVideoMode) != 0)
            warnings.Add("the kernel asks for a video mode (Multiboot flag 2), which is not supported: ignored");
        var (segments, entry, format) = header.UsesAddressFields
            ? (AddressFieldsLoader.Segments(file, header, out uint e), e, KernelFormat.AddressFields)
            : (Elf32Loader.Segments(file, out e), e, KernelFormat.Elf32);
        if (segments.Count == 0)
            throw new BootImageException("the kernel has nothing to load (no bytes and no bss)");
        return new KernelImage
        {
            Header = header,
            Format = format,
            Entry = entry,
            Segments = segments,
            Start = segments.Min(s => s.Address),
            End = segments.Max(s => s.End),
            Warnings = warnings,
        };
    }
}
