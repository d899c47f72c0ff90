namespace HexEmu.Domain.Machine;

/// <summary>
/// System reset: the keyboard controller's reset line, port 0x92's fast reset, a triple fault,
/// or the monitor's system_reset. The CPU and chipset return to power-on state; RAM keeps its
/// contents (as on a real warm reset) and the CMOS/RTC keeps RAM and time (battery-backed).
/// </summary>
public sealed partial class PcMachine
{
    /// <summary>Resets the PC now (between runs), then boots again from firmware or the boot loader.</summary>
    public void Reset()
    {
        _resetRequested = false;
        Resets++;
        Cpu.Reset();
        Memory.SetA20(true);
        _chipset = BuildChipset();
        Rtc.ResetInterruptControls();
        Cpu.FlushCodeCache();
        Config.BootLoader?.Boot(this);
    }

    /// <summary>A device asked for a reset: it happens as soon as the current instruction retires.</summary>
    private void RequestReset()
    {
        _resetRequested = true;
        Cpu.RequestStop();
    }

    /// <summary>Carries out a pending reset; false under -no-reboot, where a reset means stopping.</summary>
    private bool ResetOrStop()
    {
        if (Config.NoReboot)
        {
            _resetRequested = false;
            return false;
        }
        Reset();
        return true;
    }
}
