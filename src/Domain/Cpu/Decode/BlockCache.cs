using Iced.Intel;


namespace HexEmu.Domain.Cpu.Decode;

/// <summary>
/// Decoded blocks keyed by physical address and code size, so each instruction is decoded once
/// however often it runs. A page holding cached code is registered with
/// <see cref="Memory.PhysicalMemory"/>, so that writes to it leave the TLB fast path and get
/// noticed; a write drops exactly the blocks whose bytes it overlaps. Data written beside code
/// in the same page (common in real-mode programs) then costs a slow-path write, not a decode.
/// </summary>
internal sealed class BlockCache
{
    public const int MaxInstructionsPerBlock = 64;
    private const int FastBits = 14;

    private readonly Cpu _cpu;
    private readonly Dictionary<ulong, Block> _blocks = [];
    private readonly Dictionary<uint, CodePage> _blocksByPage = [];
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

    /// <summary>Blocks decoded since creation (a diagnostic: a steady loop stops decoding).</summary>
    public long Decoded { get; private set; }

    /// <summary>The blocks decoded from one physical page, and which 64-byte chunks of it they cover.</summary>
    private sealed class CodePage
    {
        public readonly List<Block> Blocks = [];
        public ulong Chunks;
    }

    /// <summary>Bit n set for each 64-byte chunk n of the page that [start, start + length) touches; the range must not leave the page.</summary>
    private static ulong ChunkMask(uint start, uint length)
    {
        int first = (int)((start & 0xFFF) >> 6);
        int last = (int)(((start & 0xFFF) + Math.Max(length, 1) - 1) >> 6);
        return (ulong.MaxValue >> (63 - last)) & (ulong.MaxValue << first);
    }

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

    /// <summary>The `-d in_asm` tracer, or null: told about each block decoded.</summary>
    public Diagnostics.CpuTracer? InAsmTracer;

    /// <summary>
    /// Decodes a block, through the in_asm tracer when there is one. Kept out of line, so that
    /// <see cref="Get"/>, whose hit path runs at every block, stays as small as without tracing.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private Block Build(uint phys, uint linear, uint eip, bool code32) =>
        InAsmTracer is null ? Decode(phys, linear, eip, code32) : DecodeTraced(phys, linear, eip, code32);

    /// <summary>Decodes the block as usual, recording the bytes read, and hands them to the in_asm tracer.</summary>
    private Block DecodeTraced(uint phys, uint linear, uint eip, bool code32)
    {
        var bytes = new List<byte>(64);
        _reader.Recording = bytes;
        Block block;
        try
        {
            block = Decode(phys, linear, eip, code32);
        }
        finally
        {
            _reader.Recording = null;
        }
        InAsmTracer?.BlockDecoded(linear, eip, code32, block.Insns.Length, [.. bytes]);
        return block;
    }

    private Block Decode(uint phys, uint linear, uint eip, bool code32)
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
        Decoded++;
        uint page = phys >> 12;
        if (!_blocksByPage.TryGetValue(page, out var codePage))
        {
            _blocksByPage[page] = codePage = new CodePage();
            _cpu.OnCodePageCached(page);
        }
        codePage.Blocks.Add(block);
        // An invalid opcode may have been decided by bytes past the ones it counts: watch to the page end.
        uint watched = _scratch[^1].Code == Code.INVALID ? 0x1000 - (phys & 0xFFF) : length;
        block.WatchedLength = watched;
        codePage.Chunks |= ChunkMask(phys, watched);
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

    /// <summary>
    /// Drops the blocks decoded from bytes in [<paramref name="phys"/>, + <paramref name="length"/>)
    /// (which lies within one page); returns whether any was dropped. A page left without blocks
    /// is released, so direct writes to it resume.
    /// </summary>
    public bool InvalidateRange(uint phys, uint length)
    {
        uint page = phys >> 12;
        if (!_blocksByPage.TryGetValue(page, out var codePage))
        {
            _cpu.Memory.ReleaseCodePage(page);
            return false;
        }
        length = Math.Min(length, 0x1000 - (phys & 0xFFF));
        if ((codePage.Chunks & ChunkMask(phys, length)) == 0) return false;

        bool dropped = false;
        ulong chunks = 0;
        var blocks = codePage.Blocks;
        for (int k = blocks.Count - 1; k >= 0; k--)
        {
            var block = blocks[k];
            if (block.PhysicalStart < phys + length && phys < block.PhysicalStart + block.WatchedLength)
            {
                block.Valid = false;
                _blocks.Remove(Key(block.PhysicalStart, block.Code32));
                blocks.RemoveAt(k);
                dropped = true;
            }
            else
                chunks |= ChunkMask(block.PhysicalStart, block.WatchedLength);
        }
        codePage.Chunks = chunks;
        if (blocks.Count == 0)
        {
            _blocksByPage.Remove(page);
            _cpu.Memory.ReleaseCodePage(page);
        }
        return dropped;
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

        /// <summary>When set (only while `-d in_asm` is on), every byte read is appended to it.</summary>
        public List<byte>? Recording;

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
            int value = (int)(_linear ? cpu.Memory.Read(cpu.TranslateFetch(a), 1) : cpu.Memory.Read(a, 1));
            Recording?.Add((byte)value);
            return value;
        }
    }
}
