namespace HexEmu.Host.Img;

/// <summary>A failure of an <c>hexemu img</c> command, printed as one line; <see cref="TryHelp"/> adds qemu-img's help hint.</summary>
public sealed class ImgException(string message, bool tryHelp = false) : Exception(message)
{
    public bool TryHelp { get; } = tryHelp;
}
