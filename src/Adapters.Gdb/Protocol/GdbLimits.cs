namespace HexEmu.Adapters.Gdb.Protocol;

internal static class GdbLimits
{
    /// <summary>
    /// The largest packet data (between '$' and '#') the stub accepts, announced to gdb as
    /// PacketSize (in hex: 4000). gdb sizes its memory writes so that whole packets fit.
    /// </summary>
    public const int PacketSize = 0x4000;

    /// <summary>At most this many bytes of guest memory go back in one 'm' reply (two hex digits each).</summary>
    public const int MaxMemoryReply = PacketSize / 2;

    /// <summary>Monitor output is sent in O packets of at most this many bytes of text.</summary>
    public const int ConsoleChunk = 1024;
}
