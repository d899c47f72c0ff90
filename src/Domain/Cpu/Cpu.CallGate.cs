namespace HexEmu.Domain.Cpu;

/// <summary>
/// Far JMP and CALL through call gates, and to TSS descriptors and task gates (SDM vol. 3, 5.8.3
/// to 5.8.6 and 7.3; vol. 2, CALL and JMP operation). Every check is made before anything
/// changes; the new stack of an inner-level call is written only once all checks passed.
/// </summary>
public sealed partial class Cpu
{
    /// <summary>
    /// The code segment a call, interrupt or trap gate names: a null selector is #GP(EXT);
    /// outside its table, not a code segment, or DPL > CPL is #GP(code selector), with EXT as
    /// <paramref name="ext"/> says (SDM vol. 2, CALL and INT n). The caller checks presence
    /// (#NP(code selector)) after its own privilege checks.
    /// </summary>
    private Descriptor ReadGateTarget(ushort codeSelector, out uint codeAddress, uint ext = 0)
    {
        if ((codeSelector & 0xFFFC) == 0) Fault(Vector.GP, ext);
        var code = ReadDescriptorOrFault(codeSelector, Vector.GP, out codeAddress, ext);
        if (!code.IsCode || code.Dpl > Cpl) FaultSelector(Vector.GP, codeSelector, ext);
        return code;
    }

    /// <summary>
    /// JMP through a call gate: the gate must be present (#NP(gate)); the target must be a
    /// conforming segment with DPL ≤ CPL or a non-conforming one with DPL = CPL (#GP(code
    /// selector)), since a jump never changes privilege. 16-bit gates use the low offset word.
    /// </summary>
    private void JumpThroughCallGate(ushort gateSelector, Descriptor gate)
    {
        if (!gate.Present) FaultSelector(Vector.NP, gateSelector);
        ushort codeSelector = gate.GateSelector;
        var code = ReadGateTarget(codeSelector, out uint codeAddress);
        if (!code.IsConforming && code.Dpl != Cpl) FaultSelector(Vector.GP, codeSelector);
        if (!code.Present) FaultSelector(Vector.NP, codeSelector);
        TransferAtSameLevel(codeSelector, code, codeAddress, gate.GateOffset, call: false, gate.Gate32);
    }

    /// <summary>
    /// CALL through a call gate. A non-conforming target with DPL &lt; CPL is a call to a more
    /// privileged level: the stack for that level comes from the TSS, the gate's parameter count
    /// of words (16-bit gate) or dwords (32-bit gate) is copied from the caller's stack, and the
    /// caller's SS:ESP and CS:EIP are pushed on the new stack. Otherwise CS:EIP is pushed on the
    /// current stack, in the gate's size.
    /// </summary>
    private void CallThroughCallGate(ushort gateSelector, Descriptor gate)
    {
        if (!gate.Present) FaultSelector(Vector.NP, gateSelector);
        ushort codeSelector = gate.GateSelector;
        var code = ReadGateTarget(codeSelector, out uint codeAddress);
        if (!code.Present) FaultSelector(Vector.NP, codeSelector);
        if (!code.IsConforming && code.Dpl < Cpl)
            CallToInnerLevel(gate, code, codeSelector, codeAddress, gate.GateOffset);
        else
            TransferAtSameLevel(codeSelector, code, codeAddress, gate.GateOffset, call: true, gate.Gate32);
    }

