namespace HexEmu.Host;

/// <summary>The operating system's id of the calling thread, as QEMU's `info cpus` shows it (thread_id=).</summary>
public static class HostThread
{
    /// <summary>
    /// Linux names the calling thread's directory /proc/thread-self → "PID/task/TID"; elsewhere (or
    /// if /proc is missing) the managed thread id is the best there is.
    /// </summary>
    public static long CurrentId()
    {
        try
        {
            string? target = new FileInfo("/proc/thread-self").LinkTarget;
            if (target is not null && long.TryParse(Path.GetFileName(target), out long tid)) return tid;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return Environment.CurrentManagedThreadId;
    }
}
