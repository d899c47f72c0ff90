using HexEmu.Domain.Devices;

namespace HexEmu.Domain.Tests.Support;

/// <summary>An IRQ line for device tests: remembers every level it was driven to and counts requests.</summary>
internal sealed class RecordingIrqLine : IIrqLine
{
    private bool _request;

    public List<bool> Levels { get; } = [];

    /// <summary>The level the device drives now.</summary>
    public bool High { get; private set; }

    /// <summary>Low→high transitions: what an edge-triggered 8259 input counts as requests.</summary>
    public int RisingEdges { get; private set; }

    public void Set(bool high)
    {
        if (high && !High)
        {
            RisingEdges++;
            _request = true;
        }
        Levels.Add(high);
        High = high;
    }

    /// <summary>Like an edge-triggered 8259's IRR bit: any rising edges since the last call make one request.</summary>
    public bool TakeRequest()
    {
        bool request = _request;
        _request = false;
        return request;
    }
}
