namespace HexEmu.Domain.Diagnostics;

/// <summary>
/// The guest log the machine hands its devices when it builds them: it forwards to whatever log
/// the host attaches later (or to none), so devices never need rebuilding when logging changes.
/// </summary>
public sealed class ForwardingGuestLog : IGuestLog
{
    public IGuestLog? Target { get; set; }

    public bool LogsGuestErrors => Target?.LogsGuestErrors ?? false;

    public bool LogsUnimplemented => Target?.LogsUnimplemented ?? false;

    public void GuestError(string message) => Target?.GuestError(message);

    public void Unimplemented(string message) => Target?.Unimplemented(message);
}
