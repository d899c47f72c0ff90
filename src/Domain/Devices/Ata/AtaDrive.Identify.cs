using System.Buffers.Binary;

namespace HexEmu.Domain.Devices.Ata;

/// <summary>The IDENTIFY DEVICE data (ATA-6 §8.15, Table 27; word numbers as there).</summary>
internal sealed partial class AtaDrive
{
    private void BuildIdentifyData(Span<byte> data)
    {
        data.Clear();
        var current = CurrentGeometry;
        long lba28Sectors = Math.Min(SectorCount, Lba28Limit - 1);

        Word(data, 0, 0x0040);                                // ATA device (bit 15 = 0), not removable (bit 6, retired)
        Word(data, 1, _defaultGeometry.Cylinders);            // default translation (obsolete words, still read by BIOSes)
        Word(data, 3, _defaultGeometry.Heads);
        Word(data, 6, _defaultGeometry.SectorsPerTrack);
        AtaString(data, 10, 20, _serialNumber);
        AtaString(data, 23, 8, AtaChannel.FirmwareRevision);
        AtaString(data, 27, 40, AtaChannel.ModelNumber);
        Word(data, 47, 0x8000 | MaxMultipleSectors);          // bits 15:8 = 80h, 7:0 = largest READ/WRITE MULTIPLE block
        Word(data, 48, 0x0001);                               // the data port takes 32-bit accesses (pre-ATA-2 word, as QEMU sets it)
        Word(data, 49, 1 << 11 | 1 << 9);                     // IORDY supported, LBA supported; bit 8 (DMA) clear: PIO only
        Word(data, 50, 1 << 14);                              // bit 14 shall be one
        Word(data, 51, 0x0200);                               // PIO timing mode 2 (obsolete word)
        Word(data, 53, 1 << 1 | 1 << 0);                      // words 64–70 and 54–58 are valid; word 88 (UDMA) is not
        Word(data, 54, current.Cylinders);                    // current translation
        Word(data, 55, current.Heads);
        Word(data, 56, current.SectorsPerTrack);
        long currentCapacity = current.Capacity;
        Word(data, 57, (int)(currentCapacity & 0xFFFF));
        Word(data, 58, (int)(currentCapacity >> 16));
        if (_multipleSectors != 0) Word(data, 59, 0x0100 | _multipleSectors); // bit 8: the multiple setting is valid
        Word(data, 60, (int)(lba28Sectors & 0xFFFF));         // sectors addressable with 28-bit LBA
        Word(data, 61, (int)(lba28Sectors >> 16));
        Word(data, 64, 0x0003);                               // PIO modes 3 and 4 supported
        Word(data, 67, 120);                                  // minimum PIO cycle time without / with IORDY, ns (mode 4)
        Word(data, 68, 120);
        Word(data, 80, 1 << 6 | 1 << 5 | 1 << 4);             // major version: ATA/ATAPI-4, -5, -6
        Word(data, 82, 1 << 14 | 1 << 5);                     // supported: NOP, write cache
        Word(data, 83, 1 << 14 | 1 << 13 | 1 << 12 | 1 << 10); // bit 14 one; FLUSH CACHE EXT, FLUSH CACHE, 48-bit address
        Word(data, 84, 1 << 14);
        Word(data, 85, 1 << 14 | (_writeCacheEnabled ? 1 << 5 : 0)); // enabled: NOP, write cache (per SET FEATURES)
        Word(data, 86, 1 << 13 | 1 << 12 | 1 << 10);
        Word(data, 87, 1 << 14);
        for (int i = 0; i < 4; i++)                    // sectors addressable with 48-bit LBA
            Word(data, 100 + i, (int)((SectorCount >> (16 * i)) & 0xFFFF));

        // Word 255, integrity (ATA-6 §8.15.64): signature A5h, and a checksum byte making all 512 bytes sum to 0.
        data[510] = 0xA5;
        byte sum = 0;
        for (int i = 0; i < 511; i++) sum += data[i];
        data[511] = (byte)-sum;
    }

    private static void Word(Span<byte> data, int index, int value) =>
        BinaryPrimitives.WriteUInt16LittleEndian(data[(2 * index)..], (ushort)value);

    /// <summary>
    /// An ATA string field: <paramref name="length"/> ASCII characters padded with spaces, two per
    /// word with the first character in the high byte (so a byte dump shows pairs swapped).
    /// </summary>
    private static void AtaString(Span<byte> data, int firstWord, int length, string text)
    {
        for (int i = 0; i < length; i++)
            data[2 * firstWord + (i ^ 1)] = i < text.Length ? (byte)text[i] : (byte)' ';
    }
}
