using HexEmu.Application.Ports;
using HexEmu.Domain.Machine;
using HexEmu.Domain.Replay;

namespace HexEmu.Application.Replay;

/// <summary>
/// Record mode (-icount …,rr=record): every input from outside reaches the machine through this
/// class, which logs it with the icount at which the guest sees it before applying it. The host
/// loop calls it only between slices, so an icount identifies one machine state exactly, and
/// caps its slices at <see cref="SliceLimit"/> so that checkpoints land on exact icounts.
/// </summary>
public sealed class RecordingSession
{
    /// <summary>Instructions between two state checkpoints by default (cheap: CPU and device state, not RAM).</summary>
    public const long DefaultCheckpointInterval = 10_000_000;

    private readonly long _checkpointInterval;

    private readonly PcMachine _machine;
    private readonly IReplayLogWriter _log;
    private readonly Func<bool, ulong> _digest;
    private readonly List<byte>?[] _pendingSerial = new List<byte>?[MachineConfig.MaxSerialPorts];
    private long _pendingIcount = -1;
    private long _nextCheckpoint;

    /// <param name="digest">The machine's state digest (the argument says whether RAM is included).</param>
    /// <param name="rtcBaseUnixSeconds">The host clock reading the RTC started from: the first recorded input.</param>
    public RecordingSession(PcMachine machine, IReplayLogWriter log, Func<bool, ulong> digest, long rtcBaseUnixSeconds,
                            long checkpointInterval = DefaultCheckpointInterval)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(checkpointInterval);
        _checkpointInterval = checkpointInterval;
        _machine = machine;
        _log = log;
        _digest = digest;
        _log.Append(new HostClockEvent(Icount, rtcBaseUnixSeconds));
        _nextCheckpoint = Icount + checkpointInterval;
        _log.Flush();
    }

    private long Icount => _machine.Cpu.Icount;

    /// <summary>The longest slice the host may run now without passing the next checkpoint.</summary>
    public long SliceLimit(long wanted) => Math.Max(1, Math.Min(wanted, _nextCheckpoint - Icount));

    /// <summary>After every slice: a checkpoint when one is due.</summary>
    public void AfterSlice()
    {
        if (Icount < _nextCheckpoint) return;
        WritePendingInput();
        _log.Append(new CheckpointEvent(Icount, _digest(false), LogCrc: 0));
        while (_nextCheckpoint <= Icount) _nextCheckpoint += _checkpointInterval;
    }

    /// <summary>Gives a host byte to a serial port, logging it if the port took it.</summary>
    public bool TryDeliverSerialInput(int port, byte value)
    {
        if (!_machine.TryDeliverSerialInput(port, value)) return false;
        if (_pendingIcount != Icount) WritePendingInput();
        _pendingIcount = Icount;
        (_pendingSerial[port] ??= []).Add(value);
        return true;
    }

    /// <summary>The end of a batch of input: it is logged and made durable (a killed recording keeps it).</summary>
    public void EndInputBatch()
    {
        if (WritePendingInput()) _log.Flush();
    }

    /// <summary>The idle CPU waited <paramref name="ns"/> of host time: the warp that really happened is logged.</summary>
    public void ElapseIdle(long ns)
    {
        long before = _machine.Clock.NowNs;
        _machine.ElapseIdle(ns);
        long warped = _machine.Clock.NowNs - before;
        if (warped <= 0) return;
        WritePendingInput();
        _log.Append(new IdleWarpEvent(Icount, warped));
    }

    /// <summary>A reset from outside the guest (the monitor's system_reset).</summary>
    public void SystemReset()
    {
        WritePendingInput();
        _log.Append(new ShutdownEvent(Icount, ShutdownCause.HostQmpSystemReset));
        _log.Flush();
        _machine.Reset();
    }

    /// <summary>The recording ends: a final checkpoint over all state including RAM, then why it ended.</summary>
    public void Finish(ShutdownCause cause, int exitCode)
    {
        WritePendingInput();
        _log.Append(new CheckpointEvent(Icount, _digest(true), LogCrc: 0, IncludesRam: true));
        _log.Append(new ShutdownEvent(Icount, cause, exitCode));
        _log.Append(new EndEvent(Icount));
        _log.Flush();
    }

    /// <summary>Pushes what was logged so far to the file (the host calls this at a bounded interval).</summary>
    public void Flush()
    {
        WritePendingInput();
        _log.Flush();
    }

    private bool WritePendingInput()
    {
        bool wrote = false;
        for (int port = 0; port < _pendingSerial.Length; port++)
        {
            if (_pendingSerial[port] is not { Count: > 0 } bytes) continue;
            _log.Append(new SerialInputEvent(_pendingIcount, port, [.. bytes]));
            bytes.Clear();
            wrote = true;
        }
        return wrote;
    }
}
