using Iced.Intel;


namespace HexEmu.Domain.Cpu.Decode;

/// <summary>
/// Decoded blocks keyed by physical address and code size, so each instruction is decoded once
/// however often it runs. Blocks are dropped per page when the guest writes to a page holding
/// cached code; the page is registered with <see cref="Memory.PhysicalMemory"/> so that such
/// writes leave the TLB fast path and get noticed.
/// </summary>
internal sealed class BlockCache
{
    public const int MaxInstructionsPerBlock = 64;
    private const int FastBits = 14;

    private readonly Cpu _cpu;
    private readonly Dictionary<ulong, Block> _blocks = [];
    private readonly Dictionary<uint, List<Block>> _blocksByPage = [];
    private readonly Block?[] _fast = new Block?[1 << FastBits];
    private readonly PhysicalCodeReader _reader;
    private readonly Decoder _decoder16, _decoder32;
    private readonly List<Insn> _scratch = new(MaxInstructionsPerBlock);

    public BlockCache(Cpu cpu)
    {
        _cpu = cpu;
        _reader = new PhysicalCodeReader(cpu);
        _decoder16 = Decoder.Create(16, _reader, DecoderOptions.None);
        _decoder32 = Decoder.Create(32, _reader, DecoderOptions.None);
    }

    public int Count => _blocks.Count;

    private static ulong Key(uint phys, bool code32) => phys | (code32 ? 1UL << 32 : 0);

    private static int FastIndex(uint phys) => (int)((phys ^ (phys >> FastBits)) & ((1 << FastBits) - 1));

    /// <summary>The block at <paramref name="phys"/> (linear <paramref name="linear"/>, EIP <paramref name="eip"/>), decoding it if needed.</summary>
    public Block Get(uint phys, uint linear, uint eip, bool code32)
    {
        int fi = FastIndex(phys);
        var fast = _fast[fi];
        if (fast is not null && fast.PhysicalStart == phys && fast.Code32 == code32 && fast.Valid)
            return fast;
        if (!_blocks.TryGetValue(Key(phys, code32), out var block))
            block = Build(phys, linear, eip, code32);
        if (!block.Transient) _fast[fi] = block;
        return block;
    }

    private Block Build(uint phys, uint linear, uint eip, bool code32)
    {
        var decoder = code32 ? _decoder32 : _decoder16;
        _reader.StartPhysical(phys);
        decoder.IP = eip;
        _scratch.Clear();
        uint length = 0;
        while (_scratch.Count < MaxInstructionsPerBlock)
        {
            decoder.Decode(out Instruction instr);
            if (instr.Code == Code.INVALID && decoder.LastError == DecoderError.NoMoreBytes)
                break; // the instruction runs into the next page: it starts a block of its own
            _scratch.Add(InsnTranslator.Translate(instr));
            length += (uint)instr.Length;
            if (DispatchTable.EndsBlock(instr.Code) || instr.Code == Code.INVALID) break;
            if (_reader.AtPageEnd) break;
        }
        if (_scratch.Count == 0)
            return BuildAcrossPages(phys, linear, eip, code32);

        var block = new Block { PhysicalStart = phys, Code32 = code32, Insns = [.. _scratch], ByteLength = length };
        _blocks[Key(phys, code32)] = block;
        uint page = phys >> 12;
        if (!_blocksByPage.TryGetValue(page, out var list))
        {
            _blocksByPage[page] = list = [];
            _cpu.OnCodePageCached(page);
        }
        list.Add(block);
        return block;
    }

    /// <summary>
    /// One instruction that straddles a page boundary: fetched through linear translation (which
    /// may raise #PF for the second page) and executed without being cached.
    /// </summary>
    private Block BuildAcrossPages(uint phys, uint linear, uint eip, bool code32)
    {
        var decoder = code32 ? _decoder32 : _decoder16;
        _reader.StartLinear(linear);
        decoder.IP = eip;
        decoder.Decode(out Instruction instr);
        return new Block
        {
            PhysicalStart = phys,
            Code32 = code32,
            Insns = [InsnTranslator.Translate(instr)],
            ByteLength = (uint)instr.Length,
            Transient = true,
        };
    }

    /// <summary>Drops every block decoded from a physical page (its bytes changed).</summary>
    public void InvalidatePage(uint page)
    {
        if (!_blocksByPage.Remove(page, out var list)) return;
        foreach (var block in list)
        {
            block.Valid = false;
            _blocks.Remove(Key(block.PhysicalStart, block.Code32));
        }
    }

    public void Clear()
    {
        foreach (var block in _blocks.Values) block.Valid = false;
        // No block is left, so writes to those pages need not be watched any more.
        foreach (uint page in _blocksByPage.Keys) _cpu.Memory.ReleaseCodePage(page);
        _blocks.Clear();
        _blocksByPage.Clear();
        Array.Clear(_fast);
    }

    /// <summary>Pages that currently hold cached code.</summary>
    public IEnumerable<uint> CodePages => _blocksByPage.Keys;

    /// <summary>Feeds Iced from physical memory (within one page) or through linear translation.</summary>
    private sealed class PhysicalCodeReader(Cpu cpu) : CodeReader
    {
        private uint _address;
        private bool _linear;
        private int _left;

        public bool AtPageEnd => _left == 0;

        public void StartPhysical(uint phys)
        {
            _address = phys;
            _linear = false;
            _left = (int)(0x1000 - (phys & 0xFFF));
        }

        public void StartLinear(uint linear)
        {
            _address = linear;
            _linear = true;
            _left = 15; // the longest legal instruction
        }

        public override int ReadByte()
        {
            if (_left == 0) return -1;
            _left--;
            uint a = _address++;
            if (_linear)
                return (int)cpu.Memory.Read(cpu.TranslateFetch(a), 1);
            return (int)cpu.Memory.Read(a, 1);
        }
    }
}
