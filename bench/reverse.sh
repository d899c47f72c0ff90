#!/usr/bin/env bash
# Reverse debugging cost (issue 6), measured with the real gdb against hexemu replaying a
# recording of tests/guests/gdbguest.elf (no interrupts, about 58 instructions an iteration):
#   - reverse-stepi latency at depths of 10^6, 10^8 and 10^9 instructions into the recording
#     (target: under 50 ms at every depth), next to a forward stepi at the same place (the
#     floor: gdb, the protocol and the stub);
#   - reverse-continue across the whole loop (> 10^9 instructions) with no earlier hit, against
#     the forward replay time of the same span under gdb (target: under 1.5 x);
#   - hexemu's resident memory before and after (what the checkpoints hold, roughly).
#   bash bench/reverse.sh [instructions]        (default 1100000000: the recording's length)
# REVERSE_BENCH_QEMU=1 adds qemu-system-i386's reverse-stepi figures for the same guest (its
# session is cut after REVERSE_BENCH_QEMU_LIMIT seconds, default 300: QEMU's reverse execution
# deadlocks now and then, and it replays from its start snapshot every time).
# Every time is taken inside one gdb session (gdb's Python, time.perf_counter around each
# command), so gdb's start-up (~0.2 s) is not in any figure. Positions are read with
# `monitor info replay`. The depths are reached with breakpoints on milestone(), which the
# guest calls at iterations computed here from the guest's measured instructions per iteration.
# REVERSE_BENCH_HEXEMU: time another hexemu binary. Needs gdb (apt-get install gdb).
set -euo pipefail
cd "$(dirname "$0")/.."
length=${1:-1100000000}
depths=(1000000 100000000 1000000000)
command -v gdb >/dev/null || { echo "bench/reverse.sh: gdb is not installed (apt-get install gdb)" >&2; exit 1; }
if [ "${depths[-1]}" -ge "$length" ]; then
  echo "bench/reverse.sh: the recording ($length instructions) must be longer than the deepest depth (${depths[-1]})" >&2
  exit 1
fi

