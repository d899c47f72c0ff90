#!/usr/bin/env bash
# Startup overhead: how long hexemu takes to run a guest that exits at once, next to
# qemu-system-i386 on the same guest and command line. hexemu is measured as a release would
# ship it: published ahead of time (Native AOT, which needs clang or gcc as the linker), and
# for comparison ReadyToRun (JIT runtime with precompiled code).
#   bash bench/startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
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

dotnet publish src/Host -c Release -r linux-x64 -p:PublishAot=true -o out/bench-aot >/dev/null
dotnet publish src/Host -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o out/bench-r2r >/dev/null
aot=$(median_ms out/bench-aot/hexemu "${args[@]}")
r2r=$(median_ms out/bench-r2r/hexemu "${args[@]}")
echo "hexemu (Native AOT): ${aot} ms median of $runs starts"
echo "hexemu (ReadyToRun): ${r2r} ms median of $runs starts"
if command -v qemu-system-i386 >/dev/null; then
  qemu=$(median_ms qemu-system-i386 "${args[@]}")
  echo "qemu-system-i386:    ${qemu} ms median of $runs starts"
  awk -v a="$aot" -v r="$r2r" -v q="$qemu" 'BEGIN {printf "hexemu / qemu: %.2f (AOT), %.2f (ReadyToRun)\n", a / q, r / q}'
fi