    /// <summary>
    /// The stack switch of a call gate to an inner level (SDM vol. 3, 5.8.5, figure 5-13):
    /// new stack from the TSS, checked as for a stack load at the target's DPL (#TS); room for
    /// the whole frame, else #SS(new SS selector); the target offset within the code limit, else
    /// #GP(0). The caller's parameters are read before anything is written.
    /// </summary>
    private void CallToInnerLevel(Descriptor gate, Descriptor code, ushort codeSelector, uint codeAddress, uint offset)
    {
        int newCpl = code.Dpl;
        bool gate32 = gate.Gate32;
        uint size = gate32 ? 4u : 2u;
        int parameters = gate.GateParameterCount;

        var ssDescriptor = ReadInnerStackSegment(newCpl, out ushort ssSelector, out uint tssEsp, out uint ssAddress);
        var newStack = ssDescriptor.ToCache(ssSelector);
        _tracer?.InnerStack(this, ssSelector, tssEsp, parameters);
        uint newMask = newStack.Big ? 0xFFFF_FFFFu : 0xFFFFu;

        // Room for SS, ESP, the parameters, CS and EIP, each of the gate's size.
        int items = 4 + parameters;
        for (int k = 1; k <= items; k++)
        {
            uint at = (tssEsp - (uint)k * size) & newMask;
            if (at < newStack.MinOffset || (ulong)at + size - 1 > newStack.MaxOffset)
                FaultSelector(Vector.SS, ssSelector);
        }
        if (offset > code.Limit) Fault(Vector.GP, 0);

        // The caller's parameters, read at the caller's privilege before anything changes.
        Span<uint> copied = stackalloc uint[32];
        uint oldEsp = Gpr[ESP];
        uint oldMask = StackMask;
        for (int k = 0; k < parameters; k++)
        {
            uint at = (oldEsp + (uint)k * size) & oldMask;
            copied[k] = gate32 ? Read32(Seg.SS, at) : Read16(Seg.SS, at);
        }

        // The new frame, written with supervisor rights (the new CPL is below 3).
        uint oldSs = Segs[Seg.SS].Selector, oldCs = Segs[Seg.CS].Selector;
        uint returnEsp = oldEsp & oldMask;
        uint sp = tssEsp;
        sp = PushOnNewStack(newStack.Base, sp, newMask, size, oldSs);
        sp = PushOnNewStack(newStack.Base, sp, newMask, size, returnEsp);
        for (int k = parameters - 1; k >= 0; k--)
            sp = PushOnNewStack(newStack.Base, sp, newMask, size, copied[k]);
        sp = PushOnNewStack(newStack.Base, sp, newMask, size, oldCs);
        sp = PushOnNewStack(newStack.Base, sp, newMask, size, NextEip);

        ssDescriptor = SetAccessedBit(ssDescriptor, ssAddress);
        code = SetAccessedBit(code, codeAddress);
        LoadStackSegment(ssSelector, ssDescriptor, ssAddress, newCpl);
        Gpr[ESP] = tssEsp;
        SetStackPointer(sp);
        LoadCodeSegment(codeSelector, code, codeAddress, newCpl);
        NextEip = offset;
    }

    private uint PushOnNewStack(uint stackBase, uint sp, uint mask, uint size, uint value)
    {
        sp = (sp - size) & mask;
        WriteSystem(stackBase + sp, (int)size, size == 4 ? value : value & 0xFFFF);
        return sp;
    }

    /// <summary>
    /// JMP or CALL to a TSS descriptor or a task gate (SDM vol. 2, JMP/CALL, "task switch"):
    /// a task gate must be present (#NP(gate)); any other system descriptor (LDT, interrupt or
    /// trap gate, busy TSS, reserved type) is #GP(selector). The TSS itself (in the GDT,
    /// available, present: #GP or #NP(TSS selector)) is checked by <see cref="TaskSwitch(ushort, TaskSwitchSource)"/>.
    /// </summary>
    private void TaskTransfer(ushort selector, Descriptor d, TaskSwitchSource source)
    {
        ushort tssSelector;
        switch (d.Type)
        {
            case SystemType.Tss16Available:
            case SystemType.Tss32Available:
                tssSelector = selector;
                break;
            case SystemType.TaskGate:
                if (!d.Present) FaultSelector(Vector.NP, selector);
                tssSelector = d.GateSelector;
                break;
            default:
                FaultSelector(Vector.GP, selector);
                return;
        }
        TaskSwitch(tssSelector, source);
        EndBlock();
    }
}
