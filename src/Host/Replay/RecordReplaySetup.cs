using HexEmu.Application.Ports;
using HexEmu.Application.Replay;
using HexEmu.Domain.Machine;
using HexEmu.Domain.Replay;
using HexEmu.Host.Cli;

namespace HexEmu.Host.Replay;

/// <summary>
/// -icount …,rr=record|replay: opens the log, checks a replay against what was recorded
/// (refusing a mismatch with what differs), and makes the session the run loop drives.
/// </summary>
public sealed class RecordReplaySetup : IDisposable
{
    private IReplayLogReader? _reader;
    private IReplayLogWriter? _writer;

    public RecordingSession? Recorder { get; private set; }
    public ReplaySession? Replayer { get; private set; }

    /// <summary>The gate in front of a replay's output (null unless replaying).</summary>
    public Application.Debugging.ReplayOutputGate? OutputGate { get; private set; }

    /// <summary>Identifies the recording being replayed (null unless replaying).</summary>
    public string? ReplayIdentity { get; private set; }

    /// <summary>
    /// The key of the recording being replayed among persisted checkpoints: the SHA-256 of its log,
    /// which holds the machine, the images' hashes and every input, so two recordings never share
    /// one (null unless replaying).
    /// </summary>
    public string? RecordingKey => _replayFile is null ? null : _recordingKey ??= RecordingIdentity.Sha256Hex(_replayFile);

    private string? _replayFile;
    private string? _recordingKey;

    /// <summary>
    /// Before the machine is built. A replay's log is opened and checked here, and the machine
    /// takes the RTC's start time from it (the recording read the host clock; a replay must not).
    /// </summary>
    public MachineConfig Prepare(HostOptions options, MachineConfig config)
    {
        if (options.RecordReplay is not { Mode: RecordReplayMode.Replay } rr) return config;
        _reader = new FileReplayLogReader(rr.File);
        var differences = _reader.Header.Differences(RecordingIdentity.HeaderFor(options));
        if (differences.Count > 0)
            throw new CommandLineException($"replay log '{rr.File}' does not match this machine: this run has {string.Join("; ", differences)}");
        long rtcBase = ReplaySession.ReadRtcBase(_reader);
        // What snapshots taken during this replay remember, so that only this recording's replays load them as positions.
        var h = _reader.Header;
        ReplayIdentity = $"{h.Shift}|{h.MachineFingerprint}|{string.Join(",", h.Images.Select(i => i.Sha256))}|{rtcBase}";
        _replayFile = rr.File;
        // Going back while debugging re-executes history: its output must not be printed twice.
        OutputGate = new Application.Debugging.ReplayOutputGate();
        return config with
        {
            RtcBaseUnixSeconds = rtcBase,
            SerialPorts = [.. config.SerialPorts.Select(OutputGate.Wrap)],
            DebugConsoles = [.. config.DebugConsoles.Select(d => (d.Port, OutputGate.Wrap(d.Sink)!))],
        };
    }

    /// <summary>Once the machine exists: the recording starts (its header written at once) or the replay is ready.</summary>
    public void Start(HostOptions options, PcMachine machine)
    {
        switch (options.RecordReplay)
        {
            case { Mode: RecordReplayMode.Record } rr:
                _writer = new FileReplayLogWriter(rr.File, RecordingIdentity.HeaderFor(options));
                Recorder = new RecordingSession(machine, _writer, machine.ComputeStateDigest, machine.Config.RtcBaseUnixSeconds);
                break;
            case { Mode: RecordReplayMode.Replay } rr:
                Replayer = new ReplaySession(machine, _reader!, machine.ComputeStateDigest);
                break;
        }
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _reader?.Dispose();
    }
}
