#!/usr/bin/env bash
# Record/replay cost (issue 4): a CPU-bound guest (tests/guests/rrbench.elf, the PIT at 1000 Hz)
# timed with plain -icount, while recording, and while replaying that recording — each the
# median wall time of N runs — and the replay log's size per recorded input event for an
# input-heavy run (tests/guests/rrguest.elf fed a few thousand bytes on stdin).
#   bash bench/rr.sh [runs] [rounds]        (defaults: 5 runs, 4000 rounds ≈ 400 M instructions)
# The goal: record and replay each at least 90 % of the plain run's speed (ratio ≥ 0.90).
# RR_BENCH_QEMU=1 adds qemu-system-i386's figures for the same command lines, for reference.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
rounds=${2:-4000}
input_bytes=${RR_BENCH_INPUT_BYTES:-4000}
shift_n=0

make -s -C tests/guests rrbench.elf rrguest.elf
out=out/bench-rr
dotnet publish src/Host -c Release -o "$out/hexemu" >/dev/null
hexemu=${RR_BENCH_HEXEMU:-$out/hexemu/hexemu} # (RR_BENCH_HEXEMU: run the script's timing part against another binary)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

guest=(-kernel tests/guests/rrbench.elf -append "rounds=$rounds" -display none -device isa-debug-exit)

# Runs "$@" once; prints its wall time in ms; fails unless it exits with status 3 (the guest's).
timed_run() {
  local start end status=0
  start=$(date +%s%N)
  "$@" </dev/null >/dev/null 2>"$work/stderr" || status=$?
  end=$(date +%s%N)
  if [ "$status" != 3 ]; then
    echo "bench/rr.sh: exit status $status, expected 3: $*" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
  echo $(((end - start) / 1000000))
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Median of $runs runs of mode $2 ("plain", "record", "replay") under emulator $1; each record
# run writes a fresh log, which the replays then read.
measure() {
  local emulator=$1 mode=$2 icount t times=()
  for ((i = 0; i < runs; i++)); do
    case $mode in
      plain) icount="shift=$shift_n" ;;
      record) icount="shift=$shift_n,rr=record,rrfile=$work/bench.rr" ;;
      replay) icount="shift=$shift_n,rr=replay,rrfile=$work/bench.rr" ;;
    esac
    t=$(timed_run "$emulator" "${guest[@]}" -serial "file:$work/$mode.txt" -icount "$icount") || return 1
    times+=("$t")
  done
  printf '%s\n' "${times[@]}" | median
}

report() {
  local name=$1 emulator=$2 plain record replay
  plain=$(measure "$emulator" plain) || exit 1
  record=$(measure "$emulator" record) || exit 1
  replay=$(measure "$emulator" replay) || exit 1
  # All three runs compute the same thing: the guest's result line must agree.
  cmp -s "$work/plain.txt" "$work/record.txt" || { echo "$name: recording printed other output than the plain run" >&2; exit 1; }
  cmp -s "$work/record.txt" "$work/replay.txt" || { echo "$name: replay printed other output than the recording" >&2; exit 1; }
  echo "$name: rrbench.elf rounds=$rounds, -icount shift=$shift_n, median of $runs runs (wall time, startup included)"
  echo "  plain   ${plain} ms"
  echo "  record  ${record} ms"
  echo "  replay  ${replay} ms"
  awk -v p="$plain" -v r="$record" -v q="$replay" \
    'BEGIN {printf "  speed vs plain: record %.2f, replay %.2f (goal: >= 0.90 each)\n", p / r, p / q}'
  echo "  guest: $(tr -d '\r' <"$work/replay.txt" | tail -1); log $(stat -c %s "$work/bench.rr") bytes"
}

report hexemu "$hexemu"
if [ "${RR_BENCH_QEMU:-0}" = 1 ] && command -v qemu-system-i386 >/dev/null; then
  report qemu-system-i386 qemu-system-i386
fi

# ---- log bytes per input event: rrguest.elf typed at through stdin, as fast as it takes it ----
python3 - "$input_bytes" >"$work/input.txt" <<'EOF'
import random, sys
n = int(sys.argv[1])
rng = random.Random(1)
alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 "
sys.stdout.write("".join("\n" if rng.random() < 0.1 else rng.choice(alphabet) for _ in range(n - 1)) + "~")
EOF
status=0
"$hexemu" -kernel tests/guests/rrguest.elf -display none -device isa-debug-exit -serial stdio \
  -icount "shift=3,rr=record,rrfile=$work/input.rr" <"$work/input.txt" >"$work/input-out.txt" 2>"$work/stderr" || status=$?
expected=$(python3 -c "import sys; d=open(sys.argv[1],'rb').read(); s=sum(d[:-1]) & 0xFFFF; print(((0x20 | (s & 0x1F)) << 1) | 1)" "$work/input.txt")
if [ "$status" != "$expected" ]; then
  echo "bench/rr.sh: input-heavy recording exited with $status, expected $expected" >&2
  cat "$work/stderr" >&2
  exit 1
fi
# The log's events, walked with its documented layout (src/Domain/Replay/ReplayLogFormat.cs).
python3 - "$work/input.rr" <<'EOF'
import struct, sys
log = open(sys.argv[1], "rb").read()
def u32(p): return struct.unpack_from(">I", log, p)[0]
p = 8
p += 4 + u32(p)
images = u32(p); p += 4
for _ in range(images * 3): p += 4 + u32(p)
p += 4
header = p
sizes = {0x00: 5, 0x16: 9, 0x17: 9, 0x18: 14, 0x21: 1}
names = {0x00: "instruction counts", 0x03: "serial input", 0x16: "host clock", 0x17: "idle warps",
         0x18: "checkpoints", 0x21: "end"}
count, size, data_bytes = {}, {}, 0
while p < len(log):
    i = log[p]
    if i == 0x03:
        n = 7 + u32(p + 3); data_bytes += n - 7
    elif 0x04 <= i <= 0x0E:
        n = 5; names[i] = "shutdown"
    elif i in sizes:
        n = sizes[i]
    else:
        sys.exit(f"unknown event id 0x{i:02x} at offset {p}: bench/rr.sh's layout needs updating")
    count[i] = count.get(i, 0) + 1; size[i] = size.get(i, 0) + n
    p += n
inputs = count.get(0x03, 0)
print(f"input-heavy recording: rrguest.elf, {data_bytes} bytes typed, log {len(log)} bytes (header {header})")
for i in sorted(count):
    print(f"  {names.get(i, hex(i)):20} {count[i]:7} events {size[i]:9} bytes")
if inputs:
    print(f"  log bytes per input event: {len(log) / inputs:.1f} (events carry {data_bytes / inputs:.2f} bytes each); "
          f"per input byte: {len(log) / data_bytes:.1f}")
EOF
# The replay of it must print what the recording printed.
"$hexemu" -kernel tests/guests/rrguest.elf -display none -device isa-debug-exit -serial "file:$work/input-replay.txt" \
  -icount "shift=3,rr=replay,rrfile=$work/input.rr" 2>"$work/stderr" || true
cmp "$work/input-out.txt" "$work/input-replay.txt" && echo "  replay of it: same output" || { cat "$work/stderr" >&2; exit 1; }
