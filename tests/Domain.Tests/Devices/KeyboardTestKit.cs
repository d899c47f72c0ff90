using HexEmu.Domain.Devices;
using HexEmu.Domain.Devices.Keyboard;
using HexEmu.Domain.Tests.Support;

namespace HexEmu.Domain.Tests.Devices;

/// <summary>An i8042 with recording lines and callbacks, driven through its ports as a guest driver would.</summary>
internal sealed class KeyboardRig
{
    public RecordingIrqLine Irq1 { get; } = new();
    public RecordingIrqLine Irq12 { get; } = new();
    public List<bool> A20Levels { get; } = [];
    public int ResetRequests { get; private set; }
    public I8042Controller Kbc { get; }

    public KeyboardRig() => Kbc = new I8042Controller(Irq1, Irq12, A20Levels.Add, () => ResetRequests++);

    public Ps2Keyboard Keyboard => Kbc.Keyboard;
    public Ps2Mouse Mouse => Kbc.Mouse;

    public byte Status => (byte)Kbc.Read(0x64, 1);
    public bool OutputFull => (Status & I8042Status.OutputBufferFull) != 0;

    public void Command(byte command) => Kbc.Write(0x64, 1, command);
    public void Data(byte value) => Kbc.Write(0x60, 1, value);
    public byte ReadData() => (byte)Kbc.Read(0x60, 1);

    /// <summary>A controller command that answers one byte: waits for OBF as a driver polls, then reads.</summary>
    public byte Query(byte command)
    {
        Command(command);
        Assert.True(OutputFull, $"command 0x{command:X2} left no byte in the output buffer");
        return ReadData();
    }

    /// <summary>Command byte write: 0x60 to port 0x64, the value to port 0x60.</summary>
    public void WriteCommandByte(byte value)
    {
        Command(0x60);
        Data(value);
    }

    /// <summary>Reads every byte the controller has for the host, as a driver's flush loop does.</summary>
    public byte[] Drain()
    {
        var bytes = new List<byte>();
        for (int guard = 0; OutputFull && guard < 64; guard++) bytes.Add(ReadData());
        return [.. bytes];
    }
}
