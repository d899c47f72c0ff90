using System.Text;

namespace HexEmu.Adapters.Gdb.Protocol;

/// <summary>The sending side of the framing: <c>$data#cc</c>, and the escaping of binary data.</summary>
internal static class PacketEncoder
{
    /// <summary>
    /// Frames a payload that is already safe to send (text replies, or binary data passed
    /// through <see cref="EscapeBinary"/>).
    /// </summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[payload.Length + 4];
        frame[0] = (byte)'$';
        payload.CopyTo(frame.AsSpan(1));
        byte sum = 0;
        foreach (var b in payload) sum += b;
        frame[^3] = (byte)'#';
        frame[^2] = (byte)"0123456789abcdef"[sum >> 4];
        frame[^1] = (byte)"0123456789abcdef"[sum & 15];
        return frame;
    }

    public static byte[] Frame(string payload) => Frame(Encoding.ASCII.GetBytes(payload));

    /// <summary>
    /// Escapes binary data for a reply: '#', '$' and '}' always, and '*' because in what the stub
    /// sends it would start a run length. Each becomes '}' followed by the byte XOR 0x20.
    /// </summary>
    public static void EscapeBinary(ReadOnlySpan<byte> data, List<byte> output)
    {
        foreach (var b in data)
        {
            if (b is (byte)'#' or (byte)'$' or (byte)'}' or (byte)'*')
            {
                output.Add((byte)'}');
                output.Add((byte)(b ^ 0x20));
            }
            else
            {
                output.Add(b);
            }
        }
    }
}
