using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace HexEmu.Domain.State;

/// <summary>
/// XXH64, the 64-bit xxHash (Yann Collet's published algorithm, xxhash_spec.md "XXH64"), fed in
/// pieces: a fast non-cryptographic fingerprint of machine state for replay checkpoints. The
/// value depends only on the bytes appended, not on how they were split into calls.
/// <para>
/// A reusable object: <see cref="Reset"/> starts over without allocating, so a checkpoint every
/// few million instructions costs no garbage.
/// </para>
/// </summary>
public sealed class StateDigest
{
    private const ulong Prime1 = 0x9E3779B185EBCA87;
    private const ulong Prime2 = 0xC2B2AE3D27D4EB4F;
    private const ulong Prime3 = 0x165667B19E3779F9;
    private const ulong Prime4 = 0x85EBCA77C2B2AE63;
    private const ulong Prime5 = 0x27D4EB2F165667C5;
    private const int StripeBytes = 32;

    private ulong _seed;
    private ulong _acc1, _acc2, _acc3, _acc4;
    private ulong _totalLength;
    // Bytes of a stripe not yet complete; _pending of them are valid.
    private readonly byte[] _stripe = new byte[StripeBytes];
    private int _pending;

    public StateDigest(ulong seed = 0) => Reset(seed);

    /// <summary>Forgets everything appended and starts a new hash with <paramref name="seed"/>.</summary>
    public void Reset(ulong seed = 0)
    {
        _seed = seed;
        // Step 1 of the spec: the four lane accumulators.
        _acc1 = seed + Prime1 + Prime2;
        _acc2 = seed + Prime2;
        _acc3 = seed;
        _acc4 = seed - Prime1;
        _totalLength = 0;
        _pending = 0;
    }

    /// <summary>XXH64 of <paramref name="data"/> with <paramref name="seed"/>, in one go.</summary>
    public static ulong Hash(ReadOnlySpan<byte> data, ulong seed = 0)
    {
        var digest = new StateDigest(seed);
        digest.Append(data);
        return digest.Value;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        _totalLength += (ulong)data.Length;
        if (_pending > 0)
        {
            int take = Math.Min(StripeBytes - _pending, data.Length);
            data[..take].CopyTo(_stripe.AsSpan(_pending));
            _pending += take;
            data = data[take..];
            if (_pending < StripeBytes) return;
            ConsumeStripes(_stripe);
            _pending = 0;
        }
        int whole = data.Length & ~(StripeBytes - 1);
        if (whole > 0) ConsumeStripes(data[..whole]);
        data[whole..].CopyTo(_stripe);
        _pending = data.Length - whole;
    }

    public void AppendU8(byte value)
    {
        Span<byte> bytes = stackalloc byte[1];
        bytes[0] = value;
        Append(bytes);
    }

    public void AppendU32(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        Append(bytes);
    }

    public void AppendU64(ulong value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
        Append(bytes);
    }

    /// <summary>The hash of everything appended since the last reset; appending may go on afterwards.</summary>
    public ulong Value
    {
        get
        {
            ulong acc;
            if (_totalLength >= StripeBytes)
            {
                // Step 3: converge the lanes, then merge each one in.
                acc = BitOperations.RotateLeft(_acc1, 1) + BitOperations.RotateLeft(_acc2, 7)
                    + BitOperations.RotateLeft(_acc3, 12) + BitOperations.RotateLeft(_acc4, 18);
                acc = MergeAccumulator(acc, _acc1);
                acc = MergeAccumulator(acc, _acc2);
                acc = MergeAccumulator(acc, _acc3);
                acc = MergeAccumulator(acc, _acc4);
            }
            else
            {
                acc = _seed + Prime5; // short input: no stripes were consumed
            }
            acc += _totalLength; // step 4
            return Avalanche(ConsumeRemainder(acc, _stripe.AsSpan(0, _pending)));
        }
    }

    /// <summary>Step 2: each 32-byte stripe is four little-endian lanes, one per accumulator.</summary>
    private void ConsumeStripes(ReadOnlySpan<byte> stripes)
    {
        ulong a1 = _acc1, a2 = _acc2, a3 = _acc3, a4 = _acc4;
        for (int at = 0; at < stripes.Length; at += StripeBytes)
        {
            var stripe = stripes.Slice(at, StripeBytes);
            a1 = Round(a1, BinaryPrimitives.ReadUInt64LittleEndian(stripe));
            a2 = Round(a2, BinaryPrimitives.ReadUInt64LittleEndian(stripe[8..]));
            a3 = Round(a3, BinaryPrimitives.ReadUInt64LittleEndian(stripe[16..]));
            a4 = Round(a4, BinaryPrimitives.ReadUInt64LittleEndian(stripe[24..]));
        }
        (_acc1, _acc2, _acc3, _acc4) = (a1, a2, a3, a4);
    }

    /// <summary>Step 5: the last 0–31 bytes, in 8-, 4- and 1-byte pieces.</summary>
    private static ulong ConsumeRemainder(ulong acc, ReadOnlySpan<byte> rest)
    {
        while (rest.Length >= 8)
        {
            acc ^= Round(0, BinaryPrimitives.ReadUInt64LittleEndian(rest));
            acc = BitOperations.RotateLeft(acc, 27) * Prime1 + Prime4;
            rest = rest[8..];
        }
        if (rest.Length >= 4)
        {
            acc ^= BinaryPrimitives.ReadUInt32LittleEndian(rest) * Prime1;
            acc = BitOperations.RotateLeft(acc, 23) * Prime2 + Prime3;
            rest = rest[4..];
        }
        foreach (byte b in rest)
        {
            acc ^= b * Prime5;
            acc = BitOperations.RotateLeft(acc, 11) * Prime1;
        }
        return acc;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Round(ulong acc, ulong lane) => BitOperations.RotateLeft(acc + lane * Prime2, 31) * Prime1;

    private static ulong MergeAccumulator(ulong acc, ulong lane) => (acc ^ Round(0, lane)) * Prime1 + Prime4;

    /// <summary>Step 6: spreads every input bit over the whole result.</summary>
    private static ulong Avalanche(ulong acc)
    {
        acc ^= acc >> 33;
        acc *= Prime2;
        acc ^= acc >> 29;
        acc *= Prime3;
        acc ^= acc >> 32;
        return acc;
    }
}
