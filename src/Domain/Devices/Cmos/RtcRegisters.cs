namespace HexEmu.Domain.Devices.Cmos;

/// <summary>MC146818A register indexes and bits (datasheet, "Address Map" and "Registers").</summary>
internal static class RtcRegisters
{
    public const int Seconds = 0x00;
    public const int SecondsAlarm = 0x01;
    public const int Minutes = 0x02;
    public const int MinutesAlarm = 0x03;
    public const int Hours = 0x04;
    public const int HoursAlarm = 0x05;
    public const int Weekday = 0x06;
    public const int DayOfMonth = 0x07;
    public const int Month = 0x08;
    public const int Year = 0x09;
    public const int A = 0x0A;
    public const int B = 0x0B;
    public const int C = 0x0C;
    public const int D = 0x0D;

    /// <summary>The IBM AT's century byte, outside the chip's own registers; PC BIOSes and QEMU keep it here.</summary>
    public const int Century = 0x32;
    /// <summary>IBM PS/2's copy of the century; QEMU keeps it equal to <see cref="Century"/>, and guests may read either.</summary>
    public const int Ps2Century = 0x37;

    // Register A.
    public const byte AUpdateInProgress = 0x80;
    public const byte ADividerMask = 0x70;
    public const byte ARateMask = 0x0F;

    // Register B.
    public const byte BSet = 0x80;
    public const byte BPeriodicEnable = 0x40;
    public const byte BAlarmEnable = 0x20;
    public const byte BUpdateEndedEnable = 0x10;
    public const byte BSquareWaveEnable = 0x08;
    public const byte BBinary = 0x04;
    public const byte B24Hour = 0x02;
    public const byte BDaylightSaving = 0x01;

    // Register C: the flags sit at the same positions as their enables in B.
    public const byte CIrqFlag = 0x80;
    public const byte CPeriodic = 0x40;
    public const byte CAlarm = 0x20;
    public const byte CUpdateEnded = 0x10;
    public const byte CFlagMask = CPeriodic | CAlarm | CUpdateEnded;

    // Register D.
    public const byte DValidRamAndTime = 0x80;

    /// <summary>12-hour mode: bit 7 of the hours byte marks PM.</summary>
    public const byte HourPm = 0x80;

    /// <summary>An alarm byte with its two top bits set matches every value ("don't care", datasheet "Alarm").</summary>
    public const byte AlarmDontCare = 0xC0;
}
