using System.Net.Sockets;

namespace HexEmu.Host.Chardev;

/// <summary>Turns host I/O failures into one-line messages in QEMU's wording ("Could not open 'x': No such file or directory").</summary>
public static class CharDeviceErrors
{
    public static T Open<T>(string path, Func<T> open)
    {
        try
        {
            return open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ChardevException($"Could not open '{path}': {Reason(e)}");
        }
    }

    public static string Reason(Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException => "No such file or directory",
        UnauthorizedAccessException => "Permission denied",
        SocketException s => s.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "Connection refused",
            SocketError.AddressAlreadyInUse => "Address already in use",
            SocketError.AddressNotAvailable => "Cannot assign requested address",
            SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => "Name or service not known",
            SocketError.AccessDenied => "Permission denied",
            SocketError.AddressFamilyNotSupported => "No such file or directory",
            _ => s.Message,
        },
        _ => e.Message,
    };
}

/// <summary>A chardev that cannot be opened; the message is one line that names the problem.</summary>
public sealed class ChardevException(string message) : Exception(message);
