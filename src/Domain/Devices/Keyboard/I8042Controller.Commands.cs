namespace HexEmu.Domain.Devices.Keyboard;

/// <summary>Controller commands (port 0x64) and the data bytes some of them take (port 0x60).</summary>
public sealed partial class I8042Controller
{
    private void WriteCommand(byte command)
    {
        _lastWriteWasCommand = true;
        _awaitingDataFor = 0; // a new command abandons one still waiting for its data byte
        switch (command)
        {
            case >= 0x20 and <= 0x3F: // Read controller RAM; 0x20 reads the command byte
                QueueReply(_ram[command & 0x1F]);
                break;
            case >= 0x60 and <= 0x7F: // Write controller RAM; 0x60 writes the command byte
            case 0xD1: // Write output port
            case 0xD2: // Write keyboard output buffer
            case 0xD3: // Write auxiliary output buffer
            case 0xD4: // Write to auxiliary device
                _awaitingDataFor = command;
                break;
            case 0xA7: // Disable auxiliary interface
                _ram[0] |= I8042CommandByte.AuxDisabled;
                break;
            case 0xA8: // Enable auxiliary interface
                _ram[0] &= unchecked((byte)~I8042CommandByte.AuxDisabled);
                break;
            case 0xA9: // Auxiliary interface test
            case 0xAB: // Keyboard interface test
                QueueReply(InterfaceTestPassed);
                break;
            case 0xAA: // Self test: the system flag records that it passed
                _systemFlag = true;
                QueueReply(SelfTestPassed);
                break;
            case 0xAD: // Disable keyboard interface
                _ram[0] |= I8042CommandByte.KeyboardDisabled;
                break;
            case 0xAE: // Enable keyboard interface
                _ram[0] &= unchecked((byte)~I8042CommandByte.KeyboardDisabled);
                break;
            case 0xC0: // Read input port
                QueueReply(InputPortValue);
                break;
            case 0xD0: // Read output port; bits 4 and 5 are the OBF outputs of the moment
                QueueReply((byte)(_outputPort
                    | (_outputBufferFull && !_outputFromAux ? I8042OutputPort.KeyboardOutputFull : 0)
                    | (_outputBufferFull && _outputFromAux ? I8042OutputPort.AuxOutputFull : 0)));
                break;
            case 0xDD: // Disable A20 (HP Vectra style; accepted by many controllers and QEMU)
                SetA20Bit(false);
                break;
            case 0xDF: // Enable A20
                SetA20Bit(true);
                break;
            case >= 0xF0: // Pulse output port bits 0–3 low where the command's bit is 0; only bit 0 (reset) matters
                if ((command & 0x01) == 0)
                    _requestReset();
                break;
            default: // Vendor commands (version, password, ...) that PCs do not need: ignored, as QEMU does
                if (_log is { LogsUnimplemented: true } log)
                    log.Unimplemented($"i8042: controller command 0x{command:x2} ignored");
                break;
        }
    }

    private void WriteData(byte value)
    {
        _lastWriteWasCommand = false;
        byte command = _awaitingDataFor;
        _awaitingDataFor = 0;
        switch (command)
        {
            case 0: // No command waits: the byte goes to the keyboard, which needs its clock for that
                _ram[0] &= unchecked((byte)~I8042CommandByte.KeyboardDisabled);
                Keyboard.Receive(value);
                break;
            case >= 0x60 and <= 0x7F:
                _ram[command & 0x1F] = value;
                if (command == 0x60)
                {
                    // PC/AT Technical Reference: the status system flag "can be changed by writing
                    // to the system flag bit in the command byte" (QEMU leaves it alone; Bochs agrees with the manual).
                    _systemFlag = (value & I8042CommandByte.SystemFlag) != 0;
                    if (!Translating) _breakPrefixSeen = false;
                }
                break;
            case 0xD1:
                WriteOutputPort(value);
                break;
            case 0xD2:
                QueueReply(value);
                break;
            case 0xD3:
                QueueReply(value, fromAux: true);
                break;
            case 0xD4: // To the mouse, whose clock the controller releases for that, as for the keyboard
                _ram[0] &= unchecked((byte)~I8042CommandByte.AuxDisabled);
                Mouse.Receive(value);
                break;
        }
    }

    /// <summary>
    /// The output port drives the A20 gate (bit 1) and the processor's reset line (bit 0, active
    /// low): writing bit 0 as 0 resets the system. Bits 4–5 follow the output buffer, not the write.
    /// </summary>
    private void WriteOutputPort(byte value)
    {
        _outputPort = (byte)(value & ~(I8042OutputPort.KeyboardOutputFull | I8042OutputPort.AuxOutputFull));
        _setA20((value & I8042OutputPort.A20) != 0);
        if ((value & I8042OutputPort.NotReset) == 0)
            _requestReset();
    }

    private void SetA20Bit(bool enabled)
    {
        _outputPort = enabled ? (byte)(_outputPort | I8042OutputPort.A20) : (byte)(_outputPort & ~I8042OutputPort.A20);
        _setA20(enabled);
    }
}
