using HexEmu.Domain.Storage;

namespace HexEmu.Domain.Devices.Ata;

/// <summary>
/// One device position on an <see cref="AtaChannel"/>: its task file, its settings (multiple
/// count, CHS translation, write cache) and its PIO transfer. A position without a disk keeps a
/// task file too (the channel decides what a driver sees of it) but aborts every command.
/// </summary>
internal sealed partial class AtaDrive
{
    /// <summary>The largest READ/WRITE MULTIPLE block, in sectors (QEMU's MAX_MULT_SECTORS).</summary>
    public const int MaxMultipleSectors = 16;
    private const int SectorSize = IBlockDevice.SectorSize;

    private readonly AtaChannel _channel;
    private readonly IBlockDevice? _disk;
    private readonly string _serialNumber;
    private readonly DiskGeometry _defaultGeometry;

    // The task file (ATA-6 §7). "Previous" holds the byte written before the current one, which
    // the 48-bit commands use as the high-order half and HOB reads return.
    public byte Features, Error, Count, LbaLow, LbaMid, LbaHigh, Device, Status;
    public byte PreviousFeatures, PreviousCount, PreviousLbaLow, PreviousLbaMid, PreviousLbaHigh;

    /// <summary>Sectors per DRQ block of READ/WRITE MULTIPLE; 0 = multiple mode disabled.</summary>
    private int _multipleSectors;
    /// <summary>The current CHS translation (INITIALIZE DEVICE PARAMETERS): heads and sectors per track.</summary>
    private int _heads, _sectorsPerTrack;
    private bool _writeCacheEnabled;

    public AtaDrive(AtaChannel channel, IBlockDevice? disk, string serialNumber)
    {
        _channel = channel;
        _disk = disk;
        _serialNumber = serialNumber;
        _defaultGeometry = disk is null ? default : DiskGeometry.Guess(disk);
    }

    public bool IsPresent => _disk is not null;
    private long SectorCount => _disk?.SectorCount ?? 0;

    /// <summary>The translation CHS addresses go through now.</summary>
    private DiskGeometry CurrentGeometry
    {
        get
        {
            if (_heads == _defaultGeometry.Heads && _sectorsPerTrack == _defaultGeometry.SectorsPerTrack)
                return _defaultGeometry;
            // The cylinders follow from the capacity a CHS geometry may cover (16383 × 16 × 63 sectors).
            long chsCapacity = Math.Min(SectorCount, (long)DiskGeometry.MaxCylinders * DiskGeometry.MaxHeads * DiskGeometry.MaxSectorsPerTrack);
            return new DiskGeometry((int)Math.Min(chsCapacity / (_heads * _sectorsPerTrack), 0xFFFF), _heads, _sectorsPerTrack);
        }
    }

    /// <summary>Power-on or hardware reset: default settings, then the reset outputs.</summary>
    public void PowerOnReset()
    {
        _writeCacheEnabled = true;
        RestoreDefaultSettings();
        ResetTaskFile();
    }

    /// <summary>SRST asserted: the device is busy resetting; a transfer in progress is dropped.</summary>
    public void BeginSoftwareReset()
    {
        EndTransfer();
        Status |= AtaStatus.Bsy;
    }

    /// <summary>
    /// SRST released. Multiple count and CHS translation return to their defaults, as in QEMU
    /// (the standard lets a device keep them); the write cache setting stays.
    /// </summary>
    public void CompleteSoftwareReset()
    {
        RestoreDefaultSettings();
        ResetTaskFile();
    }

    private void RestoreDefaultSettings()
    {
        _multipleSectors = MaxMultipleSectors;
        _heads = _defaultGeometry.Heads;
        _sectorsPerTrack = _defaultGeometry.SectorsPerTrack;
    }

    /// <summary>The task file after a reset (ATA-6 §9.1/9.2): all clear, then the signature and the diagnostic code.</summary>
    private void ResetTaskFile()
    {
        EndTransfer();
        Features = PreviousFeatures = PreviousCount = PreviousLbaLow = PreviousLbaMid = PreviousLbaHigh = 0;
        Device = AtaDeviceBits.AlwaysOne;
        ReportDiagnostic();
    }

