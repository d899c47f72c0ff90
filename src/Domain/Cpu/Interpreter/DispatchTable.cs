using Iced.Intel;
using HexEmu.Domain.Cpu.Decode;

namespace HexEmu.Domain.Cpu;

/// <summary>
/// The one source of truth for instruction dispatch: Iced <see cref="Code"/> → handler, filled by
/// each instruction group's Register method. A code nobody registered raises #UD, which is what
/// the CPU does for an opcode it does not implement.
/// </summary>
public static unsafe class DispatchTable
{
    private static readonly int CodeCount = Enum.GetValues<Code>().Max(c => (int)c) + 1;
    private static readonly delegate*<Cpu, ref Insn, void>[] Handlers = new delegate*<Cpu, ref Insn, void>[CodeCount];
    private static readonly bool[] BlockEnders = new bool[CodeCount];
    private static readonly bool[] Implemented = new bool[CodeCount];

    static DispatchTable()
    {
        for (int c = 0; c < CodeCount; c++)
        {
            Handlers[c] = &Interpreter.InvalidOpcode;
            BlockEnders[c] = ((Code)c).FlowControl() != FlowControl.Next;
        }
        var registrar = new Registrar();
        Interpreter.RegisterDataTransfer(registrar);
        Interpreter.RegisterArith(registrar);
        Interpreter.RegisterLogic(registrar);
        Interpreter.RegisterShift(registrar);
        Interpreter.RegisterBit(registrar);
        Interpreter.RegisterBcd(registrar);
        Interpreter.RegisterString(registrar);
        Interpreter.RegisterControlTransfer(registrar);
        Interpreter.RegisterFlagControl(registrar);
        Interpreter.RegisterInputOutput(registrar);
        Interpreter.RegisterSystem(registrar);
        Interpreter.RegisterProtectedMode(registrar);
        Interpreter.RegisterMisc(registrar);
        Interpreter.RegisterX87(registrar);
        Registered = registrar.Count;
    }

    /// <summary>How many codes have a handler (for tests and diagnostics).</summary>
    public static int Registered { get; }

    public static delegate*<Cpu, ref Insn, void> Get(Code code) => Handlers[(int)code];

    /// <summary>The block must end after this instruction (control transfer, or state that decoding or interrupts depend on).</summary>
    public static bool EndsBlock(Code code) => BlockEnders[(int)code];

    public static bool IsImplemented(Code code) => Implemented[(int)code];

    /// <summary>What the instruction groups use to register their handlers; a code registered twice is a bug.</summary>
    public sealed class Registrar
    {
        private readonly HashSet<Code> _seen = [];

        public int Count => _seen.Count;

        public void Add(Code code, delegate*<Cpu, ref Insn, void> handler, bool endsBlock = false)
        {
            if (!_seen.Add(code))
                throw new InvalidOperationException($"instruction {code} registered twice");
            Handlers[(int)code] = handler;
            Implemented[(int)code] = true;
            if (endsBlock) BlockEnders[(int)code] = true;
        }

        public void Add(ReadOnlySpan<Code> codes, delegate*<Cpu, ref Insn, void> handler, bool endsBlock = false)
        {
            foreach (var code in codes) Add(code, handler, endsBlock);
        }
    }
}
