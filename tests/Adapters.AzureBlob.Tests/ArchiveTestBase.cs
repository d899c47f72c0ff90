using HexEmu.Application.Archive;
using HexEmu.Application.Ports;
using HexEmu.Tests.Azurite;

namespace HexEmu.Adapters.AzureBlob.Tests;

/// <summary>An archive over the test's own container, and a local folder of files to push and pull.</summary>
public abstract class ArchiveTestBase(AzuriteFixture fixture) : ContainerTestBase(fixture)
{
    protected string Local { get; } = Directory.CreateTempSubdirectory("hexemu-archive-").FullName;

    protected AzureBlobRecordingArchive Archive() => AzureBlobRecordingArchive.Connect(Azurite.ConnectionString, Container);

    protected static ArchivePushOptions Options(bool replace = false) => new("test", When, replace);

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="relative"/> under the local folder; the source to push it.</summary>
    protected ArchiveSource File(string relative, byte[] bytes, ArchiveFileKind kind = ArchiveFileKind.Other)
    {
        string path = Path.Combine(Local, "src", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, bytes);
        return new ArchiveSource(relative, path, kind);
    }

    protected string NewPullDirectory() => Path.Combine(Local, "pulled-" + Guid.NewGuid().ToString("N"));

    /// <summary>Every file under <paramref name="directory"/>, as '/'-separated relative paths.</summary>
    protected static List<string> FilesUnder(string directory) => !Directory.Exists(directory) ? [] :
        [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/')).Order(StringComparer.Ordinal)];

    protected static void AssertOneLine(Exception e, params string[] secrets)
    {
        Assert.DoesNotContain('\n', e.Message);
        foreach (var secret in secrets) Assert.DoesNotContain(secret, e.Message);
    }

    protected override void DisposeMore() => Directory.Delete(Local, recursive: true);
}
