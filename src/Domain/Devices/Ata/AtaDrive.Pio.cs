using System.Buffers.Binary;

namespace HexEmu.Domain.Devices.Ata;

/// <summary>What the data port is moving now.</summary>
internal enum PioTransfer : byte
{
    None = 0,
    /// <summary>IDENTIFY DEVICE's 512 bytes to the host.</summary>
    Identify = 1,
    /// <summary>READ SECTORS / READ MULTIPLE (EXT): sectors to the host, block by block.</summary>
    Read = 2,
    /// <summary>WRITE SECTORS / WRITE MULTIPLE (EXT): sectors from the host, block by block.</summary>
    Write = 3,
}

/// <summary>
/// PIO data transfers (ATA-6 §9.7 PIO data-in, §9.8 PIO data-out). A command moves its sectors
/// in DRQ blocks of one sector (READ/WRITE SECTORS) or of the multiple count (READ/WRITE
/// MULTIPLE; the last block may be shorter). Interrupts, as the protocols have them: data-in
/// asserts INTRQ when each block is ready to be read (none at the end); data-out asserts it after
/// each block has been written (the last one being the command's completion), not for the first.
/// </summary>
internal sealed partial class AtaDrive
{
    /// <summary>
    /// The error for an LBA past the end of the disk. The standard says IDNF; QEMU reports ABRT,
    /// and guests see QEMU's behaviour there, so HexEmu does the same.
    /// </summary>
    private const byte OutOfRangeError = AtaError.Abrt;

    private readonly byte[] _buffer = new byte[MaxMultipleSectors * SectorSize];
    private PioTransfer _transfer;
    /// <summary>The command in progress uses 48-bit addressing and count.</summary>
    private bool _lba48;
    /// <summary>Sectors of the command not yet in a DRQ block.</summary>
    private int _remaining;
    /// <summary>Sectors per DRQ block of the command in progress.</summary>
    private int _blockSectors;
    /// <summary>Bytes in the current DRQ block, and how many the host has moved.</summary>
    private int _length, _position;

    private bool IsDataIn => _transfer is PioTransfer.Identify or PioTransfer.Read;

    private void EndTransfer()
    {
        _transfer = PioTransfer.None;
        _remaining = _blockSectors = _length = _position = 0;
        Status &= unchecked((byte)~AtaStatus.Drq);
    }

    /// <summary>
    /// A 16- or 32-bit read of the data port. Outside a data-in DRQ block it returns 0 and moves
    /// nothing (QEMU's choice for a read the standard leaves undefined).
    /// </summary>
    public uint ReadData(int size)
    {
        if ((Status & AtaStatus.Drq) == 0 || !IsDataIn || _position + size > _length) return 0;
        uint value = size == 4
            ? BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(_position))
            : BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(_position));
        _position += size;
        if (_position >= _length) DataInBlockDone();
        return value;
    }

    /// <summary>A 16- or 32-bit write of the data port; ignored outside a data-out DRQ block.</summary>
    public void WriteData(int size, uint value)
    {
        if ((Status & AtaStatus.Drq) == 0 || _transfer != PioTransfer.Write || _position + size > _length) return;
        if (size == 4) BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_position), value);
        else BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(_position), (ushort)value);
        _position += size;
        if (_position >= _length) WriteBlock();
    }

    private void DataInBlockDone()
    {
        Status &= unchecked((byte)~AtaStatus.Drq);
        if (_transfer == PioTransfer.Read) ReadNextBlock();
        else EndTransfer();
    }

    /// <summary>Offers <paramref name="bytes"/> of <see cref="_buffer"/> to the host.</summary>
    private void StartDataInBlock(int bytes)
    {
        _length = bytes;
        _position = 0;
        Status = AtaStatus.Ready | AtaStatus.Drq;
        _channel.RaiseInterrupt();
    }

    private void Identify()
    {
        BuildIdentifyData(_buffer.AsSpan(0, SectorSize));
        _transfer = PioTransfer.Identify;
        StartDataInBlock(SectorSize);
    }

    private void StartRead(bool lba48, int blockSectors)
    {
        _lba48 = lba48;
        _remaining = RequestedSectors;
        _blockSectors = blockSectors;
        _transfer = PioTransfer.Read;
        ReadNextBlock();
    }

    /// <summary>
    /// Reads the next block from the disk into the buffer and offers it; with nothing left, the
    /// command is over. As in QEMU, the task file already points past the block (and the count
    /// says what is left) while the host reads it.
    /// </summary>
    private void ReadNextBlock()
    {
        if (_remaining == 0)
        {
            EndTransfer();
            Status = AtaStatus.Ready;
            return;
        }
        int n = Math.Min(_remaining, _blockSectors);
        if (!TryGetAddress(out long lba))
        {
            Fail(AtaError.Idnf);
            return;
        }
        if (lba + n > SectorCount)
        {
            Fail(OutOfRangeError);
            return;
        }
        if (!_disk!.TryRead(lba, _buffer.AsSpan(0, n * SectorSize)))
        {
            Fail(AtaError.Abrt);
            return;
        }
        SetAddress(lba + n);
        _remaining -= n;
        SetRemainingCount(_remaining);
        StartDataInBlock(n * SectorSize);
    }

    /// <summary>
    /// Starts a write: DRQ for the first block at once, without an interrupt. A read-only medium
    /// aborts the command before any data moves.
    /// </summary>
    private void StartWrite(bool lba48, int blockSectors)
    {
        if (_disk!.IsReadOnly)
        {
            Fail(AtaError.Abrt);
            return;
        }
        _lba48 = lba48;
        _remaining = RequestedSectors;
        _blockSectors = blockSectors;
        _transfer = PioTransfer.Write;
        StartDataOutBlock();
    }

    private void StartDataOutBlock()
    {
        _length = Math.Min(_remaining, _blockSectors) * SectorSize;
        _position = 0;
        Status = AtaStatus.Ready | AtaStatus.Drq;
    }

    /// <summary>
    /// The host has filled a block: write it to the disk (flushing it too when the write cache is
    /// off), advance the task file, then either ask for the next block or end the command —
    /// with an interrupt either way. The address is checked here, as QEMU checks it, so an
    /// out-of-range write fails after its first block of data.
    /// </summary>
    private void WriteBlock()
    {
        Status &= unchecked((byte)~AtaStatus.Drq);
        int n = _length / SectorSize;
        if (!TryGetAddress(out long lba))
        {
            Fail(AtaError.Idnf);
            return;
        }
        if (lba + n > SectorCount)
        {
            Fail(OutOfRangeError);
            return;
        }
        var data = _buffer.AsSpan(0, _length);
        if (!_disk!.TryWrite(lba, data) || (!_writeCacheEnabled && !_disk.TryFlush()))
        {
            Fail(AtaError.Abrt);
            return;
        }
        SetAddress(lba + n);
        _remaining -= n;
        SetRemainingCount(_remaining);
        if (_remaining == 0)
        {
            EndTransfer();
            Status = AtaStatus.Ready;
        }
        else
        {
            StartDataOutBlock();
        }
        _channel.RaiseInterrupt();
    }
}
