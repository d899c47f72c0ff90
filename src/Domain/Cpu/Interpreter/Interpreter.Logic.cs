namespace HexEmu.Domain.Cpu;

using HexEmu.Domain.Cpu.Decode;
using Iced.Intel;

/// <summary>AND, OR, XOR, TEST, NOT (SDM vol. 1, 7.3.3).</summary>
internal static unsafe partial class Interpreter
{
    public static void RegisterLogic(DispatchTable.Registrar r)
    {
        RegisterBinary<AndOp>(r, Mnemonic.And);
        RegisterBinary<OrOp>(r, Mnemonic.Or);
        RegisterBinary<XorOp>(r, Mnemonic.Xor);
        RegisterBinary<TestOp>(r, Mnemonic.Test);
        RegisterByWidth(r, Mnemonic.Not, &Not<W8>, &Not<W16>, &Not<W32>);
    }

    // CF and OF are cleared, SF/ZF/PF follow the result; AF is undefined and cleared (Alu.Logic).

    private struct AndOp : IBinaryOp
    {
        public static bool Writes => true;
        public static uint Apply<W>(uint a, uint b, uint eflags, out uint status) where W : struct, IWidth
        {
            uint r = a & b;
            status = Alu.Logic<W>(r);
            return r;
        }
    }

    private struct OrOp : IBinaryOp
    {
        public static bool Writes => true;
        public static uint Apply<W>(uint a, uint b, uint eflags, out uint status) where W : struct, IWidth
        {
            uint r = a | b;
            status = Alu.Logic<W>(r);
            return r;
        }
    }

    private struct XorOp : IBinaryOp
    {
        public static bool Writes => true;
        public static uint Apply<W>(uint a, uint b, uint eflags, out uint status) where W : struct, IWidth
        {
            uint r = a ^ b;
            status = Alu.Logic<W>(r);
            return r;
        }
    }

    private struct TestOp : IBinaryOp
    {
        public static bool Writes => false;
        public static uint Apply<W>(uint a, uint b, uint eflags, out uint status) where W : struct, IWidth
        {
            uint r = a & b;
            status = Alu.Logic<W>(r);
            return r;
        }
    }

    /// <summary>NOT changes no flags.</summary>
    private static void Not<W>(Cpu c, ref Insn i) where W : struct, IWidth =>
        W.Set(c, ref i, 0, ~W.GetRmw(c, ref i, 0) & W.Mask);
}
