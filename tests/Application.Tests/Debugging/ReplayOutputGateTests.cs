using HexEmu.Application.Debugging;
using HexEmu.Domain.Io;

namespace HexEmu.Application.Tests.Debugging;

public class ReplayOutputGateTests
{
    private sealed class Collect : IByteSink
    {
        public readonly List<byte> Bytes = [];
        public void Write(byte value) => Bytes.Add(value);
    }

    [Fact]
    public void Output_repeated_after_going_back_to_a_checkpoint_is_not_printed_again()
    {
        var gate = new ReplayOutputGate();
        var serial = new Collect();
        var sink = gate.Wrap(serial)!;

        foreach (byte b in "ab"u8) sink.Write(b);
        long[] atTwo = gate.Capture();
        foreach (byte b in "cd"u8) sink.Write(b);

        gate.Restore(atTwo);
        foreach (byte b in "cd"u8) sink.Write(b); // history again: already shown
        foreach (byte b in "ef"u8) sink.Write(b); // beyond anything shown before

        Assert.Equal("abcdef"u8.ToArray(), serial.Bytes);
    }

    [Fact]
    public void Each_sink_counts_on_its_own_and_null_stays_null()
    {
        var gate = new ReplayOutputGate();
        var com1 = new Collect();
        var debugcon = new Collect();
        Assert.Null(gate.Wrap(null));
        var a = gate.Wrap(com1)!;
        var b = gate.Wrap(debugcon)!;

        a.Write(1);
        long[] start = gate.Capture();
        a.Write(2);
        b.Write(9);
        gate.Restore(start);
        b.Write(9); // a repeat for debugcon
        b.Write(8);
        a.Write(2); // a repeat for COM1

        Assert.Equal(new byte[] { 1, 2 }, com1.Bytes);
        Assert.Equal(new byte[] { 9, 8 }, debugcon.Bytes);
    }
}
