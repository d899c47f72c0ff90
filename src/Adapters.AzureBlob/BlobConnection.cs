using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using HexEmu.Application.Ports;

namespace HexEmu.Adapters.AzureBlob;

/// <summary>
/// A container reached with a connection string or a SAS URI: one client for small control
/// requests and one for block transfers (<see cref="ClientSettings"/>), and the error translator
/// that knows which secrets to keep out of messages. Shared by the snapshot store and the
/// recording archive. Bad settings are <see cref="SnapshotStoreException"/>s that quote no secret.
/// </summary>
internal sealed record BlobConnection(BlobContainerClient Control, BlobContainerClient Data, StorageErrors Errors)
{
    /// <summary>
    /// <paramref name="container"/> of the account a connection string names (<c>AccountName=…;AccountKey=…</c>,
    /// optionally <c>BlobEndpoint=…</c>, or a SAS connection string). No request is sent yet.
    /// </summary>
    public static BlobConnection FromConnectionString(string connectionString, string container)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        ArgumentNullException.ThrowIfNull(container);
        CheckContainerName(container);
        BlobContainerClient control, data;
        try
        {
            control = new BlobServiceClient(connectionString, ClientSettings.Control()).GetBlobContainerClient(container);
            data = new BlobServiceClient(connectionString, ClientSettings.Transfer()).GetBlobContainerClient(container);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The SDK's message may quote the string: ours does not.
            throw new SnapshotStoreException($"The Azure Blob Storage connection string for container '{container}' is not valid: expected AccountName=…;AccountKey=… (with BlobEndpoint=… for an emulator) or BlobEndpoint=…;SharedAccessSignature=…");
        }
        return Make(control, data, [connectionString, .. ConnectionStringSecrets(connectionString)]);
    }

    /// <summary>The container a URI names, authorised by the SAS in its query.</summary>
    public static BlobConnection FromContainerUri(Uri containerUri)
    {
        ArgumentNullException.ThrowIfNull(containerUri);
        string sas = containerUri.Query.TrimStart('?');
        string container;
        try
        {
            container = new BlobUriBuilder(containerUri).BlobContainerName;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new SnapshotStoreException($"The Azure Blob Storage URI for {containerUri.Host} is not a container URI");
        }
        if (string.IsNullOrEmpty(container))
            throw new SnapshotStoreException($"The Azure Blob Storage URI for {containerUri.Host} names no container");
        CheckContainerName(container);
        var control = new BlobContainerClient(containerUri, ClientSettings.Control());
        var data = new BlobContainerClient(containerUri, ClientSettings.Transfer());
        return Make(control, data, [sas, .. SasSecrets(sas)]);
    }

    /// <summary><paramref name="container"/> of the account a service URI with a SAS names.</summary>
    public static BlobConnection FromServiceUri(Uri serviceUri, string container)
    {
        ArgumentNullException.ThrowIfNull(serviceUri);
        ArgumentNullException.ThrowIfNull(container);
        CheckContainerName(container);
        var builder = new BlobUriBuilder(serviceUri) { BlobContainerName = container, BlobName = "" };
        return FromContainerUri(builder.ToUri());
    }

    private static BlobConnection Make(BlobContainerClient control, BlobContainerClient data, IReadOnlyList<string> secrets)
    {
        var endpoint = new UriBuilder(control.Uri) { Path = "", Query = "", Fragment = "", UserName = "", Password = "" }.Uri.GetLeftPart(UriPartial.Authority);
        return new BlobConnection(control, data, new StorageErrors(control.AccountName, control.Name, endpoint, secrets));
    }

    /// <summary>The service's rule, checked here so a typo is named before any request.</summary>
    private static void CheckContainerName(string container)
    {
        if (!Regex.IsMatch(container, "^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$"))
            throw new SnapshotStoreException($"'{container}' is not a valid Azure Blob Storage container name: 3 to 63 lower-case letters, digits and single hyphens, starting and ending with a letter or digit");
    }

    private static IEnumerable<string> ConnectionStringSecrets(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && (pair[0].Trim().Equals("AccountKey", StringComparison.OrdinalIgnoreCase)
                || pair[0].Trim().Equals("SharedAccessSignature", StringComparison.OrdinalIgnoreCase)))
            .SelectMany(pair => (IEnumerable<string>)[pair[1].Trim(), .. SasSecrets(pair[1].Trim())]);

    /// <summary>The signature of a SAS, raw and URL-decoded: the part that must never be shown.</summary>
    private static IEnumerable<string> SasSecrets(string sas) =>
        sas.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(part => part.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[0].Equals("sig", StringComparison.OrdinalIgnoreCase))
            .SelectMany(pair => (IEnumerable<string>)[pair[1], Uri.UnescapeDataString(pair[1])]);
}
