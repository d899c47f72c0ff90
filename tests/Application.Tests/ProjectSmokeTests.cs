using HexEmu.Application.Ports;

namespace HexEmu.Application.Tests;

public class PortShapeTests
{
    [Fact]
    public void CharBackendIsDisposable() => Assert.True(typeof(IDisposable).IsAssignableFrom(typeof(ICharBackend)));
}
