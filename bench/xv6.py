#!/usr/bin/env python3
"""xv6 on hexemu beside qemu-system-i386 (issue 8): time to the shell prompt, the whole
`usertests` run, and the cost of recording and replaying that session.

xv6 is not part of this repository: build it yourself from its upstream source
(github.com/mit-pdos/xv6-public, `make kernel fs.img`) and give its directory:

    python3 bench/xv6.py XV6_DIR [--runs N] [--no-qemu] [--no-rr] [--hexemu PATH]

Each run boots `-nographic -smp 1 -m 512 -kernel kernel -drive file=fs.img,index=1,media=disk,
format=raw` on a fresh copy of fs.img, types `usertests` at the first `$ ` prompt, waits for
`ALL TESTS PASSED` and the next prompt, and quits with Ctrl-a x. The rr part records that session
with `-icount shift=0,rr=record`, replays it, and checks the replay printed the same bytes.
Figures are wall-clock seconds on this machine; run it on a quiet machine and read ratios.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

PROMPT = b"$ "
PASSED = b"ALL TESTS PASSED"


class Session:
    """One emulator process with its console on stdin/stdout (a pipe: no terminal modes)."""

    def __init__(self, argv, feed_input=True):
        self.start = time.monotonic()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE if feed_input else subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.output = bytearray()
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            chunk = self.proc.stdout.read1(65536)
            with self.changed:
                if not chunk:
                    self.changed.notify_all()
                    return
                self.output += chunk
                self.changed.notify_all()

    def wait_for(self, text, timeout, after=0):
        """Seconds since start when `text` appeared after offset `after`; raises on timeout or exit."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.output.find(text, after) < 0:
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self.reader.is_alive()):
                    raise RuntimeError(f"{text!r} did not appear; last output: {bytes(self.output[-400:])!r}")
                self.changed.wait(min(left, 1.0))
        return time.monotonic() - self.start

    def type(self, text):
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def finish(self, timeout):
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise
        self.reader.join(timeout)
        return self.proc.returncode, self.proc.stderr.read().decode(errors="replace")


def usertests(emulator, xv6, work, extra=()):
    """Boot, run usertests, quit. Returns (seconds to prompt, seconds for usertests, console bytes)."""
    disk = os.path.join(work, "fs.img")
    shutil.copyfile(os.path.join(xv6, "fs.img"), disk)
    argv = [emulator, "-nographic", "-smp", "1", "-m", "512", "-kernel", os.path.join(xv6, "kernel"),
            "-drive", f"file={disk},index=1,media=disk,format=raw", *extra]
    s = Session(argv)
    prompt = s.wait_for(PROMPT, 120)
    s.type(b"usertests\n")
    mark = len(s.output)
    done = s.wait_for(PASSED, 1800, mark)
    s.wait_for(PROMPT, 60, s.output.find(PASSED, mark))
    s.type(b"\x01x")
    code, err = s.finish(60)
    if code != 0:
        raise RuntimeError(f"{emulator} exited with {code}: {err}")
    return prompt, done - prompt, bytes(s.output)


def replay(emulator, xv6, work, rrfile):
    disk = os.path.join(work, "fs.img")
    shutil.copyfile(os.path.join(xv6, "fs.img"), disk)
    argv = [emulator, "-nographic", "-smp", "1", "-m", "512", "-kernel", os.path.join(xv6, "kernel"),
            "-drive", f"file={disk},index=1,media=disk,format=raw", "-icount", f"shift=0,rr=replay,rrfile={rrfile}"]
    s = Session(argv, feed_input=False)
    code, err = s.finish(3600)
    if code != 0:
        raise RuntimeError(f"replay exited with {code}: {err}")
    return time.monotonic() - s.start, bytes(s.output)


GDB_SCRIPT = """set pagination off
set confirm off
target remote {remote}
break sys_write
continue
continue
continue
monitor info replay
reverse-continue
monitor info replay
reverse-continue
monitor info replay
continue
monitor info replay
delete
break consolewrite
continue
reverse-finish
bt 1
kill
"""


def listening(port):
    """Whether a socket listens on 127.0.0.1:port (state 0A in /proc/net/tcp)."""
    with open("/proc/net/tcp") as table:
        return any(f.split()[1].endswith(f":{port:04X}") and f.split()[3] == "0A" for f in list(table)[1:])


