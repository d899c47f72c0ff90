using HexEmu.Domain.Diagnostics;
using HexEmu.Domain.Io;
using HexEmu.Domain.Storage;

namespace HexEmu.Domain.Devices.Ata;

/// <summary>
/// One parallel ATA (IDE) channel with its two device positions, master (device 0) and slave
/// (device 1), as a PC's primary or secondary IDE controller presents it: the command block
/// (data, error/features, sector count, LBA low/mid/high, device, status/command) and the
/// device control / alternate status register, and one interrupt line.
/// <para>
/// Scope: hard disks over PIO — 28-bit LBA and CHS addressing, 48-bit LBA (the EXT commands),
/// 16- and 32-bit data port accesses. There is no bus-master DMA (IDENTIFY does not advertise
/// any DMA mode, and the DMA commands abort) and no ATAPI/CD-ROM (PACKET and IDENTIFY PACKET
/// DEVICE abort, as on any non-packet device).
/// </para>
/// <para>
/// Determinism: every command runs to its end, disk I/O included, inside the port access that
/// issues it (or that moves the last word of a data block), so BSY is never seen set except
/// while SRST is held, and no timer is involved. The model follows QEMU's IDE where the ATA
/// standard leaves room (register values, which drive answers for an absent one, how nIEN gates
/// the line); the places where it follows the standard instead are noted where they are coded.
/// </para>
/// </summary>
public sealed partial class AtaChannel : IPortDevice
{
    public const string ModelNumber = "HEXEMU HARDDISK";
    public const string FirmwareRevision = "1.0";

    private readonly IIrqLine _irq;
    private readonly AtaDrive[] _drives;
    private ushort _commandBase;
    private ushort _controlPort;
    /// <summary>The device control register as last written (nIEN, SRST, HOB). Both devices share it.</summary>
    private byte _deviceControl;
    /// <summary>The device the DEV bit selects: 0 master, 1 slave.</summary>
    private int _selected;
    /// <summary>The level driven on <see cref="_irq"/>: an interrupt is pending.</summary>
    private bool _irqLevel;

    /// <param name="ports">Which channel this is: its default ports, and its state section and drive serial numbers.</param>
    /// <param name="irq">INTRQ (IRQ 14 for the primary channel, 15 for the secondary).</param>
    /// <param name="master">The disk at device 0, or null if there is none.</param>
    /// <param name="slave">The disk at device 1, or null if there is none.</param>
    /// <param name="log">Where commands HexEmu does not implement are reported (-d unimp, guest_errors).</param>
    public AtaChannel(AtaChannelPorts ports, IIrqLine irq, IBlockDevice? master, IBlockDevice? slave, IGuestLog? log = null)
    {
        Ports = ports;
        Log = log;
        _irq = irq;
        _commandBase = ports.CommandBase;
        _controlPort = ports.ControlPort;
        _drives = [new AtaDrive(this, master, SerialNumber(ports, 0)), new AtaDrive(this, slave, SerialNumber(ports, 1))];
        ResetRegisters();
    }

    public AtaChannelPorts Ports { get; }

    internal IGuestLog? Log { get; }

    /// <summary>Whether INTRQ is asserted now.</summary>
    public bool IrqLevel => _irqLevel;

    /// <summary>The serial number a drive reports in IDENTIFY: "HX00001" … "HX00004" by position, as QEMU numbers its "QM0000n".</summary>
    public static string SerialNumber(AtaChannelPorts ports, int unit) => $"HX{ports.Index * 2 + unit + 1:D5}";

    /// <summary>Claims this channel's default ports (<see cref="AtaChannelPorts.CommandBase"/> and <see cref="AtaChannelPorts.ControlPort"/>).</summary>
    public void MapPorts(IoBus io) => MapPorts(io, Ports.CommandBase, Ports.ControlPort);

    /// <summary>
    /// Claims the eight command block ports at <paramref name="commandBase"/> and the device
    /// control / alternate status port <paramref name="controlPort"/> (only that one: the port
    /// after it, e.g. 0x3F7, belongs to the floppy controller on a PC).
    /// </summary>
    public void MapPorts(IoBus io, ushort commandBase, ushort controlPort)
    {
        io.Map(commandBase, AtaChannelPorts.CommandPortCount, this);
        io.Map(controlPort, 1, this);
        _commandBase = commandBase;
        _controlPort = controlPort;
    }

    /// <summary>Hardware reset (power-on, system_reset): both drives to their power-on state, device 0 selected, INTRQ released.</summary>
    public void Reset()
    {
        ResetRegisters();
        LowerInterrupt();
    }

    private void ResetRegisters()
    {
        _deviceControl = 0;
        _selected = 0;
        foreach (var drive in _drives) drive.PowerOnReset();
    }

    public uint Read(ushort port, int size)
    {
        if (port == _controlPort)
            return ReadAlternateStatus() | (size == 1 ? 0u : 0xFFFF_FF00u & WidthMask(size));
        int register = port - _commandBase;
        if (register == AtaRegister.Data && size >= 2)
            return Selected.ReadData(size);
        // An ISA bus splits wider accesses to the byte registers into byte cycles.
        uint value = 0;
        for (int i = 0; i < size; i++)
            value |= (uint)ReadRegister(register + i) << (8 * i);
        return value;
    }

    public void Write(ushort port, int size, uint value)
    {
        if (port == _controlPort)
        {
            WriteDeviceControl((byte)value);
            return;
        }
        int register = port - _commandBase;
        if (register == AtaRegister.Data && size >= 2)
        {
            Selected.WriteData(size, value);
            return;
        }
        for (int i = 0; i < size; i++)
            WriteRegister(register + i, (byte)(value >> (8 * i)));
    }

