namespace HexEmu.Domain.Devices.Apic;

/// <summary>
/// The interrupt command register (SDM vol. 3, 10.6.1) for a machine with one processor: a
/// fixed or lowest-priority IPI whose destination includes this processor (the "self" and
/// "all including self" shorthands, or a destination field that names it) is taken into its own
/// IRR. Everything else — INIT, start-up, NMI, SMI, or IPIs for processors that do not exist —
/// goes nowhere. The write completes at once, so the delivery status bit always reads idle.
/// </summary>
public sealed partial class LocalApic
{
    /// <summary>ICR low bits kept: vector, delivery mode, destination mode, level, trigger mode, shorthand.</summary>
    private const uint IcrLowWritable = 0x000C_CFFF;

    private const int ShorthandNone = 0, ShorthandSelf = 1, ShorthandAllIncludingSelf = 2;

    private void WriteIcrLow(uint value)
    {
        _icrLow = value & IcrLowWritable;
        var mode = (ApicDeliveryMode)((value >> 8) & 7);
        if (mode is not (ApicDeliveryMode.Fixed or ApicDeliveryMode.LowestPriority)) return;
        bool toSelf = ((int)(value >> 18) & 3) switch
        {
            ShorthandSelf or ShorthandAllIncludingSelf => true,
            ShorthandNone => DestinationMatches(logical: (value & (1u << 11)) != 0, (byte)(_icrHigh >> 24)),
            _ => false, // all excluding self: there is nobody else
        };
        if (!toSelf) return;
        int vector = (int)(value & 0xFF);
        if (vector < 16)
        {
            RaiseError(EsrSendIllegalVector | EsrReceiveIllegalVector);
            return;
        }
        Accept(vector, levelTriggered: (value & (1u << 15)) != 0);
    }
}
