using HexEmu.Domain.State;

namespace HexEmu.Domain.Devices.Pic;

/// <summary>
/// One chip's saved state, written inside its owner's section (see <see cref="DualPic"/>).
/// Everything is architectural: the INT output is recomputed from it, not saved.
/// </summary>
public sealed partial class Pic8259
{
    /// <summary>Bytes <see cref="Save"/> writes.</summary>
    internal const int StateBytes = 15;

    internal void Save(StateWriter w)
    {
        w.WriteU8(_lines);
        w.WriteU8(_edgeLatches);
        w.WriteU8(_isr);
        w.WriteU8(_imr);
        w.WriteU8(_elcr);
        w.WriteU8((byte)_highestPriorityLevel);
        w.WriteU8((byte)_initStep);
        w.WriteU8(_icw1);
        w.WriteU8(_vectorBase);
        w.WriteU8(_icw3);
        w.WriteU8(_icw4);
        w.WriteBool(_readIsr);
        w.WriteBool(_pollPending);
        w.WriteBool(_specialMask);
        w.WriteBool(_rotateOnAutoEoi);
    }

    /// <summary>Reads what <see cref="Save"/> wrote; the caller restores the old state if this throws.</summary>
    internal void Load(SectionReader r)
    {
        _lines = r.ReadU8();
        _edgeLatches = r.ReadU8();
        _isr = r.ReadU8();
        _imr = r.ReadU8();
        _elcr = r.ReadU8();
        if ((_elcr & ~_elcrWritable) != 0)
            throw new StateFormatException($"section '{r.Name}': ELCR 0x{_elcr:x2} sets bits this chip does not have");
        int highest = r.ReadU8();
        if (highest > 7) throw new StateFormatException($"section '{r.Name}': priority level {highest}");
        _highestPriorityLevel = highest;
        var step = (InitStep)r.ReadU8();
        if (step is not (InitStep.Ready or InitStep.Icw2 or InitStep.Icw3 or InitStep.Icw4))
            throw new StateFormatException($"section '{r.Name}': initialisation step {(byte)step}");
        _initStep = step;
        _icw1 = r.ReadU8();
        _vectorBase = r.ReadU8();
        if ((_vectorBase & 7) != 0) throw new StateFormatException($"section '{r.Name}': vector base 0x{_vectorBase:x2}");
        _icw3 = r.ReadU8();
        _icw4 = r.ReadU8();
        _readIsr = r.ReadBool();
        _pollPending = r.ReadBool();
        _specialMask = r.ReadBool();
        _rotateOnAutoEoi = r.ReadBool();
    }
}