make -s -C tests/guests gdbguest.elf
out=out/bench-reverse
if [ -z "${REVERSE_BENCH_HEXEMU:-}" ]; then dotnet publish src/Host -c Release -o "$out/hexemu" >/dev/null; fi
hexemu=$(realpath "${REVERSE_BENCH_HEXEMU:-$out/hexemu/hexemu}")
work=$(mktemp -d /tmp/hexemu-reverse-XXXXXX) # short: a unix socket path must stay under 108 bytes
replay_pid=
cleanup() {
  if [ -n "$replay_pid" ]; then kill -KILL "$replay_pid" 2>/dev/null || true; wait "$replay_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cp tests/guests/gdbguest.elf "$work/"
cd "$work"

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# Runs the guest under hexemu with -append "$1" and the remaining arguments; fails unless the
# guest ends as it should (status 3).
run_guest() {
  local append=$1 status=0
  shift
  "$hexemu" -kernel gdbguest.elf -append "$append" -display none -device isa-debug-exit "$@" </dev/null >/dev/null 2>stderr.txt || status=$?
  if [ "$status" != 3 ]; then
    echo "bench/reverse.sh: hexemu exited with $status, expected 3: -append '$append' $*" >&2
    cat stderr.txt >&2
    exit 1
  fi
}

last_icount() { "$hexemu" rr verify "$1" | sed -nE 's/.*last icount ([0-9]+).*/\1/p'; }

# ---- calibration: instructions per iteration, from two short recordings ----
options="report=20"
run_guest "iterations=1000 $options" -serial null -icount shift=0,rr=record,rrfile=c1.rr
run_guest "iterations=2000 $options" -serial null -icount shift=0,rr=record,rrfile=c2.rr
read -r per base iterations marks < <(python3 - "$(last_icount c1.rr)" "$(last_icount c2.rr)" "$length" "${depths[@]}" <<'EOF'
import math, sys
l1, l2, length = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
per = (l2 - l1) / 1000
base = l1 - 1000 * per
marks = [max(0, int((int(d) - base) / per)) for d in sys.argv[4:]]
print(f"{per:.3f} {int(base)} {math.ceil((length - base) / per)} {','.join(map(str, marks))}")
EOF
)
IFS=, read -r mark1 mark2 mark3 <<<"$marks"
append="iterations=$iterations $options mark1=$mark1 mark2=$mark2 mark3=$mark3"

# ---- the recording, and a plain replay of it (no gdb) for reference ----
start=$(date +%s%N)
run_guest "$append" -serial file:record.txt -icount shift=0,rr=record,rrfile=bench.rr
record_ms=$(ms_since "$start")
recorded=$(last_icount bench.rr)
start=$(date +%s%N)
run_guest "$append" -serial file:replay.txt -icount shift=0,rr=replay,rrfile=bench.rr
replay_ms=$(ms_since "$start")
cmp -s record.txt replay.txt || { echo "bench/reverse.sh: the plain replay printed other output than the recording" >&2; exit 1; }

echo "reverse debugging: gdbguest.elf, $per instructions an iteration, $iterations iterations"
echo "  recording: $recorded instructions, recorded in $record_ms ms, replayed without gdb in $replay_ms ms" \
  "($(awk -v n="$recorded" -v t="$replay_ms" 'BEGIN {printf "%.0f", n / t / 1000}') M instructions/s)"

# Starts "$@" (an emulator replaying bench.rr paused, its gdb stub on $work/gdb.sock) in the
# background and waits for the socket.
start_replay() {
  rm -f gdb.sock
  "$@" </dev/null >/dev/null 2>replay-stderr.txt &
  replay_pid=$!
  local deadline=$((SECONDS + 60))
  until [ -S gdb.sock ]; do
    if ! kill -0 "$replay_pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      echo "bench/reverse.sh: $1 did not listen on $work/gdb.sock (does it have -gdb?):" >&2
      cat replay-stderr.txt >&2
      exit 1
    fi
    sleep 0.05
  done
}

stop_replay() {
  kill -KILL "$replay_pid" 2>/dev/null || true # QEMU, deadlocked in reverse execution, ignores SIGTERM
  wait "$replay_pid" 2>/dev/null || true
  replay_pid=
}

# Runs bench.py in one gdb session against the replay started last, printing its figures as
# they come. $1: whether to time the reverse-continue too; $2: the session's time limit in
# seconds; $3: "fatal" if a session that does not finish fails the benchmark (else it is reported).
measure() {
  BENCH_SOCKET="$work/gdb.sock" BENCH_PID=$replay_pid BENCH_DEPTHS="${depths[*]}" BENCH_REVERSE_CONTINUE=$1 \
    BENCH_PLAIN_MS=$replay_ms BENCH_RECORDED=$recorded \
    timeout -k 10 "$2" gdb -batch -nx -x bench.py 2>gdb-stderr.txt | tee gdb-stdout.txt | grep -E '^  ' || true
  # gdb's exit status does not tell whether the script ran to its end: its last line does.
  grep -q '^bench.py: done$' gdb-stdout.txt && return 0
  if [ "$3" = fatal ]; then
    echo "bench/reverse.sh: the gdb session did not finish (within $2 s):" >&2
    cat gdb-stdout.txt gdb-stderr.txt >&2
    echo "emulator stderr:" >&2
    cat replay-stderr.txt >&2
    exit 1
  fi
  echo "  the session did not finish within $2 s; its last gdb output:"
  grep -vE '^  ' gdb-stdout.txt | tail -3 | sed 's/^/    /'
  echo
}

cat >bench.py <<'EOF'
import os, re, statistics, time
import gdb

def run(command):
    return gdb.execute(command, to_string=True)

def timed(command):
    start = time.perf_counter()
    output = run(command)
    return time.perf_counter() - start, output

def icount():
    output = run("monitor info replay")
    m = re.search(r"instruction count = (\d+)", output)
    if not m:
        raise gdb.GdbError("no instruction count in `monitor info replay`: " + output)
    return int(m.group(1))

def function():
    return gdb.selected_frame().name()

def memory():
    fields = dict(line.split(":", 1) for line in open(f"/proc/{os.environ['BENCH_PID']}/status"))
    mib = lambda name: int(fields[name].split()[0]) / 1024
    return f"resident {mib('VmRSS'):.0f} MiB (peak {mib('VmHWM'):.0f} MiB)"

def ms(seconds):
    return f"{seconds * 1000:.1f} ms"

depths = [int(d) for d in os.environ["BENCH_DEPTHS"].split()]
for setting in ("pagination off", "confirm off", "width 0", "height 0"):
    run("set " + setting)
run("file gdbguest.elf")
run("target remote " + os.environ["BENCH_SOCKET"])
print(f"  paused at the start: {memory()}")

run("break loop_starts")
run("continue")
begin = icount()
run("delete")

# Forwards through the loop, stopping at each depth to time reverse-stepi there; the continues
# together are the forward replay time of the span (the stops themselves cost milliseconds).
run("break milestone")
run("break loop_ended")
forward = 0.0
for depth in depths:
    seconds, output = timed("continue")
    forward += seconds
    at = icount()
    if function() != "milestone":
        raise gdb.GdbError(f"expected to stop in milestone at depth {depth}, stopped in {function()} at {at}")
    backs = []
    for _ in range(10):
        seconds, _ = timed("reverse-stepi")
        backs.append(seconds)
    back_at = icount()
    if back_at != at - 10:
        raise gdb.GdbError(f"10 reverse-stepi from {at} reached {back_at}")
    fores = []
    for _ in range(10):
        seconds, _ = timed("stepi")
        fores.append(seconds)
    if icount() != at:
        raise gdb.GdbError(f"10 stepi did not return to {at}")
    print(f"  reverse-stepi at depth {at:>11,}: first {ms(backs[0])}, median {ms(statistics.median(backs))}, "
          f"max {ms(max(backs))} (target < 50 ms); stepi there: median {ms(statistics.median(fores))}")
seconds, output = timed("continue")
forward += seconds
end = icount()
if function() != "loop_ended":
    raise gdb.GdbError(f"expected to stop in loop_ended, stopped in {function()} at {end}")
print(f"  after the forward pass: {memory()}")

span = end - begin
print(f"  forward replay under gdb, loop_starts -> loop_ended ({span:,} instructions): {ms(forward)}")
if os.environ["BENCH_REVERSE_CONTINUE"] == "1":
    run("delete")
    run("break loop_starts")
    reverse, output = timed("reverse-continue")
    back_at = icount()
    if function() != "loop_starts" or back_at != begin:
        raise gdb.GdbError(f"reverse-continue from {end}: expected loop_starts at {begin}, stopped in {function()} at {back_at}")
    plain = float(os.environ["BENCH_PLAIN_MS"]) / 1000 * span / int(os.environ["BENCH_RECORDED"])
    print(f"  reverse-continue over the same span, no earlier hit: {ms(reverse)} = {reverse / forward:.2f} x forward "
          f"(target < 1.5); {reverse / plain:.2f} x a plain replay's share of that span ({ms(plain)})")
print(f"  at the end: {memory()}")
print("  monitor info replay: " + run("monitor info replay").strip())
run("delete")
run("disconnect")
print("bench.py: done")
EOF

start_replay "$hexemu" -kernel gdbguest.elf -append "$append" -display none -device isa-debug-exit \
  -serial file:gdb-replay.txt -icount shift=0,rr=replay,rrfile=bench.rr -gdb "unix:$work/gdb.sock" -S
measure 1 1800 fatal
stop_replay

# ---- for comparison: qemu-system-i386's reverse-stepi (its reverse-continue is not timed: it
# deadlocks more often than not, see issue 6). QEMU replays from its one snapshot at the start.
if [ "${REVERSE_BENCH_QEMU:-0}" = 1 ]; then
  qemu-img create -f qcow2 rr.qcow2 1M >/dev/null
  qemu=(qemu-system-i386 -kernel gdbguest.elf -append "$append" -display none -device isa-debug-exit -net none
    -drive file=rr.qcow2,if=none,id=rr)
  status=0
  "${qemu[@]}" -serial null -icount shift=0,rr=record,rrfile=qemu.rr,rrsnapshot=init </dev/null >/dev/null 2>stderr.txt || status=$?
  [ "$status" = 3 ] || { echo "bench/reverse.sh: qemu's recording exited with $status" >&2; cat stderr.txt >&2; exit 1; }
  echo "qemu-system-i386 for comparison (its replay of the same guest, snapshot at the start only):"
  start_replay "${qemu[@]}" -serial null -icount shift=0,rr=replay,rrfile=qemu.rr,rrsnapshot=init \
    -gdb "unix:$work/gdb.sock,server=on,wait=off" -S
  measure 0 "${REVERSE_BENCH_QEMU_LIMIT:-300}" report
  stop_replay
fi
