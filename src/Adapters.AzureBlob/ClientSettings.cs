using Azure.Core;
using Azure.Storage.Blobs;

namespace HexEmu.Adapters.AzureBlob;

/// <summary>
/// How hard the SDK tries. Few retries and short timeouts, so an unreachable or silent endpoint
/// is a clear error within seconds (3 tries × 5 s plus short back-offs ≈ 16 s at worst), never
/// a hang. Requests that carry a whole block (4–8 MiB) get a longer timeout of their own, as a
/// slow link needs it.
/// </summary>
internal static class ClientSettings
{
    public const int Retries = 2;
    public const int Tries = Retries + 1;
    public static readonly TimeSpan NetworkTimeout = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan TransferTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Options for small requests: listing, metadata, the id counter, deletes.</summary>
    public static BlobClientOptions Control() => Options(NetworkTimeout);

    /// <summary>Options for requests that carry a block of state.</summary>
    public static BlobClientOptions Transfer() => Options(TransferTimeout);

    private static BlobClientOptions Options(TimeSpan networkTimeout)
    {
        var options = new BlobClientOptions();
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = Retries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = networkTimeout;
        options.Diagnostics.IsDistributedTracingEnabled = false;
        return options;
    }
}
