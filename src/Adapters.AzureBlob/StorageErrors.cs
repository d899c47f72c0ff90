using System.Net.Http;
using System.Net.Sockets;
using Azure;
using HexEmu.Application.Ports;

namespace HexEmu.Adapters.AzureBlob;

/// <summary>
/// Turns what the Azure SDK throws into one-line <see cref="SnapshotStoreException"/>s that name
/// the account, the container and the endpoint (scheme, host, port) but never a secret: messages
/// are built from status codes, service error codes and socket error kinds, not from the SDK's
/// own text (which quotes requests); and as a last guard every secret this store was given is
/// cut out of whatever text remains.
/// </summary>
internal sealed class StorageErrors(string account, string container, string endpoint, IReadOnlyList<string> secrets)
{
    public string Where => $"container '{container}' of account '{account}'";

    public SnapshotStoreException Fail(string message) => new(Redact(message));

    public SnapshotStoreException Translate(Exception error, string doing)
    {
        if (error is SnapshotStoreException known) return known;
        var failures = Flatten(error).ToList();

        var answered = failures.OfType<RequestFailedException>().FirstOrDefault(r => r.Status > 0);
        if (answered is not null) return Fail(Answered(answered, doing));

        var unreachable = Unreachable(failures);
        if (unreachable is not null)
            return Fail($"Azure Blob Storage at {endpoint} could not be reached while {doing} ({Where}): {unreachable}, after {ClientSettings.Tries} tries");

        if (failures.Any(f => f is FormatException))
            return Fail($"Azure Blob Storage rejected the credentials for {Where} before sending a request: the account key or SAS is malformed");

        var inner = failures.LastOrDefault() ?? error;
        return Fail($"Azure Blob Storage failed while {doing} ({Where}): {inner.GetType().Name}: {FirstLine(inner.Message)}");
    }

    private string Answered(RequestFailedException e, string doing)
    {
        string code = string.IsNullOrEmpty(e.ErrorCode) ? "" : $" {e.ErrorCode}";
        return e.Status switch
        {
            401 or 403 => $"Azure Blob Storage refused access to {Where} while {doing} (HTTP {e.Status}{code}): check the account key or SAS and its permissions",
            _ => $"Azure Blob Storage failed while {doing} ({Where}): HTTP {e.Status}{code}",
        };
    }

    /// <summary>Why no answer came, in words of our own; null if the failures are not about reaching the service.</summary>
    private static string? Unreachable(IReadOnlyList<Exception> failures)
    {
        // A timeout first: the socket error it leaves behind (an aborted operation) says less.
        if (failures.Any(f => f is OperationCanceledException or TimeoutException))
            return "no answer within the network timeout";
        var socket = failures.OfType<SocketException>().FirstOrDefault();
        if (socket is not null) return $"{socket.SocketErrorCode} (socket error {socket.ErrorCode})";
        var http = failures.OfType<HttpRequestException>().FirstOrDefault();
        if (http is not null) return http.HttpRequestError.ToString();
        if (failures.Any(f => f is IOException)) return "the connection broke";
        if (failures.OfType<RequestFailedException>().Any(r => r.Status == 0)) return "no response";
        return null;
    }

    private static IEnumerable<Exception> Flatten(Exception error)
    {
        yield return error;
        var inner = error is AggregateException aggregate ? aggregate.InnerExceptions : error.InnerException is { } one ? [one] : [];
        foreach (var child in inner)
            foreach (var e in Flatten(child))
                yield return e;
    }

    private string Redact(string message)
    {
        foreach (var secret in secrets)
            if (secret.Length > 0) message = message.Replace(secret, "***", StringComparison.Ordinal);
        return FirstLine(message);
    }

    private static string FirstLine(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        return end < 0 ? text : text[..end];
    }
}
