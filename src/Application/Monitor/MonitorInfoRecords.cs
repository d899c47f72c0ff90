namespace HexEmu.Application.Monitor;

/// <summary>One line of `info chardev`: "{Id}: filename={Filename}" (QEMU prints e.g. "serial0: filename=stdio").</summary>
public sealed record MonitorChardevInfo(string Id, string Filename);

/// <summary>
/// One drive of `info block`, printed as QEMU does:
/// "{Device} ({NodeName}): {File} ({Format}[, read-only])", then "    Attached to:      {AttachedTo}" when a
/// guest device uses it (else QEMU's "    Removable device: not locked, tray closed"), then
/// "    Cache mode:       writeback".
/// </summary>
/// <param name="Device">The drive id: "ide0-hd0" for -hda, or the -drive id=.</param>
/// <param name="NodeName">QEMU's automatic node name, e.g. "#block123".</param>
/// <param name="File">The image file name as given on the command line.</param>
/// <param name="Format">"raw".</param>
/// <param name="ReadOnly">readonly=on.</param>
/// <param name="AttachedTo">The guest device path (QEMU: "/machine/unattached/device[22]"), null for if=none.</param>
public sealed record MonitorBlockInfo(string Device, string NodeName, string File, string Format, bool ReadOnly, string? AttachedTo);

/// <summary>The kind QEMU prints in `info mtree` after the priority: "ram", "rom", "i/o" or "romd".</summary>
public enum MtreeRegionKind { Ram, Rom, Io, RomDevice }

/// <summary>
/// A memory region of `info mtree`: "{Start:x16}-{End:x16} (prio {Priority}, {kind}): {Name}", children indented
/// two more spaces and sorted by start address (higher priority first on a tie), as QEMU prints them.
/// </summary>
/// <param name="End">Inclusive last address.</param>
public sealed record MtreeRegion(string Name, ulong Start, ulong End, MtreeRegionKind Kind, int Priority = 0, IReadOnlyList<MtreeRegion>? Children = null);

/// <summary>An address space of `info mtree`: "address-space: {Name}" followed by its root region.</summary>
public sealed record MtreeAddressSpace(string Name, MtreeRegion Root);
