using System.Text;

namespace HexEmu.Host.Cli;

/// <summary>What -h, -M help, -cpu help, -device help and -d help print (stdout).</summary>
public static class HelpText
{
    public static string Usage => """
        usage: hexemu [options] [disk_image]
        An i386 PC emulator with a qemu-system-i386 compatible command line.

        Standard options:
        -h or -help             display this help and exit
        -version                display version information and exit
        -machine [type=]pc|isapc[,accel=tcg]
        -M                      same as -machine (-M help lists the machines)
        -cpu MODEL              select CPU (-cpu help for a list)
        -smp 1                  HexEmu emulates a single CPU
        -m [size=]N[KMG]        RAM size (default 128M; a bare number is MiB)
        -name NAME              set the name of the guest

        Block devices:
        -drive file=F[,format=raw|qcow2][,if=ide|none][,index=N][,bus=B,unit=U][,media=disk][,id=ID][,readonly=on][,snapshot=on]
        -hda/-hdb/-hdc/-hdd FILE    IDE hard disk 0..3
        -snapshot               guest disk writes go to a temporary overlay (as snapshot=on on every drive)

        Boot:
        -bios FILE              firmware ROM image (64-256 KiB)
        -kernel FILE            Multiboot kernel (ELF32 or a.out kludge)
        -append CMDLINE         kernel command line
        -initrd "F1 ARGS,F2"    Multiboot modules (",," is a literal comma)

        Character devices (DEV: stdio, null, none, vc, file:PATH, pipe:PATH,
        tcp:[HOST]:PORT[,server=on|off][,wait=on|off][,nodelay=on], unix:PATH[,server=on][,wait=off],
        chardev:ID, mon:DEV):
        -chardev null|stdio|file|pipe|socket,id=ID[,mux=on][,path=][,host=][,port=][,server=][,wait=]
        -serial DEV             COM1..COM4, one per -serial
        -monitor DEV            HMP monitor
        -debugcon DEV           isa-debugcon on port 0xe9
        -nographic              serial and monitor multiplexed on stdio (Ctrl-a h for help)
        -display none           HexEmu has no display
        -nodefaults             no default serial port or monitor

        Devices:
        -device isa-debug-exit[,iobase=0x501][,iosize=2]
        -device isa-debugcon[,iobase=0xe9][,chardev=ID]
        -device help            list the devices
        -net none, -nic none    no network (the only choice)

        Time and debugging:
        -rtc [base=utc|localtime|DATE][,clock=host|rt|vm]
        -icount [shift=]N|auto[,sleep=on|off]   instruction-counted virtual time (N in 0..10)
        -icount shift=N,rr=record|replay,rrfile=FILE
                                record the run's inputs to FILE, or replay them from it
        -d ITEM1,...            log items (-d help for a list)
        -D FILE                 log to FILE instead of stderr
        -no-reboot              exit instead of rebooting
        -no-shutdown            stop the guest on shutdown instead of exiting
        -S                      do not start the CPU until the monitor's `cont`

        During emulation under -nographic, Ctrl-a h lists the console keys.

        Replay logs:
        hexemu rr dump FILE [--json]   list a recording's header and events with their icounts
        hexemu rr verify FILE          check a recording's structure (first bad byte offset)

        """;

    public static string Machines
    {
        get
        {
            var text = new StringBuilder("Supported machines are:\n");
            foreach (var (name, _, description) in QemuCommandLine.MachineTypes)
                text.Append($"{name,-20} {description}\n");
            return text.ToString();
        }
    }

    public static string Cpus
    {
        get
        {
            var text = new StringBuilder("Available CPUs:\n");
            foreach (var (name, _, description) in QemuCommandLine.CpuModels)
                text.Append($"x86 {name,-21} {description}\n");
            return text.ToString();
        }
    }

    public static string Devices
    {
        get
        {
            var text = new StringBuilder("Misc devices:\n");
            foreach (var (name, description) in QemuCommandLine.DeviceModels)
                text.Append($"name \"{name}\", bus ISA, desc \"{description}\"\n");
            return text.ToString();
        }
    }

    /// <summary>As QEMU lays out `-d help`: name padded to 15 columns, then what it shows.</summary>
    public static string LogItems
    {
        get
        {
            var text = new StringBuilder("Log items (comma separated):\n");
            foreach (var (name, _, description) in QemuCommandLine.LogItemTable)
                text.Append($"{name,-15} {description}\n");
            return text.ToString();
        }
    }

    public static string Version(string version) =>
        $"HexEmu version {version} (qemu-system-i386 compatible command line)\n";
}
