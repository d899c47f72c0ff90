namespace HexEmu.Domain.Devices.Ata;

/// <summary>The command set (ATA-6 §8): everything but PIO data transfers, which are in AtaDrive.Pio.cs.</summary>
internal sealed partial class AtaDrive
{
    /// <summary>
    /// Runs <paramref name="command"/> written to the Command register. The channel has checked
    /// that the drive is not busy and that something is there to take it.
    /// </summary>
    public void Execute(byte command)
    {
        Error = 0;
        _lba48 = false;
        if (!IsPresent)
        {
            Fail(AtaError.Abrt);
            return;
        }
        switch (command)
        {
            case AtaCommand.IdentifyDevice:
                Identify();
                break;
            case AtaCommand.ReadSectors or AtaCommand.ReadSectorsNoRetry:
                StartRead(lba48: false, blockSectors: 1);
                break;
            case AtaCommand.ReadSectorsExt:
                StartRead(lba48: true, blockSectors: 1);
                break;
            case AtaCommand.ReadMultiple or AtaCommand.ReadMultipleExt:
                if (_multipleSectors == 0) Fail(AtaError.Abrt);
                else StartRead(lba48: command == AtaCommand.ReadMultipleExt, _multipleSectors);
                break;
            case AtaCommand.WriteSectors or AtaCommand.WriteSectorsNoRetry or AtaCommand.WriteVerify:
                StartWrite(lba48: false, blockSectors: 1);
                break;
            case AtaCommand.WriteSectorsExt:
                StartWrite(lba48: true, blockSectors: 1);
                break;
            case AtaCommand.WriteMultiple or AtaCommand.WriteMultipleExt:
                if (_multipleSectors == 0) Fail(AtaError.Abrt);
                else StartWrite(lba48: command == AtaCommand.WriteMultipleExt, _multipleSectors);
                break;
            case AtaCommand.ReadVerifySectors or AtaCommand.ReadVerifySectorsNoRetry:
                ReadVerify(lba48: false);
                break;
            case AtaCommand.ReadVerifySectorsExt:
                ReadVerify(lba48: true);
                break;
            case AtaCommand.SetMultipleMode:
                SetMultipleMode();
                break;
            case AtaCommand.InitializeDeviceParameters:
                InitializeDeviceParameters();
                break;
            case AtaCommand.SetFeatures:
                SetFeatures();
                break;
            case AtaCommand.FlushCache or AtaCommand.FlushCacheExt:
                Complete(_disk!.TryFlush());
                break;
            case AtaCommand.ReadNativeMaxAddress or AtaCommand.ReadNativeMaxAddressExt:
                ReadNativeMaxAddress(lba48: command == AtaCommand.ReadNativeMaxAddressExt);
                break;
            case AtaCommand.CheckPowerMode or AtaCommand.CheckPowerModeOld:
                Count = 0xFF; // active or idle: a disk image never spins down
                Complete(true);
                break;
            case >= AtaCommand.RecalibrateFirst and <= AtaCommand.RecalibrateLast: // ATA-3: 1xh is RECALIBRATE
            case >= AtaCommand.Seek and <= 0x7F:                                  // ATA-3: 7xh is SEEK
            case AtaCommand.StandbyImmediate or AtaCommand.IdleImmediate or AtaCommand.Standby or AtaCommand.Idle or AtaCommand.Sleep:
            case AtaCommand.StandbyImmediateOld or AtaCommand.IdleImmediateOld or AtaCommand.StandbyOld or AtaCommand.IdleOld or AtaCommand.SleepOld:
                // Nothing moves in an image: heads are always on cylinder 0 and the "platters" never stop.
                Complete(true);
                break;
            default:
                // NOP, DEVICE RESET, PACKET, IDENTIFY PACKET DEVICE, the DMA commands, SMART and all
                // unknown opcodes: a non-packet PIO-only device aborts them (ATA-6 §8.22, §8.15).
                ReportAbortedCommand(command);
                Fail(AtaError.Abrt);
                break;
        }
    }

    /// <summary>A command without data ends: ready (or ABRT if it failed), and an interrupt.</summary>
    private void Complete(bool succeeded)
    {
        if (!succeeded)
        {
            Fail(AtaError.Abrt);
            return;
        }
        EndTransfer();
        Status = AtaStatus.Ready;
        _channel.RaiseInterrupt();
    }

    /// <summary>
    /// -d unimp for commands a real disk has and HexEmu does not (DMA, packet, SMART, …);
    /// -d guest_errors for opcodes no ATA disk knows.
    /// </summary>
    private void ReportAbortedCommand(byte command)
    {
        if (_channel.Log is not { } log) return;
        bool known = command is 0x00 or 0x08 or 0xA0 or 0xA1 or 0xB0 or 0xC8 or 0xC9 or 0xCA or 0xCB or 0x25 or 0x35;
        if (known && log.LogsUnimplemented)
            log.Unimplemented($"ide: command 0x{command:x2} is not implemented (PIO-only disk): aborted");
        else if (!known && log.LogsGuestErrors)
            log.GuestError($"ide: unknown command 0x{command:x2}: aborted");
    }

