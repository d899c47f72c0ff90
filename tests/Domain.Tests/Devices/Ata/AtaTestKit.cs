using HexEmu.Domain.Devices.Ata;
using HexEmu.Domain.Io;
using HexEmu.Domain.Storage;
using HexEmu.Domain.Tests.Support;

namespace HexEmu.Domain.Tests.Devices.Ata;

/// <summary>
/// The primary IDE channel behind an I/O bus at 0x1F0–0x1F7 / 0x3F6, driven through its ports as
/// a PIO driver does it (ATA-6 §9 protocols): select, wait for !BSY, load the task file, issue the
/// command, poll for DRQ, move 256 words per sector, check status and error.
/// </summary>
internal sealed class AtaRig
{
    public const ushort Data = 0x1F0, Error = 0x1F1, Features = 0x1F1, Count = 0x1F2, LbaLow = 0x1F3, LbaMid = 0x1F4,
        LbaHigh = 0x1F5, Device = 0x1F6, Status = 0x1F7, Command = 0x1F7, Control = 0x3F6, AltStatus = 0x3F6;

    // Status and error bits, written out from ATA-6 §7.9 and §7.15.
    public const byte Bsy = 0x80, Drdy = 0x40, Df = 0x20, Dsc = 0x10, Drq = 0x08, Err = 0x01;
    public const byte Abrt = 0x04, Idnf = 0x10;

    public RecordingIrqLine Irq { get; } = new();
    public IoBus Bus { get; } = new();
    public AtaChannel Channel { get; }
    public IBlockDevice? Master { get; }
    public IBlockDevice? Slave { get; }

    public AtaRig(IBlockDevice? master, IBlockDevice? slave = null)
    {
        Master = master;
        Slave = slave;
        Channel = new AtaChannel(AtaChannelPorts.Primary, Irq, master, slave);
        Channel.MapPorts(Bus, 0x1F0, 0x3F6);
    }

    /// <summary>A rig with one zero-filled disk of <paramref name="sectors"/> sectors as master.</summary>
    public static AtaRig WithDisk(long sectors, bool readOnly = false) => new(new MemoryBlockDevice(sectors, readOnly));

    public MemoryBlockDevice Disk => (MemoryBlockDevice)Master!;

    public byte In(ushort port) => (byte)Bus.Read(port, 1);
    public void Out(ushort port, byte value) => Bus.Write(port, 1, value);
    public ushort InW(ushort port) => (ushort)Bus.Read(port, 2);
    public uint InD(ushort port) => Bus.Read(port, 4);
    public void OutW(ushort port, ushort value) => Bus.Write(port, 2, value);
    public void OutD(ushort port, uint value) => Bus.Write(port, 4, value);

    /// <summary>Polls alternate status until BSY is clear, as a driver does; a synchronous device must never stay busy.</summary>
    public byte WaitNotBusy()
    {
        for (int i = 0; i < 1000; i++)
        {
            byte s = In(AltStatus);
            if ((s & Bsy) == 0) return s;
        }
        throw new Xunit.Sdk.XunitException("the drive stayed busy");
    }

    /// <summary>Device register: DEV = <paramref name="unit"/>, LBA mode or not, head / LBA 27:24.</summary>
    public void Select(int unit, bool lba = true, int head = 0)
    {
        Out(Device, (byte)(0xA0 | (lba ? 0x40 : 0) | (unit << 4) | (head & 0x0F)));
        WaitNotBusy();
    }

    /// <summary>Loads a 28-bit LBA and count for the master (DEV 0, LBA mode) and issues <paramref name="command"/>.</summary>
    public void Lba28(byte command, long lba, int count, int unit = 0)
    {
        WaitNotBusy();
        Out(Device, (byte)(0xE0 | (unit << 4) | (int)((lba >> 24) & 0x0F)));
        Out(Count, (byte)count);
        Out(LbaLow, (byte)lba);
        Out(LbaMid, (byte)(lba >> 8));
        Out(LbaHigh, (byte)(lba >> 16));
        Out(Command, command);
    }

    /// <summary>Loads a 48-bit LBA and count the way ATA-6 §7.1.4 says: high-order bytes first, each register twice.</summary>
    public void Lba48(byte command, long lba, int count)
    {
        WaitNotBusy();
        Out(Device, 0xE0);
        Out(Count, (byte)(count >> 8));
        Out(LbaLow, (byte)(lba >> 24));
        Out(LbaMid, (byte)(lba >> 32));
        Out(LbaHigh, (byte)(lba >> 40));
        Out(Count, (byte)count);
        Out(LbaLow, (byte)lba);
        Out(LbaMid, (byte)(lba >> 8));
        Out(LbaHigh, (byte)(lba >> 16));
        Out(Command, command);
    }

    /// <summary>Cylinder/head/sector addressing (LBA bit clear).</summary>
    public void Chs(byte command, int cylinder, int head, int sector, int count)
    {
        WaitNotBusy();
        Out(Device, (byte)(0xA0 | (head & 0x0F)));
        Out(Count, (byte)count);
        Out(LbaLow, (byte)sector);
        Out(LbaMid, (byte)cylinder);
        Out(LbaHigh, (byte)(cylinder >> 8));
        Out(Command, command);
    }

