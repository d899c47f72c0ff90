using System.IO.Compression;
using System.Text;

namespace HexEmu.Domain.Tests.Support;

/// <summary>One CPU state of a MOO test: 16-bit registers (absent ones are null) and RAM bytes.</summary>
public sealed record MooState(ushort?[] Regs, List<(uint Address, byte Value)> Ram);

/// <summary>One single-instruction test captured from hardware.</summary>
public sealed record MooTest(int Index, string Name, byte[] Bytes, MooState Initial, MooState Final, int? ExceptionVector, uint? FlagsAddress);

/// <summary>
/// Reads SingleStepTests "MOO" files (gzipped): a `MOO ` header chunk, then `TEST` chunks whose
/// sub-chunks are `NAME`, `BYTS`, `INIT`/`FINA` (each holding `REGS` and `RAM `), `EXCP`, and
/// others we skip by their length. All integers are little-endian.
/// </summary>
public static class MooReader
{
    /// <summary>Register order of the REGS bitmask.</summary>
    public static readonly string[] RegisterNames = ["ax", "bx", "cx", "dx", "cs", "ss", "ds", "es", "sp", "bp", "si", "di", "ip", "flags"];

    public static List<MooTest> Read(string gzPath)
    {
        using var gz = new GZipStream(File.OpenRead(gzPath), CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        gz.CopyTo(buffer);
        byte[] data = buffer.ToArray();
        var tests = new List<MooTest>();
        int pos = 0;
        while (pos + 8 <= data.Length)
        {
            string id = Encoding.ASCII.GetString(data, pos, 4);
            int length = BitConverter.ToInt32(data, pos + 4);
            if (id == "TEST") tests.Add(ReadTest(data.AsSpan(pos + 8, length)));
            pos += 8 + length;
        }
        return tests;
    }

    private static MooTest ReadTest(ReadOnlySpan<byte> test)
    {
        int index = BitConverter.ToInt32(test);
        string name = "";
        byte[] bytes = [];
        MooState? initial = null, final = null;
        int? vector = null;
        uint? flagsAddress = null;
        foreach (var (id, chunk) in Chunks(test[4..]))
        {
            ReadOnlySpan<byte> payload = chunk;
            switch (id)
            {
                case "NAME": name = Encoding.ASCII.GetString(payload.Slice(4, BitConverter.ToInt32(payload))); break;
                case "BYTS": bytes = payload.Slice(4, BitConverter.ToInt32(payload)).ToArray(); break;
                case "INIT": initial = ReadState(payload); break;
                case "FINA": final = ReadState(payload); break;
                case "EXCP":
                    vector = payload[0];
                    flagsAddress = BitConverter.ToUInt32(payload[1..]);
                    break;
            }
        }
        return new MooTest(index, name, bytes, initial!, final!, vector, flagsAddress);
    }

    private static MooState ReadState(ReadOnlySpan<byte> state)
    {
        var regs = new ushort?[RegisterNames.Length];
        var ram = new List<(uint, byte)>();
        foreach (var (id, chunk) in Chunks(state))
        {
            ReadOnlySpan<byte> payload = chunk;
            if (id == "REGS")
            {
                ushort mask = BitConverter.ToUInt16(payload);
                int at = 2;
                for (int r = 0; r < regs.Length; r++)
                {
                    if ((mask & (1 << r)) == 0) continue;
                    regs[r] = BitConverter.ToUInt16(payload[at..]);
                    at += 2;
                }
            }
            else if (id == "RAM ")
            {
                int count = BitConverter.ToInt32(payload);
                for (int k = 0; k < count; k++)
                    ram.Add((BitConverter.ToUInt32(payload[(4 + 5 * k)..]), payload[4 + 5 * k + 4]));
            }
        }
        return new MooState(regs, ram);
    }

    private static List<(string Id, byte[] Payload)> Chunks(ReadOnlySpan<byte> span)
    {
        var list = new List<(string, byte[])>();
        int pos = 0;
        while (pos + 8 <= span.Length)
        {
            string id = Encoding.ASCII.GetString(span.Slice(pos, 4));
            int length = BitConverter.ToInt32(span[(pos + 4)..]);
            list.Add((id, span.Slice(pos + 8, length).ToArray()));
            pos += 8 + length;
        }
        return list;
    }
}
