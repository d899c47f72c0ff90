namespace HexEmu.Domain.Devices.Cmos;

/// <summary>
/// The CMOS bytes PC firmware reads to size memory, filled the way QEMU's pc machine does
/// (hw/i386/pc.c, pc_cmos_init), and the IBM AT checksum over 0x10–0x2D.
/// </summary>
public static class PcCmosLayout
{
    public const int BaseMemoryLow = 0x15;          // 0x15/0x16: conventional memory, KiB
    public const int ExtendedMemoryLow = 0x17;      // 0x17/0x18: memory above 1 MiB, KiB
    public const int ChecksumHigh = 0x2E;           // 0x2E/0x2F: sum of 0x10–0x2D, high byte first
    public const int ExtendedMemoryCopyLow = 0x30;  // 0x30/0x31: the same, as POST found it
    public const int MemoryAbove16MLow = 0x34;      // 0x34/0x35: memory above 16 MiB, 64 KiB units
    public const int MemoryAbove4GLow = 0x5B;       // 0x5B–0x5D: memory above 4 GiB, 64 KiB units

    public const int ChecksumFirst = 0x10;
    public const int ChecksumLast = 0x2D;

    private const ulong KiB = 1024, MiB = 1024 * KiB;

    /// <summary>Below this, RAM is mapped under 4 GiB; the rest goes above it (QEMU's i440fx split, 3.5 GiB).</summary>
    public const ulong Below4GLimit = 0xE000_0000;

    /// <summary>Writes every memory-size byte for <paramref name="ramBytes"/> of RAM, then the checksum.</summary>
    public static void SetMemorySize(Mc146818Rtc rtc, ulong ramBytes)
    {
        ulong below4G = Math.Min(ramBytes, Below4GLimit);
        ulong above4G = ramBytes - below4G;

        WriteU16(rtc, BaseMemoryLow, Math.Min(below4G / KiB, 640));

        ulong extended = below4G > MiB ? Math.Min((below4G - MiB) / KiB, 0xFFFF) : 0;
        WriteU16(rtc, ExtendedMemoryLow, extended);
        WriteU16(rtc, ExtendedMemoryCopyLow, extended);

        ulong above16M = below4G > 16 * MiB ? Math.Min((below4G - 16 * MiB) / (64 * KiB), 0xFFFF) : 0;
        WriteU16(rtc, MemoryAbove16MLow, above16M);

        ulong above4GUnits = above4G / (64 * KiB);
        rtc.WriteNvram(MemoryAbove4GLow, (byte)above4GUnits);
        rtc.WriteNvram(MemoryAbove4GLow + 1, (byte)(above4GUnits >> 8));
        rtc.WriteNvram(MemoryAbove4GLow + 2, (byte)(above4GUnits >> 16));

        UpdateChecksum(rtc);
    }

    /// <summary>The AT BIOS checksum: the 16-bit sum of bytes 0x10–0x2D, stored big-endian at 0x2E/0x2F.</summary>
    public static void UpdateChecksum(Mc146818Rtc rtc)
    {
        int sum = 0;
        for (int i = ChecksumFirst; i <= ChecksumLast; i++) sum += rtc.ReadNvram(i);
        rtc.WriteNvram(ChecksumHigh, (byte)(sum >> 8));
        rtc.WriteNvram(ChecksumHigh + 1, (byte)sum);
    }

    private static void WriteU16(Mc146818Rtc rtc, int low, ulong value)
    {
        rtc.WriteNvram(low, (byte)value);
        rtc.WriteNvram(low + 1, (byte)(value >> 8));
    }
}
