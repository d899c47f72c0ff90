using System.Buffers.Binary;
using System.Text;

namespace HexEmu.Domain.State;

/// <summary>
/// Reads a state written by <see cref="StateWriter"/>: checks the header, indexes the sections by
/// name, and hands each component a <see cref="SectionReader"/> over its own payload. Sections may
/// come in any order; a component asks for its section by name and says which versions it reads.
/// </summary>
public sealed class StateReader
{
    private readonly byte[] _data;
    private readonly Dictionary<string, (ushort Version, int Offset, int Length)> _sections = [];
    private readonly List<string> _order = [];

    public StateReader(byte[] data)
    {
        _data = data;
        var magic = StateWriter.Magic;
        if (data.Length < magic.Length + 2 || !data.AsSpan(0, magic.Length).SequenceEqual(magic))
            throw new StateFormatException("not a HexEmu saved state (bad magic)");
        ushort format = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(magic.Length));
        if (format != StateWriter.FormatVersion)
            throw new StateFormatException($"saved state format version {format} is not supported (this build reads version {StateWriter.FormatVersion})");
        int at = magic.Length + 2;
        while (at < data.Length)
        {
            int nameLength = data[at++];
            if (at + nameLength + 6 > data.Length) throw new StateFormatException("saved state truncated in a section header");
            string name = Encoding.ASCII.GetString(data, at, nameLength);
            at += nameLength;
            ushort version = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at));
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at + 2));
            at += 6;
            if (length > (uint)(data.Length - at)) throw new StateFormatException($"section '{name}' is truncated");
            if (!_sections.TryAdd(name, (version, at, (int)length))) throw new StateFormatException($"section '{name}' appears twice");
            _order.Add(name);
            at += (int)length;
        }
    }

    /// <summary>Section names in the order they were written.</summary>
    public IReadOnlyList<string> SectionNames => _order;

    public bool HasSection(string name) => _sections.ContainsKey(name);

    /// <summary>
    /// Opens section <paramref name="name"/>, whose version must lie between 1 and
    /// <paramref name="newestKnownVersion"/>: a newer one was written by a newer build, and
    /// guessing at its layout would load garbage.
    /// </summary>
    public SectionReader Open(string name, ushort newestKnownVersion)
    {
        if (!_sections.TryGetValue(name, out var s))
            throw new StateFormatException($"saved state has no section '{name}'");
        if (s.Version == 0 || s.Version > newestKnownVersion)
            throw new StateFormatException(
                $"section '{name}' has version {s.Version}, but this build reads versions 1 to {newestKnownVersion}");
        return new SectionReader(name, s.Version, new ReadOnlyMemory<byte>(_data, s.Offset, s.Length));
    }
}

/// <summary>Sequential little-endian reads over one section's payload; reading past its end is a format error.</summary>
public sealed class SectionReader(string name, ushort version, ReadOnlyMemory<byte> payload)
{
    private int _at;

    public string Name { get; } = name;
    public ushort Version { get; } = version;
    public int Length => payload.Length;
    public int Remaining => payload.Length - _at;

    public byte ReadU8() => Take(1)[0];
    public bool ReadBool() => ReadU8() switch
    {
        0 => false,
        1 => true,
        var b => throw new StateFormatException($"section '{Name}': {b} is not a boolean"),
    };
    public ushort ReadU16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
    public uint ReadU32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
    public int ReadI32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
    public ulong ReadU64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
    public long ReadI64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    public void ReadBytes(Span<byte> into) => Take(into.Length).CopyTo(into);
    public void Skip(int count) => Take(count);

    /// <summary>Checks that the payload was read to its end (a longer payload means a layout mismatch).</summary>
    public void End()
    {
        if (_at != payload.Length)
            throw new StateFormatException($"section '{Name}' version {Version}: {payload.Length - _at} bytes left unread");
    }

    /// <summary>Fails early, before anything is loaded, unless the payload has exactly <paramref name="length"/> bytes.</summary>
    public void ExpectLength(int length)
    {
        if (payload.Length != length)
            throw new StateFormatException($"section '{Name}' version {Version} must be {length} bytes, not {payload.Length}");
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > payload.Length - _at)
            throw new StateFormatException($"section '{Name}' ends too early");
        var span = payload.Span.Slice(_at, count);
        _at += count;
        return span;
    }
}
