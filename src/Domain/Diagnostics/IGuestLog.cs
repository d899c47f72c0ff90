namespace HexEmu.Domain.Diagnostics;

/// <summary>
/// The log a device (and the I/O bus) reports guest mistakes and unimplemented features to, as
/// QEMU's `-d guest_errors` and `-d unimp`. Callers test the matching Logs… property first, so
/// that no message is formatted while the item is off.
/// </summary>
public interface IGuestLog
{
    /// <summary>`-d guest_errors` is on.</summary>
    bool LogsGuestErrors { get; }

    /// <summary>`-d unimp` is on.</summary>
    bool LogsUnimplemented { get; }

    /// <summary>The guest did something invalid (an unmapped port, a bad device command): one line, no newline needed.</summary>
    void GuestError(string message);

    /// <summary>The guest used a device feature HexEmu does not implement: one line, no newline needed.</summary>
    void Unimplemented(string message);
}

/// <summary>The guest log of a run: writes the items <see cref="LogItems"/> enables to a sink, drops the others.</summary>
public sealed class GuestLog(LogItems items, ILogSink sink) : IGuestLog
{
    public bool LogsGuestErrors { get; } = (items & LogItems.GuestErrors) != 0;

    public bool LogsUnimplemented { get; } = (items & LogItems.Unimp) != 0;

    public void GuestError(string message)
    {
        if (LogsGuestErrors) sink.Write(Line(message));
    }

    public void Unimplemented(string message)
    {
        if (LogsUnimplemented) sink.Write(Line(message));
    }

    private static string Line(string message) => message.EndsWith('\n') ? message : message + "\n";
}
