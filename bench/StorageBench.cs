using System.Diagnostics;
using HexEmu.Adapters.Qcow2;
using HexEmu.Domain.Devices;
using HexEmu.Domain.Devices.Ata;
using HexEmu.Domain.Io;
using HexEmu.Domain.Machine;
using HexEmu.Domain.State;
using HexEmu.Domain.Storage;
using HexEmu.Host.Storage;

namespace HexEmu.Bench;

/// <summary>
/// Storage figures for issue 5: sequential disk throughput as a guest driver sees it (WRITE and
/// READ MULTIPLE through the emulated IDE controller's ports, 16 sectors per interrupt, 32-bit
/// data port) on a raw image and on a qcow2 image; and savevm/loadvm of a 128 MiB machine whose RAM
/// is full of data (the worst case: no zero pages to skip) into a qcow2 internal snapshot.
/// </summary>
internal static class StorageBench
{
    private const ushort Base = 0x1F0;
    private const int Multiple = 16;

    public static int Run(int megabytes)
    {
        string dir = Directory.CreateTempSubdirectory("hexemu-bench-").FullName;
        try
        {
            long bytes = (long)megabytes << 20;
            string raw = Path.Combine(dir, "disk.img");
            File.WriteAllBytes(raw, []);
            using (var f = File.OpenWrite(raw)) f.SetLength(bytes);
            using (var rawDisk = new RawImageBlockDevice(raw, readOnly: false))
                Report("raw", Throughput(rawDisk, bytes));
            using (var qcow2 = Qcow2Image.Create(Path.Combine(dir, "disk.qcow2"), bytes))
                Report("qcow2 (empty, allocating)", Throughput(qcow2, bytes));
            Snapshots(Path.Combine(dir, "vmstate.qcow2"));
            return 0;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Report(string what, (double Write, double Read) mbps) =>
        Console.WriteLine($"guest disk {what}: write {mbps.Write:F0} MB/s, read {mbps.Read:F0} MB/s");

    /// <summary>Writes then reads the whole disk sequentially through the controller; MB/s each way.</summary>
    private static (double Write, double Read) Throughput(IBlockDevice disk, long bytes)
    {
        var io = new IoBus();
        new AtaChannel(AtaChannelPorts.Primary, UnconnectedIrqLine.Instance, disk, null).MapPorts(io);
        io.Write(Base + 6, 1, 0xE0); // master, LBA
        io.Write(Base + 2, 1, Multiple);
        io.Write(Base + 7, 1, 0xC6); // SET MULTIPLE MODE
        long sectors = bytes / 512;
        var pattern = new uint[128];
        for (int i = 0; i < pattern.Length; i++) pattern[i] = (uint)(i * 2654435761u);

        var sw = Stopwatch.StartNew();
        for (long lba = 0; lba < sectors; lba += Multiple)
        {
            Command(io, 0xC5, lba); // WRITE MULTIPLE
            for (int s = 0; s < Multiple; s++)
                foreach (uint word in pattern) io.Write(Base, 4, word ^ (uint)lba);
        }
        io.Write(Base + 7, 1, 0xE7); // FLUSH CACHE
        double write = bytes / sw.Elapsed.TotalSeconds / 1e6;

        sw.Restart();
        uint sum = 0;
        for (long lba = 0; lba < sectors; lba += Multiple)
        {
            Command(io, 0xC4, lba); // READ MULTIPLE
            for (int s = 0; s < Multiple * 128; s++) sum += io.Read(Base, 4);
        }
        double read = bytes / sw.Elapsed.TotalSeconds / 1e6;
        if (sum == 0x12345678) Console.WriteLine("(unlikely checksum)"); // keeps the reads from being optimised away
        return (write, read);
    }

    private static void Command(IoBus io, byte command, long lba)
    {
        io.Write(Base + 2, 1, Multiple);
        io.Write(Base + 3, 1, (uint)(lba & 0xFF));
        io.Write(Base + 4, 1, (uint)((lba >> 8) & 0xFF));
        io.Write(Base + 5, 1, (uint)((lba >> 16) & 0xFF));
        io.Write(Base + 6, 1, (uint)(0xE0 | ((lba >> 24) & 0x0F)));
        io.Write(Base + 7, 1, command);
        if ((io.Read(Base + 7, 1) & 0x01) != 0) throw new InvalidOperationException($"the disk failed command 0x{command:x2} at LBA {lba}");
    }

    /// <summary>savevm/loadvm of a 128 MiB machine with every RAM page holding data.</summary>
    private static void Snapshots(string path)
    {
        var machine = new PcMachine(new MachineConfig { Bios = new byte[MachineConfig.MinBiosBytes] });
        new Random(1).NextBytes(machine.Memory.Ram);
        using var image = Qcow2Image.Create(path, 16 << 20);
        var store = new Qcow2SnapshotStore(image, []);

        var sw = Stopwatch.StartNew();
        var state = new StateWriter();
        machine.SaveState(state);
        store.Save("bench", state.Written, machine.Clock.NowNs, machine.Cpu.Icount, DateTimeOffset.UtcNow);
        double save = sw.Elapsed.TotalMilliseconds;

        sw.Restart();
        machine.LoadState(new StateReader(store.ReadVmState("bench")));
        store.RestoreDisks("bench");
        double load = sw.Elapsed.TotalMilliseconds;
        Console.WriteLine($"savevm of a 128 MiB machine (RAM all data, {state.Written.Length >> 20} MiB of state): {save:F0} ms; loadvm: {load:F0} ms");
    }
}
