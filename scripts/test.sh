#!/usr/bin/env bash
# Runs every HexEmu test. On a fresh Debian machine it first installs the tools the tests use
# (run as root, or install them yourself: see README). Ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

need=()
command -v nasm >/dev/null 2>&1 || need+=(nasm)
command -v make >/dev/null 2>&1 || need+=(make)
command -v gcc >/dev/null 2>&1 || need+=(gcc) # the Multiboot C test guests (gcc -m32 -ffreestanding: no multilib needed)
command -v qemu-system-i386 >/dev/null 2>&1 || need+=(qemu-system-x86) # the instruction oracle (QemuOracleTests)
command -v qemu-img >/dev/null 2>&1 || need+=(qemu-utils) # the judge of our qcow2 images (qemu-img check/info/snapshot)
command -v gdb >/dev/null 2>&1 || need+=(gdb) # the real debugger the GDB stub tests drive (tests/Host.Tests/Gdb)
command -v objdump >/dev/null 2>&1 || need+=(binutils) # the gdb tests' independent reading of the guest's code
command -v node >/dev/null 2>&1 || need+=(nodejs) # runs Azurite, the blob storage the Azure adapter's tests talk to
command -v npm >/dev/null 2>&1 || need+=(npm) # installs Azurite from tools/azurite's committed lock file
if ((${#need[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "installing: ${need[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
      || { echo "could not install ${need[*]}"; echo "0 passed, 1 failed"; exit 1; }
  else
    echo "missing tools: ${need[*]} (apt-get install ${need[*]})"; echo "0 passed, 1 failed"; exit 1
  fi
fi

# Azurite (npm azurite, exact versions in tools/azurite/package-lock.json); the tests start it.
if [ ! -d tools/azurite/node_modules ]; then
  npm ci --prefix tools/azurite --no-audit --no-fund >/dev/null || { echo "could not install Azurite (npm ci --prefix tools/azurite)"; echo "0 passed, 1 failed"; exit 1; }
fi

# Test guests are rebuilt from their sources, so a test never runs a stale binary.
make -s -C tests/guests || { echo "0 passed, 1 failed"; exit 1; }

mkdir -p out
dotnet test HexEmu.sln -c Release 2>&1 | tee out/test.log
status=${PIPESTATUS[0]}

# dotnet test prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, ...".
read -r passed failed skipped assemblies < <(
  grep -E '(Passed|Failed)!  - Failed: ' out/test.log | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' |
    awk '{p+=$1; f+=$2; s+=$3; n++} END {print p+0, f+0, s+0, n+0}')
expected=$(find tests -name '*.Tests.csproj' | wc -l)
if [ "$assemblies" -lt "$expected" ]; then
  echo "only $assemblies of $expected test assemblies reported results (build failure?)"
  failed=$((failed + expected - assemblies))
  status=1
fi
if [ "$skipped" -gt 0 ]; then
  echo "$skipped tests were skipped: every test must run"
  status=1
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
