using System.Text;

namespace HexEmu.Application.Monitor;

/// <summary>
/// The record/replay commands, as QEMU's HMP has them: `info replay`, `replay_break`,
/// `replay_delete_break` and `replay_seek` (backwards through snapshots taken during the replay).
/// </summary>
public sealed partial class MonitorInterpreter
{
    private void InfoReplay(StringBuilder output)
    {
        if (_target.Replay is not { } replay)
        {
            output.Append("Record/replay is not active\n");
            return;
        }
        output.Append(replay.Replaying ? "Replaying" : "Recording")
              .Append(" execution '").Append(replay.File).Append("': instruction count = ")
              .Append(replay.Icount).Append('\n');
        if (replay.ReverseDebugging is { } reverse) output.Append(reverse).Append('\n');
    }

    private void ReplayBreak(CommandLine line, StringBuilder output)
    {
        if (ReplayingTarget(output, "replay_break") is not { } replay) return;
        long icount = ParseExpression(line);
        line.ExpectEnd();
        if (icount <= replay.Icount)
        {
            output.Append($"replay_break: icount {icount} is not ahead of the current one ({replay.Icount})\n");
            return;
        }
        replay.SetBreak(icount);
    }

    private void ReplayDeleteBreak(StringBuilder output)
    {
        if (ReplayingTarget(output, "replay_delete_break") is { } replay) replay.DeleteBreak();
    }

    /// <summary>replay_seek: to the icount, backwards through a snapshot taken during this replay, then on; the replay pauses there.</summary>
    private void ReplaySeek(CommandLine line, StringBuilder output)
    {
        if (ReplayingTarget(output, "replay_seek") is not { } replay) return;
        long icount = ParseExpression(line);
        line.ExpectEnd();
        // Through the reverse-debugging checkpoints when there are (-gdb), either way; else
        // backwards to the latest snapshot taken before the target (savevm during the replay).
        if (replay.TrySeekDirectly(icount)) return;
        if (icount < replay.Icount) replay.GoBackTo(icount);
        if (icount == replay.Icount) return;
        replay.SetBreak(icount);
        _target.Continue();
    }

    private IReplayMonitor? ReplayingTarget(StringBuilder output, string command)
    {
        if (_target.Replay is { Replaying: true } replay) return replay;
        output.Append($"{command}: not replaying a recording\n");
        return null;
    }
}
