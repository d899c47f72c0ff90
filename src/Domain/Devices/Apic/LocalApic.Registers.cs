namespace HexEmu.Domain.Devices.Apic;

/// <summary>
/// The register page (SDM vol. 3, table 10-1): each register is the first dword of a 16-byte
/// slot. Reads may be narrower than a dword (they see part of it); writes must be aligned
/// dwords, anything else is ignored and logged. An address with no register is flagged in ESR
/// (illegal register address), as QEMU and the P6 do.
/// </summary>
public sealed partial class LocalApic
{
    private const uint RegId = 0x020, RegVersion = 0x030, RegTpr = 0x080, RegApr = 0x090, RegPpr = 0x0A0,
        RegEoi = 0x0B0, RegRemoteRead = 0x0C0, RegLdr = 0x0D0, RegDfr = 0x0E0, RegSvr = 0x0F0,
        RegIsr = 0x100, RegTmr = 0x180, RegIrr = 0x200, RegEsr = 0x280, RegIcrLow = 0x300, RegIcrHigh = 0x310,
        RegLvt = 0x320, RegInitialCount = 0x380, RegCurrentCount = 0x390, RegDivideConfig = 0x3E0;

    /// <summary>LVT entries in register order: timer (320h), thermal, performance counter, LINT0, LINT1, error (370h).</summary>
    private const int LvtTimer = 0, LvtThermal = 1, LvtPerf = 2, Lint0 = 3, Lint1 = 4, LvtError = 5, LvtCount = 6;

    private const uint LvtMasked = 1u << 16;
    private const uint LvtTimerPeriodic = 1u << 17;

    /// <summary>Bits software can write in each LVT entry (delivery status and remote IRR are read-only).</summary>
    private static readonly uint[] LvtWritable =
    [
        0x0003_00FF, // timer: vector, mask, periodic
        0x0001_07FF, // thermal: vector, delivery mode, mask
        0x0001_07FF, // performance counter
        0x0001_A7FF, // LINT0: vector, delivery mode, polarity, trigger mode, mask
        0x0001_A7FF, // LINT1
        0x0001_00FF, // error: vector, mask
    ];

    private const uint SvrSoftwareEnable = 1u << 8;
    /// <summary>SVR bits kept: the spurious vector and the software enable (QEMU keeps the same nine).</summary>
    private const uint SvrWritable = 0x1FF;

    private bool SoftwareEnabled => (_svr & SvrSoftwareEnable) != 0;

    public uint Read(uint offset, int size)
    {
        int within = (int)(offset & 0xF);
        if (within + size > 4)
        {
            GuestError($"read of {size} bytes at +0x{offset:x3} beyond a register");
            return 0;
        }
        uint value = ReadRegister(offset & 0xFF0);
        return size == 4 ? value : (value >> (8 * within)) & (uint)((1L << (8 * size)) - 1);
    }

    public void Write(uint offset, int size, uint value)
    {
        if (size != 4 || (offset & 0xF) != 0)
        {
            GuestError($"write of {size} bytes at +0x{offset:x3} ignored (registers take aligned dwords)");
            return;
        }
        WriteRegister(offset, value);
    }

    private uint ReadRegister(uint reg)
    {
        switch (reg)
        {
            case RegId: return _id;
            case RegVersion: return VersionValue;
            case RegTpr: return _tpr;
            case RegApr: return ArbitrationPriority;
            case RegPpr: return ProcessorPriority;
            case RegEoi or RegRemoteRead: return 0;
            case RegLdr: return _ldr;
            case RegDfr: return _dfr;
            case RegSvr: return _svr;
            case >= RegIsr and < RegTmr: return _isr[(reg - RegIsr) >> 4];
            case >= RegTmr and < RegIrr: return _tmr[(reg - RegTmr) >> 4];
            case >= RegIrr and < RegEsr: return _irr[(reg - RegIrr) >> 4];
            case RegEsr: return _esr;
            case RegIcrLow: return _icrLow; // delivery status (bit 12) is always idle: a message goes at once
            case RegIcrHigh: return _icrHigh;
            case >= RegLvt and < RegLvt + LvtCount * 0x10: return _lvt[(reg - RegLvt) >> 4];
            case RegInitialCount: return _initialCount;
            case RegCurrentCount: return CurrentCount(_clock.NowNs);
            case RegDivideConfig: return _divideConfig;
            default:
                IllegalRegister(reg, "read");
                return 0;
        }
    }

    private void WriteRegister(uint reg, uint value)
    {
        switch (reg)
        {
            case RegId: _id = value & 0xFF00_0000; break;
            case RegTpr: _tpr = (byte)value; break;
            case RegEoi: EndOfInterrupt(); break;
            case RegLdr: _ldr = value & 0xFF00_0000; break;
            case RegDfr: _dfr = value | 0x0FFF_FFFF; break;
            case RegSvr: WriteSvr(value); break;
            case RegEsr: LatchErrors(); break;
            case RegIcrLow: WriteIcrLow(value); break;
            case RegIcrHigh: _icrHigh = value & 0xFF00_0000; break;
            case >= RegLvt and < RegLvt + LvtCount * 0x10: WriteLvt((int)((reg - RegLvt) >> 4), value); break;
            case RegInitialCount: WriteInitialCount(value); break;
            case RegDivideConfig: WriteDivideConfig(value); break;
            case RegVersion or RegApr or RegPpr or RegRemoteRead or RegCurrentCount or (>= RegIsr and < RegEsr):
                GuestError($"write 0x{value:x8} to read-only register +0x{reg:x3} ignored");
                break;
            default:
                IllegalRegister(reg, "write");
                break;
        }
    }

    private void IllegalRegister(uint reg, string access)
    {
        GuestError($"{access} at +0x{reg:x3}: no register there");
        RaiseError(EsrIllegalRegister);
    }

    /// <summary>
    /// SVR: clearing the software enable masks every LVT entry (SDM vol. 3, 10.4.7.2); the
    /// masks then stay set until the guest unmasks entries after enabling again.
    /// </summary>
    private void WriteSvr(uint value)
    {
        _svr = value & SvrWritable;
        if (!SoftwareEnabled)
            for (int i = 0; i < LvtCount; i++) _lvt[i] |= LvtMasked;
    }

    /// <summary>An LVT entry; while the APIC is software-disabled its mask bit cannot be cleared.</summary>
    private void WriteLvt(int index, uint value)
    {
        value &= LvtWritable[index];
        if (!SoftwareEnabled) value |= LvtMasked;
        if (index == LvtTimer)
        {
            RebaseTimer(() => _lvt[LvtTimer] = value); // a mode change continues from the current count
            return;
        }
        _lvt[index] = value;
    }
}
