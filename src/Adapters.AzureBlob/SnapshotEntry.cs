using Azure;
using Azure.Storage.Blobs.Models;
using HexEmu.Application.Ports;

namespace HexEmu.Adapters.AzureBlob;

/// <summary>One snapshot blob as listed: its metadata parsed, plus what a verified download needs.</summary>
internal sealed record SnapshotEntry(long Id, string Name, long Icount, long VmClockNs, DateTimeOffset Date, long Size, string Sha256, ETag ETag)
{
    /// <summary>The hash of the blocks' digests, when the writer recorded it (<see cref="BlobLayout.BlockListSha256Key"/>).</summary>
    public string? BlockListSha256 { get; init; }

    public string BlobName => BlobLayout.SnapshotBlob(Id);

    public VmSnapshotInfo Info => new(BlobLayout.Number(Id), Name, (ulong)Size, Date, VmClockNs, Icount);

    public static Dictionary<string, string> Metadata(string name, long icount, long vmClockNs, DateTimeOffset date, long size) => new()
    {
        [BlobLayout.FormatKey] = BlobLayout.Number(BlobLayout.Format),
        [BlobLayout.NameKey] = BlobLayout.EncodeName(name),
        [BlobLayout.IcountKey] = BlobLayout.Number(icount),
        [BlobLayout.ClockKey] = BlobLayout.Number(vmClockNs),
        [BlobLayout.DateKey] = BlobLayout.Date(date),
        [BlobLayout.SizeKey] = BlobLayout.Number(size),
    };

    /// <summary>The entry a listed blob describes; throws if the blob is not one this code can read.</summary>
    public static SnapshotEntry Parse(BlobItem item, StorageErrors errors)
    {
        string what = $"Snapshot blob '{item.Name}' in {errors.Where}";
        var metadata = item.Metadata ?? new Dictionary<string, string>();
        if (BlobLayout.FormatProblem(metadata) is { } problem)
            throw errors.Fail($"{what} is refused: it {problem}");
        string? encodedName = BlobLayout.Get(metadata, BlobLayout.NameKey);
        string? sha256 = BlobLayout.Get(metadata, BlobLayout.Sha256Key);
        if (!BlobLayout.TryParseNumber(item.Name[BlobLayout.SnapshotPrefix.Length..], out long id)
            || string.IsNullOrEmpty(encodedName)
            || !BlobLayout.TryParseNumber(BlobLayout.Get(metadata, BlobLayout.IcountKey), out long icount)
            || !BlobLayout.TryParseNumber(BlobLayout.Get(metadata, BlobLayout.ClockKey), out long clock)
            || !BlobLayout.TryParseDate(BlobLayout.Get(metadata, BlobLayout.DateKey), out var date)
            || !BlobLayout.TryParseNumber(BlobLayout.Get(metadata, BlobLayout.SizeKey), out long size)
            || sha256 is not { Length: 64 })
            throw errors.Fail($"{what} is corrupt: its name or metadata is not what HexEmu writes");
        if (item.Properties.ContentLength != size)
            throw errors.Fail($"{what} is corrupt: it holds {item.Properties.ContentLength} bytes, its metadata says {size}");
        return new SnapshotEntry(id, BlobLayout.DecodeName(encodedName), icount, clock, date, size, sha256, item.Properties.ETag ?? ETag.All)
        {
            BlockListSha256 = BlobLayout.Get(metadata, BlobLayout.BlockListSha256Key),
        };
    }
}
