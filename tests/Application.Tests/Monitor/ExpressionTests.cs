using HexEmu.Application.Monitor;

namespace HexEmu.Application.Tests.Monitor;

/// <summary>Corners of the address expressions that the main captured session does not reach.</summary>
public class ExpressionTests
{
    /// <summary>
    /// Captured from <c>qemu-system-i386 -bios tests/guests/spin.rom -display none -monitor stdio</c>, in order
    /// (the last two show that a /fmt parsed before a failing address is still remembered).
    /// </summary>
    private const string Session = """
        >>> xp /x ((((2))))*0x10
        0000000000000020: 0x00000000
        >>> xp /x 'A'+1
        0000000000000042: 0x00000000
        >>> xp /x '
        character constant expected
        Try "help xp" for more information
        >>> xp /x 'a
        missing terminating ' character
        Try "help xp" for more information
        >>> xp /x 0x10000000000000000
        number too large
        Try "help xp" for more information
        >>> xp /x 18446744073709551615
        ffffffffffffffff: Cannot access memory
        >>> xp /x 18446744073709551616
        number too large
        Try "help xp" for more information
        >>> xp /x ()
        invalid char ')' in expression
        Try "help xp" for more information
        >>> xp /x )
        invalid char ')' in expression
        Try "help xp" for more information
        >>> xp /x ~~5
        0000000000000005: 0x00000000
        >>> xp /x --5
        0000000000000005: 0x00000000
        >>> xp /2xb
        unexpected end of expression
        Try "help xp" for more information
        >>> xp 0
        0000000000000000: 0x00
        """;

    [Fact]
    public void EvaluatesAsQemuDoes() => Transcript.Replay(new MonitorInterpreter(new FakeMonitorTarget()), Session);

    [Theory]
    // QEMU dies of SIGFPE on these (C's INT64_MIN / -1); HexEmu gives the wrapped 64-bit results.
    [InlineData("xp /x 0x8000000000000000/-1", "8000000000000000: Cannot access memory\n")]
    [InlineData("xp /x 0x8000000000000000%-1", "0000000000000000: 0x00000000\n")]
    public void MostNegativeDividedByMinusOneWraps(string command, string expected)
    {
        Assert.Equal(expected, new MonitorInterpreter(new FakeMonitorTarget()).Execute(command));
    }
}
