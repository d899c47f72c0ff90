using HexEmu.Application.Ports;
using HexEmu.Host.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HexEmu.Host.Archive;

/// <summary>
/// The <c>Archive</c> section: where archived recordings live (<c>Archive:AzureBlob:…</c>, the same
/// keys and rules as <c>Snapshots:AzureBlob:…</c>) and where pulled recordings are cached for
/// replaying (<c>Archive:CacheDirectory</c>, by default <c>$XDG_CACHE_HOME/hexemu/archive</c> or
/// <c>~/.cache/hexemu/archive</c>). The storage is required only when the archive is used.
/// </summary>
public sealed record ArchiveSettings(AzureBlobLocation Location, string CacheDirectory)
{
    public const string Section = "Archive:AzureBlob";
    public const string CacheDirectoryKey = "Archive:CacheDirectory";

    /// <summary>The settings; a missing or bad storage setting is a <see cref="ConfigurationError"/> naming the key.</summary>
    public static ArchiveSettings From(IConfiguration configuration)
    {
        var location = AzureBlobLocation.From(configuration, Section, needs: "the archive needs", containerNeeds: "the archive needs");
        return new ArchiveSettings(location, CacheDirectoryFrom(configuration));
    }

    public static string CacheDirectoryFrom(IConfiguration configuration)
    {
        string? configured = configuration[CacheDirectoryKey];
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured.Trim());
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string cacheRoot = !string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cacheRoot, "hexemu", "archive");
    }

    /// <summary>The archive these settings name, from the composition root. No request is sent yet.</summary>
    public IRecordingArchive Open()
    {
        // The archive holds no resource to dispose: the container only builds it.
        using var services = Composition.HostServices.BuildArchive(this);
        return services.GetRequiredService<IRecordingArchive>();
    }
}