    private static uint WidthMask(int size) => size >= 4 ? 0xFFFF_FFFFu : (1u << (8 * size)) - 1;

    private AtaDrive Selected => _drives[_selected];
    private bool NoDrives => !_drives[0].IsPresent && !_drives[1].IsPresent;
    /// <summary>
    /// QEMU's rule for what answers when nothing is there: on a channel without drives, and for an
    /// absent device 1 beside a present device 0, status and error read 0 (BSY and DRDY clear, so
    /// a driver probing the position sees no device). An absent device 0 beside a present device 1
    /// answers with its own registers, and aborts every command.
    /// </summary>
    private bool SelectedAnswersZero => NoDrives || (_selected == 1 && !_drives[1].IsPresent);
    private bool HighOrderBytes => (_deviceControl & AtaDeviceControl.HighOrderByte) != 0;

    private byte ReadAlternateStatus() => SelectedAnswersZero ? (byte)0 : Selected.Status;

    private byte ReadRegister(int register)
    {
        var d = Selected;
        switch (register)
        {
            case AtaRegister.Data:
                return 0xFF; // a byte access to the 16-bit data port moves no data
            case AtaRegister.ErrorFeatures:
                return SelectedAnswersZero ? (byte)0 : HighOrderBytes ? d.PreviousFeatures : d.Error;
            case AtaRegister.SectorCount:
                return NoDrives ? (byte)0 : HighOrderBytes ? d.PreviousCount : d.Count;
            case AtaRegister.LbaLow:
                return NoDrives ? (byte)0 : HighOrderBytes ? d.PreviousLbaLow : d.LbaLow;
            case AtaRegister.LbaMid:
                return NoDrives ? (byte)0 : HighOrderBytes ? d.PreviousLbaMid : d.LbaMid;
            case AtaRegister.LbaHigh:
                return NoDrives ? (byte)0 : HighOrderBytes ? d.PreviousLbaHigh : d.LbaHigh;
            case AtaRegister.Device:
                return NoDrives ? (byte)0 : d.Device;
            case AtaRegister.StatusCommand:
                // Reading Status acknowledges the interrupt; Alternate Status does not.
                byte status = ReadAlternateStatus();
                LowerInterrupt();
                return status;
            default:
                return 0xFF;
        }
    }

    private void WriteRegister(int register, byte value)
    {
        if (register is < AtaRegister.ErrorFeatures or > AtaRegister.StatusCommand) return;
        if (register == AtaRegister.StatusCommand)
        {
            _deviceControl &= unchecked((byte)~AtaDeviceControl.HighOrderByte); // any task file write clears HOB
            LowerInterrupt(); // writing Command acknowledges the interrupt
            ExecuteCommand(value);
            return;
        }
        // While the selected device is busy or moving data, its task file is not writable (ATA-6 §7.1).
        if ((Selected.Status & (AtaStatus.Bsy | AtaStatus.Drq)) != 0) return;
        _deviceControl &= unchecked((byte)~AtaDeviceControl.HighOrderByte);
        // Both devices latch every task file write; the DEV bit only decides which one answers.
        foreach (var drive in _drives) drive.WriteTaskFile(register, value);
        if (register == AtaRegister.Device)
            _selected = (value & AtaDeviceBits.Dev) != 0 ? 1 : 0;
    }

    private void ExecuteCommand(byte command)
    {
        var drive = Selected;
        if (_selected == 1 && !drive.IsPresent) return; // nothing there to take it (QEMU ignores it as well)
        if ((drive.Status & (AtaStatus.Bsy | AtaStatus.Drq)) != 0) return; // a command is in progress
        if (command == AtaCommand.ExecuteDeviceDiagnostic)
        {
            // Both devices run their diagnostics whichever is selected (ATA-6 §8.11); QEMU resets only the selected one.
            foreach (var d in _drives) d.ReportDiagnostic();
            RaiseInterrupt();
            return;
        }
        drive.Execute(command);
    }

    /// <summary>
    /// SRST (ATA-6 §9.2): setting it puts both devices in reset (BSY, any transfer dropped, INTRQ
    /// released); clearing it ends the reset with each device's diagnostic result and signature in
    /// its task file and device 0 selected. There is no interrupt at the end of a software reset
    /// (QEMU raises one unless nIEN is set).
    /// </summary>
    private void WriteDeviceControl(byte value)
    {
        bool wasInReset = (_deviceControl & AtaDeviceControl.SoftwareReset) != 0;
        bool inReset = (value & AtaDeviceControl.SoftwareReset) != 0;
        _deviceControl = value;
        if (inReset && !wasInReset)
        {
            foreach (var drive in _drives) drive.BeginSoftwareReset();
            LowerInterrupt();
        }
        else if (wasInReset && !inReset)
        {
            foreach (var drive in _drives) drive.CompleteSoftwareReset();
            _selected = 0;
        }
    }

    /// <summary>
    /// A device asks for an interrupt. With nIEN set the request is dropped rather than held
    /// back, and setting nIEN does not release an asserted line (both as QEMU does); reading
    /// Status or writing Command releases it.
    /// </summary>
    internal void RaiseInterrupt()
    {
        if ((_deviceControl & AtaDeviceControl.InterruptDisable) != 0 || _irqLevel) return;
        _irqLevel = true;
        _irq.Set(true);
    }

    private void LowerInterrupt()
    {
        if (!_irqLevel) return;
        _irqLevel = false;
        _irq.Set(false);
    }
}
