namespace HexEmu.Domain.Cpu;

/// <summary>Why a task switch happens: decides busy bits, the back link and NT (SDM vol. 3, 7.3, table 7-2).</summary>
public enum TaskSwitchSource { Jump, Call, Interrupt, Iret }

/// <summary>Hardware task switching (SDM vol. 3, chapter 7).</summary>
public sealed partial class Cpu
{
    /// <summary>Switches to the task whose TSS descriptor <paramref name="tssSelector"/> names. Not yet implemented.</summary>
    public void TaskSwitch(ushort tssSelector, TaskSwitchSource source)
    {
        _ = (tssSelector, source);
        throw new NotImplementedException("task switches");
    }
}
