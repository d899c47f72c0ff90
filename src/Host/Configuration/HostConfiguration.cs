using Microsoft.Extensions.Configuration;

namespace HexEmu.Host.Configuration;

/// <summary>
/// hexemu's settings beside its qemu-style command line (issue 7): <c>appsettings.json</c> beside
/// the executable, then environment variables <c>HEXEMU__Section__Key</c>, then arguments
/// <c>--Section:Key=value</c>, each overriding the one before. Configuration arguments are told
/// apart from QEMU's options by their shape: two dashes, a colon in the key and an equals sign
/// (QEMU has no option like that), so they may stand anywhere on the line.
/// </summary>
public static class HostConfiguration
{
    public const string FileName = "appsettings.json";
    public const string EnvironmentPrefix = "HEXEMU__";

    /// <summary>Whether <paramref name="arg"/> is a configuration argument (<c>--Section:Key=value</c>).</summary>
    public static bool IsSetting(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal)) return false;
        int equals = arg.IndexOf('=');
        int colon = arg.IndexOf(':');
        return equals > 2 && colon > 2 && colon < equals;
    }

    /// <summary>Splits the command line into configuration arguments and the qemu-style rest, in order.</summary>
    public static (string[] Settings, string[] Qemu) Split(IReadOnlyList<string> args) =>
        ([.. args.Where(IsSetting)], [.. args.Where(a => !IsSetting(a))]);

    /// <summary>The configuration from the file in <paramref name="directory"/>, the environment and <paramref name="settings"/>.</summary>
    public static IConfiguration Build(IReadOnlyList<string> settings, string directory)
    {
        string file = Path.Combine(directory, FileName);
        try
        {
            return new ConfigurationBuilder()
                .AddJsonFile(file, optional: true, reloadOnChange: false)
                .AddEnvironmentVariables(EnvironmentPrefix)
                .AddCommandLine([.. settings])
                .Build();
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or IOException)
        {
            // A malformed JSON file: say which file, not what it holds (it may hold secrets).
            throw new ConfigurationError($"{file} cannot be read: {FirstLine(e.Message)}");
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}

/// <summary>A setting that is missing, malformed or contradictory: one line for the user, naming the key, never a secret.</summary>
public sealed class ConfigurationError(string message) : Exception(message);