    /// <summary>
    /// The outputs of EXECUTE DEVICE DIAGNOSTIC and of a reset: the device signature, diagnostic
    /// code 01h ("passed"; QEMU shows 00h after power-on) in Error, ready. The interrupt, if any,
    /// is the channel's business.
    /// </summary>
    public void ReportDiagnostic()
    {
        EndTransfer();
        // Signature of an ATA (non-packet) device: count 01h, LBA low 01h, LBA mid/high 00h.
        // An empty position shows FFh/FFh there, as in QEMU.
        Count = 1;
        LbaLow = 1;
        LbaMid = LbaHigh = IsPresent ? (byte)0 : (byte)0xFF;
        Device &= unchecked((byte)~AtaDeviceBits.HeadMask);
        Error = AtaError.DiagnosticPassed;
        Status = AtaStatus.Ready;
    }

    /// <summary>A write to one of the command block registers 1–6 (Command is <see cref="Execute"/>).</summary>
    public void WriteTaskFile(int register, byte value)
    {
        switch (register)
        {
            case AtaRegister.ErrorFeatures: PreviousFeatures = Features; Features = value; break;
            case AtaRegister.SectorCount: PreviousCount = Count; Count = value; break;
            case AtaRegister.LbaLow: PreviousLbaLow = LbaLow; LbaLow = value; break;
            case AtaRegister.LbaMid: PreviousLbaMid = LbaMid; LbaMid = value; break;
            case AtaRegister.LbaHigh: PreviousLbaHigh = LbaHigh; LbaHigh = value; break;
            case AtaRegister.Device: Device = (byte)(value | AtaDeviceBits.AlwaysOne); break;
        }
    }

    private bool LbaMode => (Device & AtaDeviceBits.Lba) != 0;

    /// <summary>
    /// The sector count a read/write command asks for: 0 means 256 (28-bit) or 65536 (48-bit).
    /// </summary>
    private int RequestedSectors => _lba48
        ? ((PreviousCount << 8) | Count) is var n and not 0 ? n : 65536
        : Count != 0 ? Count : 256;

    /// <summary>
    /// The address in the task file: 48-bit LBA for the EXT commands, else 28-bit LBA or CHS by the
    /// device register's LBA bit. A CHS address outside the translation (sector 0, a sector or
    /// head beyond it) has no LBA: the command fails with IDNF.
    /// </summary>
    private bool TryGetAddress(out long lba)
    {
        if (_lba48)
        {
            lba = ((long)PreviousLbaHigh << 40) | ((long)PreviousLbaMid << 32) | ((long)PreviousLbaLow << 24)
                | ((long)LbaHigh << 16) | ((long)LbaMid << 8) | LbaLow;
            return true;
        }
        if (LbaMode)
        {
            lba = ((long)(Device & AtaDeviceBits.HeadMask) << 24) | ((long)LbaHigh << 16) | ((long)LbaMid << 8) | LbaLow;
            return true;
        }
        int cylinder = (LbaHigh << 8) | LbaMid, head = Device & AtaDeviceBits.HeadMask, sector = LbaLow;
        if (sector == 0 || sector > _sectorsPerTrack || head >= _heads)
        {
            lba = -1;
            return false;
        }
        lba = ((long)cylinder * _heads + head) * _sectorsPerTrack + sector - 1;
        return true;
    }

    /// <summary>Puts <paramref name="lba"/> in the task file in the addressing mode of the command.</summary>
    private void SetAddress(long lba)
    {
        if (_lba48)
        {
            (LbaLow, LbaMid, LbaHigh) = ((byte)lba, (byte)(lba >> 8), (byte)(lba >> 16));
            (PreviousLbaLow, PreviousLbaMid, PreviousLbaHigh) = ((byte)(lba >> 24), (byte)(lba >> 32), (byte)(lba >> 40));
        }
        else if (LbaMode)
        {
            (LbaLow, LbaMid, LbaHigh) = ((byte)lba, (byte)(lba >> 8), (byte)(lba >> 16));
            Device = (byte)((Device & ~AtaDeviceBits.HeadMask) | (int)((lba >> 24) & AtaDeviceBits.HeadMask));
        }
        else
        {
            long perCylinder = (long)_heads * _sectorsPerTrack;
            long cylinder = lba / perCylinder, inCylinder = lba % perCylinder;
            LbaHigh = (byte)(cylinder >> 8);
            LbaMid = (byte)cylinder;
            Device = (byte)((Device & ~AtaDeviceBits.HeadMask) | (int)(inCylinder / _sectorsPerTrack & AtaDeviceBits.HeadMask));
            LbaLow = (byte)(inCylinder % _sectorsPerTrack + 1);
        }
    }

    /// <summary>The sector count register(s) during a transfer: the sectors still to go.</summary>
    private void SetRemainingCount(int remaining)
    {
        Count = (byte)remaining;
        if (_lba48) PreviousCount = (byte)(remaining >> 8);
    }
}
