#!/usr/bin/env bash
# Startup overhead: how long hexemu takes to run a guest that exits at once, next to
# qemu-system-i386 on the same guest and command line. hexemu is published ReadyToRun (as a
# release would ship it), so the JIT does not compile the emulator at every start.
#   bash bench/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
out=out/bench-startup
dotnet publish src/Host -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$out" >/dev/null
make -s -C tests/guests hello.rom

args=(-bios tests/guests/hello.rom -display none -debugcon null -device isa-debug-exit,iobase=0xf4,iosize=0x04)

# Median wall time of $runs starts, in milliseconds.
median_ms() {
  local times=()
  for ((i = 0; i < runs; i++)); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(((end - start) / 1000000)))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

hexemu_ms=$(median_ms "$out/hexemu" "${args[@]}")
echo "hexemu: ${hexemu_ms} ms median of $runs starts"
if command -v qemu-system-i386 >/dev/null; then
  qemu_ms=$(median_ms qemu-system-i386 "${args[@]}")
  echo "qemu-system-i386: ${qemu_ms} ms median of $runs starts"
  awk -v h="$hexemu_ms" -v q="$qemu_ms" 'BEGIN {printf "hexemu / qemu: %.2f\n", h / q}'
fi