    /// <summary>Waits for !BSY and asserts DRQ without ERR: a data block is ready.</summary>
    public void ExpectDrq()
    {
        byte s = WaitNotBusy();
        Assert.True((s & Drq) != 0, $"expected DRQ, status 0x{s:x2}, error 0x{In(Error):x2}");
        Assert.Equal(0, s & Err);
    }

    /// <summary>Reads one DRQ block of <paramref name="sectors"/> sectors with 16-bit INs.</summary>
    public byte[] ReadBlock(int sectors = 1)
    {
        ExpectDrq();
        var data = new byte[sectors * 512];
        for (int i = 0; i < data.Length; i += 2)
        {
            ushort w = InW(Data);
            data[i] = (byte)w;
            data[i + 1] = (byte)(w >> 8);
        }
        return data;
    }

    /// <summary>Reads one DRQ block with 32-bit INs (INSD).</summary>
    public byte[] ReadBlock32(int sectors = 1)
    {
        ExpectDrq();
        var data = new byte[sectors * 512];
        for (int i = 0; i < data.Length; i += 4)
            BitConverter.TryWriteBytes(data.AsSpan(i), InD(Data));
        return data;
    }

    public void WriteBlock(ReadOnlySpan<byte> data)
    {
        ExpectDrq();
        for (int i = 0; i < data.Length; i += 2)
            OutW(Data, (ushort)(data[i] | (data[i + 1] << 8)));
    }

    public void WriteBlock32(ReadOnlySpan<byte> data)
    {
        ExpectDrq();
        for (int i = 0; i < data.Length; i += 4)
            OutD(Data, BitConverter.ToUInt32(data[i..]));
    }

    /// <summary>The 256 IDENTIFY words of the selected device.</summary>
    public ushort[] Identify(int unit = 0)
    {
        Select(unit);
        Out(Command, 0xEC);
        var bytes = ReadBlock();
        var words = new ushort[256];
        for (int i = 0; i < 256; i++) words[i] = (ushort)(bytes[2 * i] | (bytes[2 * i + 1] << 8));
        return words;
    }

    /// <summary>Asserts the command ended in error with exactly these Error bits (status DRDY|ERR, no DRQ).</summary>
    public void ExpectError(byte error)
    {
        byte s = WaitNotBusy();
        Assert.Equal(Drdy | Err, s & (Drdy | Err | Drq | Df));
        Assert.Equal(error, In(Error));
    }

    /// <summary>Asserts the command ended well: DRDY, no ERR, no DRQ.</summary>
    public void ExpectDone()
    {
        byte s = WaitNotBusy();
        Assert.True((s & (Err | Drq)) == 0 && (s & Drdy) != 0, $"status 0x{s:x2}, error 0x{In(Error):x2}");
    }

    /// <summary>Sector <paramref name="lba"/> filled with a pattern that differs in every sector.</summary>
    public static byte[] Pattern(long lba, int sectors = 1)
    {
        var data = new byte[sectors * 512];
        for (int i = 0; i < data.Length; i++)
            data[i] = (byte)(lba * 31 + (i / 512) * 31 + i * 7 + 3);
        return data;
    }

    /// <summary>Puts a different pattern into each sector of a memory disk.</summary>
    public static void Fill(MemoryBlockDevice disk)
    {
        for (long lba = 0; lba < disk.SectorCount; lba++)
            Pattern(lba).CopyTo(disk.Contents[(int)(lba * 512)..]);
    }

    public byte[] SectorsOnDisk(long lba, int count) => Disk.Contents.Slice((int)(lba * 512), count * 512).ToArray();
}

/// <summary>A disk whose every read and write fails, as a broken image file would.</summary>
internal sealed class FailingBlockDevice(long sectors) : IBlockDevice
{
    public long SectorCount => sectors;
    public bool IsReadOnly => false;
    public bool FailReads { get; set; } = true;
    public bool TryRead(long lba, Span<byte> destination)
    {
        destination.Clear();
        return !FailReads;
    }
    public bool TryWrite(long lba, ReadOnlySpan<byte> source) => false;
    public bool TryFlush() => false;
}

/// <summary>A huge disk without storage behind it: every sector reads as its own LBA, little-endian, repeated; writes are remembered by LBA.</summary>
internal sealed class SparseBlockDevice(long sectors) : IBlockDevice
{
    public Dictionary<long, byte[]> Written { get; } = [];
    public long SectorCount => sectors;
    public bool IsReadOnly => false;
    public bool TryRead(long lba, Span<byte> destination)
    {
        for (int s = 0; s < destination.Length / 512; s++)
        {
            var sector = destination.Slice(s * 512, 512);
            if (Written.TryGetValue(lba + s, out var data)) data.CopyTo(sector);
            else for (int i = 0; i < 512; i += 8) BitConverter.TryWriteBytes(sector[i..], lba + s);
        }
        return true;
    }
    public bool TryWrite(long lba, ReadOnlySpan<byte> source)
    {
        for (int s = 0; s < source.Length / 512; s++) Written[lba + s] = source.Slice(s * 512, 512).ToArray();
        return true;
    }
    public bool TryFlush() => true;
}
