namespace HexEmu.Adapters.AzureBlob;

public sealed partial class AzureBlobSnapshotStore
{
    /// <summary>
    /// Opens the store in <paramref name="container"/> of the account a connection string names
    /// (<c>AccountName=…;AccountKey=…</c>, optionally <c>BlobEndpoint=…</c>, or a SAS connection
    /// string), creating the container if it is missing. Fails with a clear error, within about
    /// 16 s at worst, when the storage cannot be reached or refuses the credentials.
    /// </summary>
    public static AzureBlobSnapshotStore Connect(string connectionString, string container) =>
        Open(BlobConnection.FromConnectionString(connectionString, container));

    /// <summary>
    /// Opens the store in the container a URI names, authorised by the SAS in its query
    /// (<c>https://ACCOUNT.blob.core.windows.net/CONTAINER?sv=…&amp;sig=…</c>). The container is
    /// created if missing, which needs an account SAS; a SAS for the container alone works on one
    /// that exists.
    /// </summary>
    public static AzureBlobSnapshotStore Connect(Uri containerUri) => Open(BlobConnection.FromContainerUri(containerUri));

    /// <summary>Opens the store in <paramref name="container"/> of the account a service URI with a SAS names.</summary>
    public static AzureBlobSnapshotStore Connect(Uri serviceUri, string container) =>
        Open(BlobConnection.FromServiceUri(serviceUri, container));

    private static AzureBlobSnapshotStore Open(BlobConnection connection)
    {
        var store = new AzureBlobSnapshotStore(connection.Control, connection.Data, connection.Errors);
        store.Run("opening the snapshot store", store._marker.OpenAsync);
        return store;
    }
}