def gdb_backwards(emulator, xv6, work, rrfile):
    """Replays the recording under real gdb with xv6's symbols: sys_write hit 3 times, then
    reverse-continue twice and continue once must land on hits 2, 1, 2 (same instruction counts);
    reverse-finish out of consolewrite must land in its caller. Returns a one-line verdict."""
    import re
    import socket
    disk = os.path.join(work, "fs.img")
    shutil.copyfile(os.path.join(xv6, "fs.img"), disk)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    argv = [emulator, "-nographic", "-smp", "1", "-m", "512", "-kernel", os.path.join(xv6, "kernel"),
            "-drive", f"file={disk},index=1,media=disk,format=raw", "-icount", f"shift=0,rr=replay,rrfile={rrfile}",
            "-gdb", f"tcp:127.0.0.1:{port}", "-S"]
    emu = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    script = os.path.join(work, "backwards.gdb")
    with open(script, "w") as f:
        f.write(GDB_SCRIPT.format(remote=f"127.0.0.1:{port}"))
    deadline = time.monotonic() + 30
    # Wait for the listening socket in the kernel's table: a probe connection would be a debugger
    # attaching and leaving, after which the machine runs on.
    while not listening(port):
        if time.monotonic() > deadline or emu.poll() is not None:
            raise RuntimeError("hexemu's gdb stub did not start: " + emu.stderr.read().decode(errors="replace"))
        time.sleep(0.1)
    # (gdb prints a monitor command's output on stderr)
    out = subprocess.run(["gdb", "-batch", "-nx", "-x", script, os.path.join(xv6, "kernel")],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600).stdout
    emu.wait(60)
    counts = [int(c) for c in re.findall(r"instruction count = (\d+)", out)]
    ok = len(counts) == 4 and counts[1] < counts[0] and counts[2] < counts[1] and counts[3] == counts[1]
    finished_in = re.findall(r"#0\s+(?:0x[0-9a-f]+ in )?(\w+) ", out)
    verdict = "OK" if ok and finished_in and finished_in[-1] != "consolewrite" else "FAILED"
    return f"gdb backwards: sys_write hits at {counts}, reverse-finish from consolewrite into {finished_in[-1] if finished_in else '?'}: {verdict}"


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("xv6", help="directory holding xv6's kernel and fs.img (built by you, not in this repo)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--hexemu", default=None, help="hexemu binary (default: publish src/Host to out/bench-xv6)")
    parser.add_argument("--no-qemu", action="store_true")
    parser.add_argument("--no-rr", action="store_true")
    parser.add_argument("--rr-only", action="store_true", help="only the record/replay figures")
    args = parser.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    hexemu = args.hexemu
    if hexemu is None:
        out = os.path.join(root, "out", "bench-xv6", "hexemu")
        subprocess.run(["dotnet", "publish", os.path.join(root, "src", "Host"), "-c", "Release", "-o", out],
                       check=True, stdout=subprocess.DEVNULL)
        hexemu = os.path.join(out, "hexemu")
    print(f"load average before: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")

    with tempfile.TemporaryDirectory(prefix="hexemu-xv6-") as work:
        rows = [] if args.rr_only else [("hexemu", hexemu, ())]
        if not args.no_qemu and not args.rr_only:
            rows.append(("qemu-system-i386", "qemu-system-i386", ()))
        for name, binary, extra in rows:
            prompts, tests = [], []
            for _ in range(args.runs):
                p, t, _ = usertests(binary, args.xv6, work, extra)
                prompts.append(p)
                tests.append(t)
            print(f"{name:18} time to '$ ' {median(prompts):6.2f} s   usertests {median(tests):7.1f} s")

        if not args.no_rr:
            _, plain, _ = usertests(hexemu, args.xv6, work, ("-icount", "shift=0"))
            rrfile = os.path.join(work, "usertests.rr")
            _, recorded, console = usertests(hexemu, args.xv6, work, ("-icount", f"shift=0,rr=record,rrfile={rrfile}"))
            replayed, replay_console = replay(hexemu, args.xv6, work, rrfile)
            # Ctrl-a x makes the recording's hexemu say so on the console; the guest's bytes are what must match.
            console = console.removesuffix(b"hexemu: Terminated\r\n")
            same = replay_console == console
            print(f"hexemu -icount shift=0: usertests {plain:.1f} s; recording {recorded:.1f} s "
                  f"({plain / recorded:.2f}x the plain run's speed); whole replay {replayed:.1f} s; "
                  f"replay output {'identical' if same else 'DIFFERENT'} ({len(console)} bytes); "
                  f"log {os.path.getsize(rrfile)} bytes")
            if shutil.which("gdb"):
                print(gdb_backwards(hexemu, args.xv6, work, rrfile))
            if not same:
                with open("xv6-recorded.txt", "wb") as f:
                    f.write(console)
                with open("xv6-replayed.txt", "wb") as f:
                    f.write(replay_console)
                print("both consoles written to xv6-recorded.txt and xv6-replayed.txt")
                sys.exit(1)
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
