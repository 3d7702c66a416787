#!/usr/bin/env bash
# make bench: runs the bench guest on sv39 and on QEMU and compares their speed.
#
#   bash scripts/bench.sh [ELF]
#
# Needs `cargo build --release` and the guest build first. The guest instruction
# count comes from sv39's --stats (QEMU runs the same instructions; its minstret
# is not exact). Fails if either run fails. Environment: SV39 and QEMU name the
# engines, BENCH_TIMEOUT caps each run in seconds (default 900).
set -euo pipefail

cd "$(dirname "$0")/.."
elf=${1:-guest-programs/target/riscv64imac-unknown-none-elf/release/bench}
sv39=${SV39:-target/release/sv39}
qemu=${QEMU:-qemu-system-riscv64}
limit=${BENCH_TIMEOUT:-900}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

[[ -f $elf ]] || { echo "bench: no guest ELF at $elf (build guest-programs first)" >&2; exit 1; }
[[ -x $sv39 ]] || { echo "bench: no emulator at $sv39 (run cargo build --release)" >&2; exit 1; }

# run NAME CMD...: runs CMD with output to $out/NAME.{out,err} and its wall time
# in seconds to $out/NAME.time; on failure shows the output and exits.
run() {
    local name=$1 start end status=0
    shift
    echo "bench: running on $name ..." >&2
    start=$(date +%s.%N)
    timeout "$limit" "$@" </dev/null >"$out/$name.out" 2>"$out/$name.err" || status=$?
    end=$(date +%s.%N)
    if ((status != 0)); then
        echo "bench: $name failed with status $status:" >&2
        cat "$out/$name.out" "$out/$name.err" >&2
        exit 1
    fi
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }' >"$out/$name.time"
}

run sv39 "$sv39" boot --mem 512M --stats "$elf"
run qemu "$qemu" -M virt -bios none -m 512M -nographic -kernel "$elf"

insns=$(awk '$1 == "instructions" { gsub(/[^0-9]/, "", $2); print $2 }' "$out/sv39.err")
[[ -n $insns ]] || { echo "bench: no 'instructions' line in sv39 --stats:" >&2; cat "$out/sv39.err" >&2; exit 1; }

cat "$out/qemu.out"
awk -v n="$insns" -v ts="$(cat "$out/sv39.time")" -v tq="$(cat "$out/qemu.time")" 'BEGIN {
    printf "\n%-8s %20s %10s %10s\n", "engine", "guest instructions", "wall s", "MIPS"
    printf "%-8s %20.0f %10.2f %10.1f\n", "sv39", n, ts, n / ts / 1e6
    printf "%-8s %20.0f %10.2f %10.1f\n", "qemu", n, tq, n / tq / 1e6
    printf "sv39/QEMU speed ratio: %.3f\n", tq / ts
}'
