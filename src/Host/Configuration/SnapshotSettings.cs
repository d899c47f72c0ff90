using Microsoft.Extensions.Configuration;

namespace HexEmu.Host.Configuration;

/// <summary>Where VM snapshots and persisted checkpoints live (<c>Snapshots:Backend</c>).</summary>
public enum SnapshotBackend
{
    /// <summary>The qcow2 drives themselves, as QEMU keeps them (the default).</summary>
    Qcow2,
    LiteDb,
    AzureBlob,
}

/// <summary>
/// The <c>Snapshots</c> section, checked as hexemu starts: a bad or missing setting is an error
/// naming its key. The values of secret keys (a connection string, a URI with a SAS) never appear
/// in an error or anywhere else this class writes.
/// </summary>
public sealed record SnapshotSettings(
    SnapshotBackend Backend,
    string? LiteDbPath = null,
    string? AzureConnectionString = null,
    string? AzureContainer = null,
    Uri? AzureContainerUri = null)
{
    public const string BackendKey = "Snapshots:Backend";
    public const string LiteDbPathKey = "Snapshots:LiteDb:Path";
    public const string AzureConnectionStringKey = "Snapshots:AzureBlob:ConnectionString";
    public const string AzureContainerKey = "Snapshots:AzureBlob:Container";
    public const string AzureContainerUriKey = "Snapshots:AzureBlob:ContainerUri";
    public const string CheckpointIntervalKey = "Snapshots:Checkpoints:Interval";

    /// <summary>
    /// Instructions of replayed history between two reverse-debugging checkpoints persisted in the
    /// store (under -gdb): about 7 s of replay here, so writing a whole VM state costs a few per
    /// cent of a first pass and a later session jumps to within that distance of any position.
    /// </summary>
    public const long DefaultCheckpointInterval = 1_000_000_000;

    /// <summary>Instructions between persisted checkpoints; 0 persists none.</summary>
    public long CheckpointInterval { get; init; } = DefaultCheckpointInterval;

    public static SnapshotSettings From(IConfiguration configuration)
    {
        string? backend = configuration[BackendKey];
        var kind = SnapshotBackend.Qcow2;
        if (!string.IsNullOrWhiteSpace(backend)
            && (!Enum.TryParse(backend.Trim(), ignoreCase: true, out kind) || !Enum.IsDefined(kind)))
            throw new ConfigurationError($"{BackendKey} must be Qcow2, LiteDb or AzureBlob (it is '{backend}')");
        var settings = kind switch
        {
            SnapshotBackend.LiteDb => new SnapshotSettings(kind, LiteDbPath: Required(configuration, LiteDbPathKey, "the database file")),
            SnapshotBackend.AzureBlob => AzureBlob(configuration),
            _ => new SnapshotSettings(kind),
        };
        return settings with { CheckpointInterval = CheckpointIntervalFrom(configuration) };
    }

    private static long CheckpointIntervalFrom(IConfiguration configuration)
    {
        string? value = configuration[CheckpointIntervalKey];
        if (string.IsNullOrWhiteSpace(value)) return DefaultCheckpointInterval;
        if (!long.TryParse(value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long interval))
            throw new ConfigurationError($"{CheckpointIntervalKey} must be a number of instructions, 0 for none (it is '{value}')");
        return interval;
    }

    private static SnapshotSettings AzureBlob(IConfiguration configuration)
    {
        var location = AzureBlobLocation.From(configuration, "Snapshots:AzureBlob",
            needs: $"{BackendKey}=AzureBlob needs", containerNeeds: $"{configuration[BackendKey]?.Trim()} snapshots need");
        return new SnapshotSettings(SnapshotBackend.AzureBlob,
            AzureConnectionString: location.ConnectionString, AzureContainer: location.Container, AzureContainerUri: location.ContainerUri);
    }

    private static string Required(IConfiguration configuration, string key, string what)
    {
        string? value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
            throw new ConfigurationError($"{configuration[BackendKey]?.Trim()} snapshots need {key} ({what})");
        return value.Trim();
    }
}
