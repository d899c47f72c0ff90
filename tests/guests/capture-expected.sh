#!/usr/bin/env bash
# Captures the *.expected files from qemu-system-i386, the reference, with the command lines
# the end-to-end tests use (hexemu must print the same bytes and exit with the same status).
# Every guest exits through isa-debug-exit with status 3 when all its checks pass.
set -euo pipefail
cd "$(dirname "$0")"
QEMU=${QEMU:-qemu-system-i386}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() { # name, expected status, command...
  local name=$1 want=$2 status=0
  shift 2
  "$@" || status=$?
  [ "$status" = "$want" ] || { echo "$name: exit status $status, expected $want" >&2; exit 1; }
}

run devices 3 "$QEMU" -m 128 -kernel devices.elf -display none -serial file:devices.expected \
  -debugcon "file:$tmp/devices.debugcon" -device isa-debug-exit </dev/null
# isa-debugcon gets the same lines without the carriage returns.
tr -d '\r' <devices.expected | cmp - "$tmp/devices.debugcon"

run timer 3 "$QEMU" -kernel timer.elf -display none -serial file:timer.expected \
  -device isa-debug-exit </dev/null

run irqecho 3 "$QEMU" -kernel irqecho.elf -display none -serial stdio \
  -device isa-debug-exit <irqecho.input >irqecho.expected

cp ata.img "$tmp/primary.img"
cp ata.img "$tmp/secondary.img"
run ata 3 "$QEMU" -kernel ata.elf -display none -serial file:ata.expected -device isa-debug-exit \
  -drive "file=$tmp/primary.img,format=raw,if=ide,index=0" \
  -drive "file=$tmp/secondary.img,format=raw,if=ide,index=2" </dev/null
cmp ata.img "$tmp/primary.img" # the guest puts back every sector it wrote

run kludge 3 "$QEMU" -kernel kludge.bin -display none -serial file:kludge.expected \
  -device isa-debug-exit </dev/null

# minios only reads its disk, but QEMU opens it writable: give it a copy too.
cp ata.img "$tmp/minios.img"
run minios 3 "$QEMU" -m 128 -kernel minios.elf -display none -serial file:minios.expected \
  -device isa-debug-exit -drive "file=$tmp/minios.img,format=raw,if=ide,index=0" </dev/null
echo "captured: devices timer irqecho ata kludge minios"
