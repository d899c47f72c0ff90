using System.Text;

namespace HexEmu.Host.Img;

/// <summary><c>hexemu img snapshot [-l] FILE</c>: the snapshot table as qemu-img lists it. Writing snapshots is not supported yet.</summary>
public static class ImgSnapshot
{
    public static int Run(string[] args, TextWriter stdout)
    {
        var options = ImgArguments.Parse(args, ["c", "a", "d", "object"], ["l", "q", "U", "image-opts", "h", "help"]);
        foreach (var (flag, action) in new[] { ("c", "creating"), ("a", "applying"), ("d", "deleting") })
            if (options.Value(flag) is not null)
                throw new ImgException($"snapshot: {action} snapshots (-{flag}) is not supported by hexemu yet; only -l (list) is");
        if (options.Positional.Count != 1) throw new ImgException("Expecting one image file name", tryHelp: true);
        var path = options.Positional[0];
        if (ImageReader.Resolve(path, null) != "qcow2") return 0; // raw images have no snapshots: qemu-img lists nothing
        using (ImageReader.OpenQcow2(path)) { }
        var snapshots = Qcow2Metadata.Read(path).Snapshots;
        if (snapshots.Count == 0) return 0;
        var text = new StringBuilder("Snapshot list:\n");
        SnapshotTable.Write(text, snapshots);
        stdout.Write(text.ToString());
        return 0;
    }
}
