namespace HexEmu.Domain.Devices.Ata;

/// <summary>Offsets of the command block registers from the channel's command base (ATA-6 §7, "I/O register descriptions").</summary>
internal static class AtaRegister
{
    public const int Data = 0;
    /// <summary>Error on read, Features on write.</summary>
    public const int ErrorFeatures = 1;
    public const int SectorCount = 2;
    /// <summary>LBA 7:0, or the sector number in CHS addressing.</summary>
    public const int LbaLow = 3;
    /// <summary>LBA 15:8, or cylinder low.</summary>
    public const int LbaMid = 4;
    /// <summary>LBA 23:16, or cylinder high.</summary>
    public const int LbaHigh = 5;
    public const int Device = 6;
    /// <summary>Status on read (clears a pending interrupt), Command on write.</summary>
    public const int StatusCommand = 7;
}

/// <summary>Status register bits (ATA-6 §7.15).</summary>
internal static class AtaStatus
{
    public const byte Err = 0x01;
    public const byte Drq = 0x08;
    /// <summary>Device seek complete (DSC): obsolete since ATA-4, but drivers and QEMU still show it when ready.</summary>
    public const byte Dsc = 0x10;
    /// <summary>Device fault; this model has no faults to report, so DF stays clear.</summary>
    public const byte Df = 0x20;
    public const byte Drdy = 0x40;
    public const byte Bsy = 0x80;

    /// <summary>An idle drive: ready, seek complete.</summary>
    public const byte Ready = Drdy | Dsc;
    /// <summary>A failed command: ready, error (the Error register says why).</summary>
    public const byte Failed = Drdy | Err;
}

/// <summary>Error register bits (ATA-6 §7.9).</summary>
internal static class AtaError
{
    /// <summary>Command aborted: unknown or unsupported command, bad parameter, write-protected medium, host I/O failure.</summary>
    public const byte Abrt = 0x04;
    /// <summary>ID not found: the address lies outside the medium.</summary>
    public const byte Idnf = 0x10;
    /// <summary>The diagnostic code "device 0 passed, device 1 passed or not present" (ATA-6 Table 24).</summary>
    public const byte DiagnosticPassed = 0x01;
}

/// <summary>Device control register bits (ATA-6 §7.8); the register is write-only.</summary>
internal static class AtaDeviceControl
{
    /// <summary>nIEN: the device does not assert INTRQ.</summary>
    public const byte InterruptDisable = 0x02;
    /// <summary>SRST: software reset of both devices on the channel while set.</summary>
    public const byte SoftwareReset = 0x04;
    /// <summary>HOB: task-file reads return the previously written ("high order") bytes of the 48-bit registers.</summary>
    public const byte HighOrderByte = 0x80;
}

/// <summary>Device register bits (ATA-6 §7.10).</summary>
internal static class AtaDeviceBits
{
    /// <summary>Head number (CHS) or LBA 27:24 (28-bit LBA).</summary>
    public const byte HeadMask = 0x0F;
    /// <summary>DEV: 0 selects device 0 (master), 1 device 1 (slave).</summary>
    public const byte Dev = 0x10;
    public const byte Lba = 0x40;
    /// <summary>Bits 7 and 5 were "always one" in early ATA; they read back as ones, as in QEMU.</summary>
    public const byte AlwaysOne = 0xA0;
}

/// <summary>The command opcodes this drive knows (ATA-6 Table 28, ATA8-ACS Table B.2).</summary>
internal static class AtaCommand
{
    public const byte Nop = 0x00;
    public const byte DeviceReset = 0x08;
    public const byte RecalibrateFirst = 0x10, RecalibrateLast = 0x1F;
    public const byte ReadSectors = 0x20, ReadSectorsNoRetry = 0x21;
    public const byte ReadSectorsExt = 0x24;
    public const byte ReadNativeMaxAddressExt = 0x27;
    public const byte ReadMultipleExt = 0x29;
    public const byte WriteSectors = 0x30, WriteSectorsNoRetry = 0x31;
    public const byte WriteSectorsExt = 0x34;
    public const byte WriteMultipleExt = 0x39;
    public const byte WriteVerify = 0x3C;
    public const byte ReadVerifySectors = 0x40, ReadVerifySectorsNoRetry = 0x41;
    public const byte ReadVerifySectorsExt = 0x42;
    public const byte Seek = 0x70;
    public const byte ExecuteDeviceDiagnostic = 0x90;
    public const byte InitializeDeviceParameters = 0x91;
    public const byte StandbyImmediateOld = 0x94, IdleImmediateOld = 0x95, StandbyOld = 0x96, IdleOld = 0x97;
    public const byte CheckPowerModeOld = 0x98, SleepOld = 0x99;
    public const byte IdentifyPacketDevice = 0xA1;
    public const byte ReadMultiple = 0xC4, WriteMultiple = 0xC5, SetMultipleMode = 0xC6;
    public const byte StandbyImmediate = 0xE0, IdleImmediate = 0xE1, Standby = 0xE2, Idle = 0xE3;
    public const byte CheckPowerMode = 0xE5, Sleep = 0xE6;
    public const byte FlushCache = 0xE7;
    public const byte FlushCacheExt = 0xEA;
    public const byte IdentifyDevice = 0xEC;
    public const byte SetFeatures = 0xEF;
    public const byte ReadNativeMaxAddress = 0xF8;
}

/// <summary>SET FEATURES subcommands (Features register) this drive accepts (ATA-6 Table 45).</summary>
internal static class AtaFeature
{
    public const byte EnableWriteCache = 0x02;
    public const byte SetTransferMode = 0x03;
    public const byte EnableApm = 0x05;
    public const byte EnableAam = 0x42;
    public const byte DisableReadLookAhead = 0x55;
    public const byte DisableRevertToDefaults = 0x66;
    public const byte DisableWriteCache = 0x82;
    public const byte DisableApm = 0x85;
    public const byte EnableReadLookAhead = 0xAA;
    public const byte DisableAam = 0xC2;
    public const byte EnableRevertToDefaults = 0xCC;
}
