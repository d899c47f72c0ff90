using HexEmu.Application.Ports;
using HexEmu.Domain.Replay;

namespace HexEmu.Host.Replay;

/// <summary>
/// Reads a replay log from a file: the header at once (a file that is not a log fails here, with a
/// one-line <see cref="ReplayLogException"/>), the events as they are asked for.
/// </summary>
public sealed class FileReplayLogReader : IReplayLogReader
{
    private readonly FileStream _file;
    private readonly ReplayLogDecoder _decoder;

    /// <summary>
    /// Opens <paramref name="path"/> and reads its header. Throws <see cref="ReplayLogFileException"/>
    /// if the file cannot be opened, <see cref="ReplayLogException"/> if its header is not valid.
    /// </summary>
    public FileReplayLogReader(string path)
    {
        Path = path;
        try
        {
            _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ReplayLogFileException.For("open", path, e);
        }
        try
        {
            _decoder = new ReplayLogDecoder(new FileByteSource(_file, path));
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public ReplayHeader Header => _decoder.Header;

    /// <summary>The decoder's position: offsets, icount, event count, whether the end event was seen.</summary>
    public ReplayLogDecoder Decoder => _decoder;

    public bool TryReadNext(out ReplayEvent? e) => _decoder.TryReadNext(out e);

    public void Dispose() => _file.Dispose();

    /// <summary>A read failure in the middle of the log is the log's problem for the caller: a ReplayLogException.</summary>
    private sealed class FileByteSource(FileStream file, string path) : IReplayByteSource
    {
        public int Read(Span<byte> buffer)
        {
            try
            {
                return file.Read(buffer);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ReplayLogException($"could not read replay log '{path}' at offset {file.Position}: {e.Message}");
            }
        }
    }
}
