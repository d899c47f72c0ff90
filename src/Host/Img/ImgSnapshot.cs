using System.Text;

namespace HexEmu.Host.Img;

/// <summary>
/// <c>hexemu img snapshot [-l | -c NAME | -a NAME | -d NAME] FILE</c>: the snapshot table as qemu-img
/// lists it, and disk-only snapshots created, applied and deleted as qemu-img does them.
/// </summary>
public static class ImgSnapshot
{
    public static int Run(string[] args, TextWriter stdout)
    {
        var options = ImgArguments.Parse(args, ["c", "a", "d", "object"], ["l", "q", "U", "image-opts", "h", "help"]);
        if (options.Positional.Count != 1) throw new ImgException("Expecting one image file name", tryHelp: true);
        var path = options.Positional[0];
        foreach (var (flag, verb) in new[] { ("c", "create"), ("a", "apply"), ("d", "delete") })
            if (options.Value(flag) is { } name) return Change(path, flag, verb, name);
        if (ImageReader.Resolve(path, null) != "qcow2") return 0; // raw images have no snapshots: qemu-img lists nothing
        using (ImageReader.OpenQcow2(path)) { }
        var snapshots = Qcow2Metadata.Read(path).Snapshots;
        if (snapshots.Count == 0) return 0;
        var text = new StringBuilder("Snapshot list:\n");
        SnapshotTable.Write(text, snapshots);
        stdout.Write(text.ToString());
        return 0;
    }

    /// <summary>-c, -a, -d: a disk-only snapshot (no VM state, VM clock 0, icount 0, dated now), as qemu-img makes them.</summary>
    private static int Change(string path, string flag, string verb, string name)
    {
        if (ImageReader.Resolve(path, null) != "qcow2")
            throw new ImgException($"Could not {verb} snapshot '{name}': snapshots are not supported by the raw format");
        try
        {
            using var image = HexEmu.Adapters.Qcow2.Qcow2Image.Open(path);
            switch (flag)
            {
                case "c": image.CreateSnapshot(name, [], vmClockNs: 0, icount: 0, DateTimeOffset.UtcNow); break;
                case "a": image.ApplySnapshot(name); break;
                default: image.DeleteSnapshot(name); break;
            }
        }
        catch (HexEmu.Adapters.Qcow2.Qcow2Exception e)
        {
            throw new ImgException($"Could not {verb} snapshot '{name}': {e.Message}");
        }
        return 0;
    }
}
