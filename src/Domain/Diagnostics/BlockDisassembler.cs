using System.Text;
using Iced.Intel;
using Decoder = Iced.Intel.Decoder;

namespace HexEmu.Domain.Diagnostics;

/// <summary>
/// Formats a decoded block as QEMU's `-d in_asm` does: one line per instruction with its linear
/// address, its bytes and AT&amp;T-syntax assembly (Iced's GAS formatter standing in for QEMU's
/// disassembler), the mnemonic padded to eight columns. Used only while in_asm is on.
/// </summary>
internal sealed class BlockDisassembler
{
    /// <summary>Bytes are shown eight to a line, in a column this wide, as QEMU does.</summary>
    private const int BytesPerLine = 8, BytesColumn = 24;

    private readonly GasFormatter _formatter = new();
    private readonly StringOutput _output = new();

    public BlockDisassembler()
    {
        var o = _formatter.Options;
        o.GasShowMnemonicSizeSuffix = true;
        o.SpaceAfterOperandSeparator = true;
        o.GasSpaceAfterMemoryOperandComma = true;
        o.BranchLeadingZeros = false;
        o.LeadingZeros = false;
        o.UppercaseHex = false;
        o.HexPrefix = "0x";
        o.HexSuffix = null;
    }

    /// <summary>
    /// Appends the lines of <paramref name="count"/> instructions decoded from
    /// <paramref name="bytes"/>, the first at EIP <paramref name="eip"/>, linear address
    /// <paramref name="linear"/>. As QEMU, an instruction longer than eight bytes continues its
    /// bytes on lines of their own.
    /// </summary>
    public void AppendBlock(StringBuilder text, uint linear, uint eip, bool code32, int count, byte[] bytes)
    {
        var decoder = Decoder.Create(code32 ? 32 : 16, new ByteArrayCodeReader(bytes), eip, DecoderOptions.None);
        int offset = 0;
        for (int k = 0; k < count && offset < bytes.Length; k++)
        {
            decoder.Decode(out Instruction instr);
            int length = Math.Max(1, Math.Min(instr.Length, bytes.Length - offset));
            int first = Math.Min(length, BytesPerLine);
            text.Append($"0x{linear + (uint)offset:x8}:  ");
            int column = text.Length;
            AppendBytes(text, bytes.AsSpan(offset, first));
            int used = text.Length - column;
            if (used < BytesColumn) text.Append(' ', BytesColumn - used);
            text.Append(' ');
            AppendInstruction(text, in instr);
            text.Append('\n');
            for (int more = first; more < length; more += BytesPerLine)
            {
                text.Append($"0x{linear + (uint)(offset + more):x8}:  ");
                AppendBytes(text, bytes.AsSpan(offset + more, Math.Min(BytesPerLine, length - more)));
                text.Append('\n');
            }
            offset += length;
        }
    }

    private static void AppendBytes(StringBuilder text, ReadOnlySpan<byte> bytes)
    {
        for (int b = 0; b < bytes.Length; b++)
        {
            if (b > 0) text.Append(' ');
            text.Append($"{bytes[b]:x2}");
        }
    }

    /// <summary>
    /// The mnemonic padded to eight columns, then the operands. Three AT&amp;T habits of QEMU's
    /// disassembler that Iced does not share are kept: a far pointer reads "$0xSEL:$0xOFFSET",
    /// the ES:[E]DI operand of a string instruction names its segment ("%es:(%di)"), and LOOP
    /// has no size suffix.
    /// </summary>
    private void AppendInstruction(StringBuilder text, in Instruction instr)
    {
        _formatter.FormatMnemonic(instr, _output);
        string mnemonic = _output.ToStringAndReset();
        // LOOP's size is its address size, which QEMU's disassembler leaves unsaid.
        if (instr.Mnemonic is Mnemonic.Loop or Mnemonic.Loope or Mnemonic.Loopne && (mnemonic.EndsWith('w') || mnemonic.EndsWith('l')))
            mnemonic = mnemonic[..^1];
        text.Append($"{mnemonic,-8} ");
        if (instr.OpCount == 1 && instr.Op0Kind is OpKind.FarBranch16 or OpKind.FarBranch32)
        {
            uint target = instr.Op0Kind == OpKind.FarBranch16 ? instr.FarBranch16 : instr.FarBranch32;
            text.Append($"$0x{instr.FarBranchSelector:x}:$0x{target:x}");
            return;
        }
        int operands = _formatter.GetOperandCount(instr);
        for (int k = 0; k < operands; k++)
        {
            if (k > 0) text.Append(", ");
            _formatter.FormatOperand(instr, _output, k);
            string operand = _output.ToStringAndReset();
            int op = _formatter.GetInstructionOperand(instr, k);
            if (op >= 0 && instr.GetOpKind(op) is OpKind.MemoryESDI or OpKind.MemoryESEDI && !operand.StartsWith("%es:", StringComparison.Ordinal))
                text.Append("%es:");
            text.Append(operand);
        }
    }
}
