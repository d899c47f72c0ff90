using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Ata;

/// <summary>One drive's part of its channel's state section.</summary>
internal sealed partial class AtaDrive
{
    public void Save(StateWriter w)
    {
        // What disk the state was saved with, so that a load onto another one is refused.
        w.WriteBool(IsPresent);
        w.WriteI64(SectorCount);
        w.WriteBytes([Features, Error, Count, LbaLow, LbaMid, LbaHigh, Device, Status]);
        w.WriteBytes([PreviousFeatures, PreviousCount, PreviousLbaLow, PreviousLbaMid, PreviousLbaHigh]);
        w.WriteU8((byte)_multipleSectors);
        w.WriteU8((byte)_heads);
        w.WriteU8((byte)_sectorsPerTrack);
        w.WriteBool(_writeCacheEnabled);
        w.WriteU8((byte)_transfer);
        w.WriteBool(_lba48);
        w.WriteI32(_remaining);
        w.WriteI32(_blockSectors);
        w.WriteI32(_length);
        w.WriteI32(_position);
        w.WriteBytes(_buffer.AsSpan(0, _length)); // the rest of the buffer is never looked at again
    }

    public void Load(SectionReader s, int unit)
    {
        bool present = s.ReadBool();
        long sectors = s.ReadI64();
        if (present != IsPresent || sectors != SectorCount)
            throw new StateFormatException($"section '{s.Name}': device {unit} was saved with "
                + (present ? $"a disk of {sectors} sectors" : "no disk") + ", but this machine has "
                + (IsPresent ? $"a disk of {SectorCount} sectors" : "no disk") + " there");
        Span<byte> taskFile = stackalloc byte[13];
        s.ReadBytes(taskFile);
        int multiple = s.ReadU8();
        if (multiple > MaxMultipleSectors || (multiple & (multiple - 1)) != 0)
            throw new StateFormatException($"section '{s.Name}': device {unit} multiple count {multiple}");
        int heads = s.ReadU8(), sectorsPerTrack = s.ReadU8();
        bool validGeometry = IsPresent
            ? heads is >= 1 and <= 16 && sectorsPerTrack >= 1
            : heads == _defaultGeometry.Heads && sectorsPerTrack == _defaultGeometry.SectorsPerTrack;
        if (!validGeometry)
            throw new StateFormatException($"section '{s.Name}': device {unit} translation of {heads} heads, {sectorsPerTrack} sectors");
        bool writeCache = s.ReadBool();
        byte transfer = s.ReadU8();
        bool lba48 = s.ReadBool();
        int remaining = s.ReadI32(), blockSectors = s.ReadI32(), length = s.ReadI32(), position = s.ReadI32();
        bool validTransfer = transfer <= (byte)PioTransfer.Write
            && remaining is >= 0 and <= 65536 && blockSectors is >= 0 and <= MaxMultipleSectors
            && length is >= 0 and <= MaxMultipleSectors * SectorSize && length % SectorSize == 0
            && position >= 0 && position <= length && position % 2 == 0
            && (transfer != (byte)PioTransfer.None || (remaining | blockSectors | length | position) == 0);
        if (!validTransfer)
            throw new StateFormatException($"section '{s.Name}': device {unit} PIO transfer {transfer} "
                + $"(remaining {remaining}, block {blockSectors}, {position} of {length} bytes) is impossible");
        s.ReadBytes(_buffer.AsSpan(0, length));

        (Features, Error, Count, LbaLow, LbaMid, LbaHigh, Device, Status) =
            (taskFile[0], taskFile[1], taskFile[2], taskFile[3], taskFile[4], taskFile[5], taskFile[6], taskFile[7]);
        (PreviousFeatures, PreviousCount, PreviousLbaLow, PreviousLbaMid, PreviousLbaHigh) =
            (taskFile[8], taskFile[9], taskFile[10], taskFile[11], taskFile[12]);
        _multipleSectors = multiple;
        _heads = heads;
        _sectorsPerTrack = sectorsPerTrack;
        _writeCacheEnabled = writeCache;
        _transfer = (PioTransfer)transfer;
        _lba48 = lba48;
        _remaining = remaining;
        _blockSectors = blockSectors;
        _length = length;
        _position = position;
    }
}