    /// <summary>
    /// A command ends in error: ERR with <paramref name="error"/> in the Error register, any
    /// transfer stopped, an interrupt. A host I/O failure is reported as ABRT, as QEMU's
    /// <c>rerror=report</c> does.
    /// </summary>
    private void Fail(byte error)
    {
        EndTransfer();
        Error = error;
        Status = AtaStatus.Failed;
        _channel.RaiseInterrupt();
    }

    /// <summary>
    /// SET MULTIPLE MODE (ATA-6 §8.39): the Sector Count register gives the DRQ block size, a
    /// power of two up to <see cref="MaxMultipleSectors"/>; 0 disables READ/WRITE MULTIPLE (as in
    /// QEMU). Another value aborts and leaves the setting alone.
    /// </summary>
    private void SetMultipleMode()
    {
        int n = Count;
        if (n > MaxMultipleSectors || (n & (n - 1)) != 0)
        {
            Fail(AtaError.Abrt);
            return;
        }
        _multipleSectors = n;
        Complete(true);
    }

    /// <summary>
    /// INITIALIZE DEVICE PARAMETERS (ATA-6 §8.16): the CHS translation becomes Sector Count sectors
    /// per track and (Device bits 3:0) + 1 heads; the cylinders follow from the capacity. IDENTIFY
    /// reports it in words 54–58. (QEMU accepts the command but keeps its translation.)
    /// </summary>
    private void InitializeDeviceParameters()
    {
        if (Count == 0)
        {
            Fail(AtaError.Abrt); // no translation has zero sectors per track
            return;
        }
        _sectorsPerTrack = Count;
        _heads = (Device & AtaDeviceBits.HeadMask) + 1;
        Complete(true);
    }

    /// <summary>
    /// SET FEATURES (ATA-6 §8.40) for the subcommands a driver commonly sends. The write cache
    /// setting is real: disabled, every written block is flushed to the host before the
    /// command goes on. PIO transfer modes up to 4 are accepted; DMA modes abort (no DMA here).
    /// </summary>
    private void SetFeatures()
    {
        switch (Features)
        {
            case AtaFeature.EnableWriteCache:
                _writeCacheEnabled = true;
                Complete(true);
                break;
            case AtaFeature.DisableWriteCache:
                _writeCacheEnabled = false;
                Complete(_disk!.TryFlush());
                break;
            case AtaFeature.SetTransferMode:
                int mode = Count & 0x07;
                bool pio = (Count >> 3) switch { 0 => true, 1 => mode <= 4, _ => false };
                if (pio) Complete(true);
                else Fail(AtaError.Abrt);
                break;
            case AtaFeature.EnableApm or AtaFeature.DisableApm or AtaFeature.EnableAam or AtaFeature.DisableAam
                or AtaFeature.EnableReadLookAhead or AtaFeature.DisableReadLookAhead
                or AtaFeature.EnableRevertToDefaults or AtaFeature.DisableRevertToDefaults:
                Complete(true);
                break;
            default:
                Fail(AtaError.Abrt);
                break;
        }
    }

    /// <summary>
    /// READ VERIFY SECTORS (ATA-6 §8.31): reads the sectors without transferring them. An address
    /// outside the medium gives IDNF, a host read failure ABRT; the task file keeps the address.
    /// </summary>
    private void ReadVerify(bool lba48)
    {
        _lba48 = lba48;
        int count = RequestedSectors;
        if (!TryGetAddress(out long lba) || lba + count > SectorCount)
        {
            Fail(AtaError.Idnf);
            return;
        }
        // The PIO buffer is free: no transfer is in progress while a command is accepted.
        for (int done = 0; done < count; done += MaxMultipleSectors)
        {
            int n = Math.Min(MaxMultipleSectors, count - done);
            if (!_disk!.TryRead(lba + done, _buffer.AsSpan(0, n * SectorSize)))
            {
                Fail(AtaError.Abrt);
                return;
            }
        }
        Complete(true);
    }

    /// <summary>
    /// READ NATIVE MAX ADDRESS (EXT): the address of the last sector, in the task file in the
    /// command's addressing (28-bit: capped at the largest 28-bit LBA).
    /// </summary>
    private void ReadNativeMaxAddress(bool lba48)
    {
        if (SectorCount == 0)
        {
            Fail(AtaError.Abrt);
            return;
        }
        _lba48 = lba48;
        long max = SectorCount - 1;
        SetAddress(lba48 ? max : Math.Min(max, Lba28Limit - 1));
        Complete(true);
    }

    /// <summary>Sectors a 28-bit LBA can reach.</summary>
    private const long Lba28Limit = 1L << 28;
}
