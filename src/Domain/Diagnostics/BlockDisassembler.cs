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
    /// <summary>Bytes are shown in a column this wide (eight bytes), as QEMU does.</summary>
    private const int BytesColumn = 24;

    private readonly GasFormatter _formatter = new();
    private readonly StringOutput _output = new();

    public BlockDisassembler()
    {
        var o = _formatter.Options;
        o.GasShowMnemonicSizeSuffix = true;
        o.SpaceAfterOperandSeparator = true;
        o.BranchLeadingZeros = false;
        o.LeadingZeros = false;
        o.UppercaseHex = false;
        o.HexPrefix = "0x";
        o.HexSuffix = null;
    }

    /// <summary>
    /// Appends the lines of <paramref name="count"/> instructions decoded from
    /// <paramref name="bytes"/>, the first at EIP <paramref name="eip"/>, linear address
    /// <paramref name="linear"/>.
    /// </summary>
    public void AppendBlock(StringBuilder text, uint linear, uint eip, bool code32, int count, byte[] bytes)
    {
        var decoder = Decoder.Create(code32 ? 32 : 16, new ByteArrayCodeReader(bytes), eip, DecoderOptions.None);
        int offset = 0;
        for (int k = 0; k < count && offset < bytes.Length; k++)
        {
            decoder.Decode(out Instruction instr);
            int length = Math.Max(1, Math.Min(instr.Length, bytes.Length - offset));
            text.Append($"0x{linear + (uint)offset:x8}:  ");
            int column = text.Length;
            for (int b = 0; b < length; b++)
            {
                if (b > 0) text.Append(' ');
                text.Append($"{bytes[offset + b]:x2}");
            }
            int used = text.Length - column;
            if (used < BytesColumn) text.Append(' ', BytesColumn - used);
            text.Append(' ');
            AppendInstruction(text, in instr);
            text.Append('\n');
            offset += length;
        }
    }

    private void AppendInstruction(StringBuilder text, in Instruction instr)
    {
        _formatter.FormatMnemonic(instr, _output);
        text.Append($"{_output.ToStringAndReset(),-8} ");
        _formatter.FormatAllOperands(instr, _output);
        text.Append(_output.ToStringAndReset());
    }
}
