using System.Buffers.Binary;
using System.Text;

namespace HexEmu.Domain.State;

/// <summary>
/// Writes a saved state: a header, then named, versioned sections, one per stateful component.
/// Little-endian throughout. Layout:
/// <code>
/// file    = magic "HXST" (4 bytes), format version (u16), section*
/// section = name length (u8), name (ASCII), version (u16), payload length (u32), payload
/// </code>
/// Each component writes its payload with the primitive writers between <see cref="BeginSection"/>
/// and <see cref="EndSection"/>, and bumps its section version whenever the payload changes.
/// </summary>
public sealed class StateWriter
{
    internal static ReadOnlySpan<byte> Magic => "HXST"u8;
    internal const ushort FormatVersion = 1;

    private byte[] _buffer = new byte[4096];
    private int _length;
    private int _lengthField = -1;
    private readonly HashSet<string> _names = [];

    public StateWriter()
    {
        WriteBytes(Magic);
        WriteU16(FormatVersion);
    }

    /// <summary>Starts section <paramref name="name"/> (unique in a state, ASCII, ≤ 255 characters).</summary>
    /// <summary>Empties the writer for reuse, keeping its buffer: back to a state with no sections.</summary>
    public void Clear()
    {
        _length = 0;
        _lengthField = -1;
        _names.Clear();
        WriteBytes(Magic);
        WriteU16(FormatVersion);
    }

    public void BeginSection(string name, ushort version)
    {
        if (_lengthField >= 0) throw new InvalidOperationException("sections do not nest");
        if (name.Length is 0 or > 255 || !Ascii.IsValid(name)) throw new ArgumentException($"bad section name '{name}'", nameof(name));
        if (!_names.Add(name)) throw new InvalidOperationException($"section '{name}' written twice");
        WriteU8((byte)name.Length);
        Encoding.ASCII.GetBytes(name, Grow(name.Length));
        WriteU16(version);
        _lengthField = _length;
        WriteU32(0); // patched by EndSection
    }

    public void EndSection()
    {
        if (_lengthField < 0) throw new InvalidOperationException("no section is open");
        uint payload = (uint)(_length - _lengthField - 4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_lengthField), payload);
        _lengthField = -1;
    }

    public void WriteU8(byte v) => Grow(1)[0] = v;
    public void WriteBool(bool v) => WriteU8(v ? (byte)1 : (byte)0);
    public void WriteU16(ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(Grow(2), v);
    public void WriteU32(uint v) => BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), v);
    public void WriteI32(int v) => BinaryPrimitives.WriteInt32LittleEndian(Grow(4), v);
    public void WriteU64(ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), v);
    public void WriteI64(long v) => BinaryPrimitives.WriteInt64LittleEndian(Grow(8), v);
    public void WriteBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grow(bytes.Length));

    /// <summary>The state written so far (complete once every section is ended).</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public byte[] ToArray()
    {
        if (_lengthField >= 0) throw new InvalidOperationException("a section is still open");
        return Written.ToArray();
    }

    private Span<byte> Grow(int count)
    {
        if (_length + count > _buffer.Length)
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
