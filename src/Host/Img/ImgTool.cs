using HexEmu.Adapters.Qcow2;

namespace HexEmu.Host.Img;

/// <summary>
/// <c>hexemu img</c>: the qemu-img subset users need without a QEMU install (create, info, check,
/// convert, snapshot -l), with qemu-img 7.2's output and exit codes. Errors are one line prefixed
/// "hexemu img: " and exit 1.
/// </summary>
public static class ImgTool
{
    public const string Prefix = "hexemu img: ";

    public const string Usage = """
        usage: hexemu img COMMAND [command options]
        A qemu-img compatible disk image utility (qcow2 and raw).

        Command syntax:
          check [-q] [-f fmt] [--output=human|json] filename
          convert [-f fmt] [-O output_fmt] [-o options] filename output_filename
          create [-q] [-f fmt] [-b backing_file -F backing_fmt] [-o options] filename [size]
          info [-f fmt] [--output=human|json] [--backing-chain] filename
          snapshot [-l] filename

        Sizes take the suffixes k, M, G, T, P or E (binary units). Creation options (-o):
        cluster_size=N (512 to 2M, a power of two), backing_file, backing_fmt.

        """;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0) return Fail(stderr, new ImgException("Not enough arguments", tryHelp: true));
        var rest = args[1..];
        if (rest.Contains("-h") || rest.Contains("--help")) args = ["--help"];
        try
        {
            switch (args[0])
            {
                case "-h" or "--help" or "help":
                    stdout.Write(Usage.Replace("\r\n", "\n"));
                    return 0;
                case "-V" or "--version":
                    stdout.WriteLine($"hexemu img version {Program.Version} (qemu-img 7.2 compatible subset)");
                    return 0;
                case "create": return ImgCreate.Run(rest, stdout);
                case "info": return ImgInfo.Run(rest, stdout);
                case "check": return ImgCheck.Run(rest, stdout, stderr);
                case "convert": return ImgConvert.Run(rest);
                case "snapshot": return ImgSnapshot.Run(rest, stdout);
                case "amend" or "bench" or "bitmap" or "commit" or "compare" or "dd" or "map" or "measure" or "rebase" or "resize":
                    throw new ImgException($"'{args[0]}' is not supported by hexemu yet (create, info, check, convert and snapshot are)");
                default:
                    throw new ImgException($"Command not found: {args[0]}", tryHelp: true);
            }
        }
        catch (ImgException e)
        {
            return Fail(stderr, e);
        }
        catch (Qcow2Exception e)
        {
            return Fail(stderr, new ImgException(e.Message));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(stderr, new ImgException(e.Message));
        }
        catch (Exception e)
        {
            // Never a stack trace for the user; HEXEMU_TRACE=1 shows it to a developer.
            if (Environment.GetEnvironmentVariable("HEXEMU_TRACE") == "1") stderr.WriteLine(e);
            return Fail(stderr, new ImgException($"internal error: {e.GetType().Name}: {e.Message}"));
        }
    }

    private static int Fail(TextWriter stderr, ImgException e)
    {
        stderr.WriteLine(Prefix + e.Message + (e.TryHelp ? " (try 'hexemu img --help')" : ""));
        return 1;
    }
}
