namespace HexEmu.Host.Tests;

public class HostThreadTests
{
    [Fact]
    public void The_thread_id_is_the_kernels_and_differs_between_threads()
    {
        long here = HostThread.CurrentId();
        long other = 0;
        var thread = new Thread(() => other = HostThread.CurrentId());
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(10)));
        Assert.NotEqual(here, other);
        // Linux lists each thread of the process under /proc/self/task/TID.
        Assert.True(Directory.Exists($"/proc/self/task/{here}"), $"no /proc/self/task/{here}");
    }
}
