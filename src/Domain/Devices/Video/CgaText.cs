using HexEmu.Domain.Io;
using HexEmu.Domain.Memory;
using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Video;

/// <summary>
/// The colour text display as a guest without a video BIOS sees it: 80×25 cells of
/// (character, attribute) at physical 0xB8000, and the 6845-style CRT controller behind the
/// index/data pair 0x3D4/0x3D5 whose registers read back (as on VGA, which every PC since has
/// had). The text buffer is plain RAM, so guest writes cost nothing; this class owns the
/// controller registers, the mode/colour/status ports, and renders the screen for the host.
/// </summary>
public sealed class CgaText : IPortDevice
{
    public const uint TextBufferAddress = 0xB8000;
    public const ushort CrtcIndexPort = 0x3D4;
    public const ushort CrtcDataPort = 0x3D5;
    public const ushort ModePort = 0x3D8;
    public const ushort ColorPort = 0x3D9;
    public const ushort StatusPort = 0x3DA;
    public const int Columns = 80;
    public const int Rows = 25;
    /// <summary>VGA's CRTC has 0x19 registers (0x00–0x18); a CGA's 6845 has the first 0x12.</summary>
    public const int CrtcRegisterCount = 0x19;

    public const int CursorStartRegister = 0x0A;
    public const int StartAddressHighRegister = 0x0C;
    public const int CursorLocationHighRegister = 0x0E;
    public const int CursorLocationLowRegister = 0x0F;

    public const string StateSection = "cga";
    public const ushort StateVersion = 1;

    private readonly byte[] _crtc = new byte[CrtcRegisterCount];
    private byte _index;
    private byte _mode;
    private byte _color;
    /// <summary>Toggles on each status read, so a guest polling for retrace sees it come and go.</summary>
    private bool _retrace;

    public CgaText() => Reset();

    /// <summary>Power-on values: 80×25 text with a two-line underline cursor at the top left.</summary>
    public void Reset()
    {
        Array.Clear(_crtc);
        _crtc[0x01] = Columns - 1;   // horizontal displayed
        _crtc[0x09] = 0x0F;          // maximum scan line: 16-line characters
        _crtc[CursorStartRegister] = 0x0D;
        _crtc[0x0B] = 0x0E;          // cursor end
        _index = 0;
        _mode = 0x29;                // 80 columns, video on, blink
        _color = 0;
        _retrace = false;
    }

    public void MapPorts(IoBus bus) => bus.Map(CrtcIndexPort, StatusPort - CrtcIndexPort + 1, this);

    public byte Register(int index) => _crtc[index];

    /// <summary>The cursor's cell index (row × 80 + column) as the CRTC holds it.</summary>
    public int CursorCell => (_crtc[CursorLocationHighRegister] << 8) | _crtc[CursorLocationLowRegister];

    public uint Read(ushort port, int size)
    {
        uint value = 0;
        for (int i = 0; i < size; i++) value |= (uint)ReadByte((ushort)(port + i)) << (8 * i);
        return value;
    }

    public void Write(ushort port, int size, uint value)
    {
        for (int i = 0; i < size; i++) WriteByte((ushort)(port + i), (byte)(value >> (8 * i)));
    }

    private byte ReadByte(ushort port)
    {
        switch (port)
        {
            case CrtcIndexPort: return _index;
            case CrtcDataPort: return _index < CrtcRegisterCount ? _crtc[_index] : (byte)0xFF;
            case ModePort: return _mode;
            case ColorPort: return _color;
            case StatusPort:
                // Bit 0: display disabled (horizontal or vertical retrace), bit 3: vertical retrace.
                _retrace = !_retrace;
                return _retrace ? (byte)0x09 : (byte)0x00;
            default: return 0xFF;
        }
    }

    private void WriteByte(ushort port, byte value)
    {
        switch (port)
        {
            case CrtcIndexPort: _index = value; break;
            case CrtcDataPort:
                if (_index < CrtcRegisterCount) _crtc[_index] = value;
                break;
            case ModePort: _mode = value; break;
            case ColorPort: _color = value; break;
        }
    }

    /// <summary>The screen as text, one string per row (trailing blanks trimmed), from the page the start address selects.</summary>
    public IReadOnlyList<string> RenderRows(PhysicalMemory memory)
    {
        int start = (_crtc[StartAddressHighRegister] << 8) | _crtc[StartAddressHighRegister + 1];
        var rows = new string[Rows];
        var line = new char[Columns];
        for (int row = 0; row < Rows; row++)
        {
            for (int col = 0; col < Columns; col++)
            {
                uint cell = (uint)((start + row * Columns + col) & 0x3FFF);
                byte ch = (byte)memory.Read(TextBufferAddress + cell * 2, 1);
                line[col] = ch is >= 0x20 and < 0x7F ? (char)ch : ' ';
            }
            rows[row] = new string(line).TrimEnd();
        }
        return rows;
    }

    public void SaveState(StateWriter w)
    {
        w.BeginSection(StateSection, StateVersion);
        w.WriteBytes(_crtc);
        w.WriteU8(_index);
        w.WriteU8(_mode);
        w.WriteU8(_color);
        w.WriteBool(_retrace);
        w.EndSection();
    }

    public void LoadState(StateReader r)
    {
        AtomicLoad.Section(r, StateSection, StateVersion, SaveState, s =>
        {
            s.ExpectLength(CrtcRegisterCount + 4);
            s.ReadBytes(_crtc);
            _index = s.ReadU8();
            _mode = s.ReadU8();
            _color = s.ReadU8();
            _retrace = s.ReadBool();
        });
    }
}
