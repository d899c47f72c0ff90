using Microsoft.Extensions.Configuration;

namespace HexEmu.Host.Configuration;

/// <summary>
/// A blob container named in a configuration section (<c>SECTION:ConnectionString</c> with
/// <c>SECTION:Container</c>, or <c>SECTION:ContainerUri</c> with a SAS), as both the snapshot
/// store and the archive name theirs. Either <see cref="ConnectionString"/> and
/// <see cref="Container"/> are set, or <see cref="ContainerUri"/>. The secret values never appear
/// in an error.
/// </summary>
public sealed record AzureBlobLocation(string? ConnectionString, string? Container, Uri? ContainerUri)
{
    public static string ConnectionStringKey(string section) => $"{section}:ConnectionString";
    public static string ContainerKey(string section) => $"{section}:Container";
    public static string ContainerUriKey(string section) => $"{section}:ContainerUri";

    /// <summary>Whether any key of the section is set.</summary>
    public static bool IsConfigured(IConfiguration configuration, string section) =>
        new[] { ConnectionStringKey(section), ContainerKey(section), ContainerUriKey(section) }
            .Any(key => !string.IsNullOrWhiteSpace(configuration[key]));

    /// <summary>
    /// The location in <paramref name="section"/>. Errors name the keys: <paramref name="needs"/>
    /// starts the message when nothing is set ("X needs A and B, or C"), <paramref name="containerNeeds"/>
    /// when the container's name is missing ("X need(s) B (the blob container's name)").
    /// </summary>
    public static AzureBlobLocation From(IConfiguration configuration, string section, string needs, string containerNeeds)
    {
        string connectionKey = ConnectionStringKey(section), containerKey = ContainerKey(section), uriKey = ContainerUriKey(section);
        string? connection = configuration[connectionKey];
        string? uri = configuration[uriKey];
        if (!string.IsNullOrWhiteSpace(connection) && !string.IsNullOrWhiteSpace(uri))
            throw new ConfigurationError($"set either {connectionKey} (with {containerKey}) or {uriKey}, not both");
        if (!string.IsNullOrWhiteSpace(uri))
        {
            // The URI carries a SAS token: never repeated in a message.
            if (!Uri.TryCreate(uri.Trim(), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("https" or "http"))
                throw new ConfigurationError($"{uriKey} must be an http(s) URI of a blob container (with a SAS)");
            return new AzureBlobLocation(null, null, parsed);
        }
        if (string.IsNullOrWhiteSpace(connection))
            throw new ConfigurationError($"{needs} {connectionKey} and {containerKey}, or {uriKey}");
        string? container = configuration[containerKey];
        if (string.IsNullOrWhiteSpace(container))
            throw new ConfigurationError($"{containerNeeds} {containerKey} (the blob container's name)");
        return new AzureBlobLocation(connection.Trim(), container.Trim(), null);
    }
}
