#!/usr/bin/env bash
# make bench: runs the bench guests on sv39 and on QEMU and compares their speed.
#
#   bash scripts/bench.sh [DIR]
#
# Each of those two runs on sv39's interpreter, on its translator (--engine jit)
# and on QEMU, with CPU seconds (user + sys) beside wall time, and the
# translator's cost: blocks translated, host microseconds per block, and the
# share of the run spent translating.
#
# DIR holds the guest ELFs `bench` (CPU-bound integer work: sieve and heapsort
# over cache-sized data) and `bench-memory` (random reads over 256 MiB, nearly
# all TLB misses); both run in U-mode under Sv39 with 4 KiB pages. Two variants
# of `bench`: `bench-sfence` (one U-mode entry per round, an sfence.vma after
# each) and `bench-mmode` (M-mode, no translation). Each is reported on its
# own line: they measure different things. Last, fork of a
# process with a 64 MiB heap on the bundled kernel, copy-on-write against an
# eager copy; and swapping: the bundled `swap` program (a working set of three
# times RAM, forked and verified) under --mem 64M --swap 512M.
#
# Then Linux: the test kernel (tests/data/linux/Image.xz) under Debian's
# OpenSBI fw_dynamic, on 1 and 2 harts: guest instructions and wall time from
# reset to the first U-mode instruction of /init (`--stop-at-user`) on both
# engines, and wall time to power-off, beside QEMU's wall time to the kernel's
# "Run /init as init process" line (its last before /init) and to power-off,
# and QEMU's instruction count to /init (tests/data/linux/until_user.c).
#
# Needs `cargo build --release` and the guest build first. The guest instruction
# count comes from sv39's --stats (QEMU runs the same instructions; its minstret
# is not exact). Fails if either run fails. Environment: SV39 and QEMU name the
# engines, BENCH_TIMEOUT caps each run in seconds (default 900).
set -euo pipefail

cd "$(dirname "$0")/.."
dir=${1:-target/guest/riscv64imac-unknown-none-elf/release}
sv39=${SV39:-target/release/sv39}
qemu=${QEMU:-qemu-system-riscv64}
limit=${BENCH_TIMEOUT:-900}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

benches=(bench bench-sfence bench-mmode bench-memory)
for b in "${benches[@]}"; do
    [[ -f $dir/$b ]] || { echo "bench: no guest ELF at $dir/$b (run cargo build --release first)" >&2; exit 1; }
done
[[ -x $sv39 ]] || { echo "bench: no emulator at $sv39 (run cargo build --release)" >&2; exit 1; }

# run NAME CMD...: runs CMD with output to $out/NAME.{out,err}, its wall time
# in seconds to $out/NAME.time and its CPU seconds (user + sys, from
# /usr/bin/time; wall time without it) to $out/NAME.cpu; on failure shows the
# output and exits.
run() {
    local name=$1 start end status=0
    shift
    echo "bench: running on $name ..." >&2
    local timer=()
    [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -o "$out/$name.cpu" -f "%U %S")
    start=$(date +%s.%N)
    "${timer[@]}" timeout "$limit" "$@" </dev/null >"$out/$name.out" 2>"$out/$name.err" || status=$?
    end=$(date +%s.%N)
    if ((status != 0)); then
        echo "bench: $name failed with status $status:" >&2
        cat "$out/$name.out" "$out/$name.err" >&2
        exit 1
    fi
    awk -v s="$start" -v e="$end" 'BEGIN { printf "%.3f\n", e - s }' >"$out/$name.time"
    if [[ -s $out/$name.cpu ]]; then
        awk 'END { printf "%.3f\n", $1 + $2 }' "$out/$name.cpu" >"$out/$name.cpu.s"
    else
        cp "$out/$name.time" "$out/$name.cpu.s"
    fi
}

printf "%-13s %-7s %20s %8s %8s %10s %14s\n" "workload" "engine" "guest instructions" "wall s" "CPU s" "MIPS(CPU)" "QEMU/engine" >"$out/table"
: >"$out/jit"
for b in "${benches[@]}"; do
    run "$b.interp" "$sv39" boot --mem 512M --stats --engine interp "$dir/$b"
    run "$b.jit" "$sv39" boot --mem 512M --stats --engine jit "$dir/$b"
    run "$b.qemu" "$qemu" -M virt -bios none -m 512M -nographic -kernel "$dir/$b"
    insns=$(awk '$1 == "instructions" { gsub(/[^0-9]/, "", $2); print $2 }' "$out/$b.interp.err")
    [[ -n $insns ]] || { echo "bench: no 'instructions' line in sv39 --stats:" >&2; cat "$out/$b.interp.err" >&2; exit 1; }
    cat "$out/$b.qemu.out"
    tq=$(cat "$out/$b.qemu.cpu.s")
    for e in interp jit qemu; do
        awk -v b="$b" -v e="$e" -v n="$insns" -v w="$(cat "$out/$b.$e.time")" -v c="$(cat "$out/$b.$e.cpu.s")" -v tq="$tq" 'BEGIN {
            ratio = e == "qemu" ? "" : sprintf("%.3f", tq / c)
            printf "%-13s %-7s %20.0f %8.2f %8.2f %10.1f %14s\n", b, e, n, w, c, n / c / 1e6, ratio
        }' >>"$out/table"
    done
    # hart0.jit blocks B insns I us-per-block U compile-share S% ...
    awk -v b="$b" '$1 == "hart0.jit" { printf "%-13s blocks %s (guest instructions %s), %s us per block, %s of the run translating\n", b, $3, $5, $7, $9 }' \
        "$out/$b.jit.err" >>"$out/jit"
done
echo
cat "$out/table"
echo "(QEMU runs the same instructions; its count is taken from sv39. MIPS from CPU seconds, which include start-up;"
echo " QEMU/engine above 1 means sv39 is faster than QEMU.)"
echo
echo "translation (--engine jit):"
cat "$out/jit"

insns_of() { awk '$1 == "instructions" { print $2 }' "$out/$1.err"; }

# The bundled kernel's program suite: its virtual-memory and process programs
# one after another in its shell (the same as tests/vm.rs and tests/programs.rs
# run), from boot to power-off, on both engines and on QEMU with the same
# kernel, initramfs and command line (`sv39 run --dump-initrd`).
suite='segv; efault; exitcode 3; vmcheck; lazy; cow; mmapfile; shm; uvm; tour; forkbench 5'
guest_os=$dir/guest-os
cmdline=$("$sv39" run --dump-initrd "$out/suite.cpio" sh -c "$suite")
for e in interp jit; do
    run "suite.$e" "$sv39" run --no-share --engine "$e" --stats sh -c "$suite"
done
run suite.qemu "$qemu" -M virt -bios none -m 128M -nographic -kernel "$guest_os" -initrd "$out/suite.cpio" -append "$cmdline"
printf "\nthe bundled kernel's program suite (%s)\n" "$suite"
printf "%-7s %20s %8s %8s %14s %14s\n" "engine" "guest instructions" "wall s" "CPU s" "interp/engine" "QEMU/engine"
for e in interp jit qemu; do
    src=$e
    [[ $e == qemu ]] && src=interp
    awk -v e="$e" -v n="$(insns_of "suite.$src")" -v w="$(cat "$out/suite.$e.time")" -v c="$(cat "$out/suite.$e.cpu.s")" \
        -v ti="$(cat "$out/suite.interp.cpu.s")" -v tq="$(cat "$out/suite.qemu.cpu.s")" 'BEGIN {
        printf "%-7s %20.0f %8.2f %8.2f %14.2f %14.2f\n", e, n, w, c, ti / c, tq / c
    }'
done
awk '$1 == "hart0.jit" { printf "translation: blocks %s, %s us per block, %s of the run translating, %s jumps through the table\n", $3, $7, $9, $15 }' \
    "$out/suite.jit.err"

# fork+exit+wait of a process with a 64 MiB heap (the bundled `forkbench`), on
# the bundled kernel: copy-on-write against an eager copy (booted `nocow`).
# Each figure is per fork: (N forks - 0 forks) / N, so filling the heap and
# booting do not count. BENCH_FORKS sets N (default 20).
forks=${BENCH_FORKS:-20}
printf "\n%-28s %20s %12s\n" "fork+exit+wait, 64 MiB heap" "guest instructions" "wall ms" >"$out/forks"
for mode in cow nocow; do
    append=()
    [[ $mode == nocow ]] && append=(--append nocow)
    for k in 0 "$forks"; do
        run "fork-$mode-$k" "$sv39" run --mem 256M --stats "${append[@]}" forkbench "$k"
    done
    awk -v m="$mode" -v n="$forks" -v i0="$(insns_of "fork-$mode-0")" -v i1="$(insns_of "fork-$mode-$forks")" \
        -v t0="$(cat "$out/fork-$mode-0.time")" -v t1="$(cat "$out/fork-$mode-$forks.time")" 'BEGIN {
        what = m == "cow" ? "copy-on-write" : "eager copy (nocow)"
        printf "%-28s %20.0f %12.2f\n", what, (i1 - i0) / n, (t1 - t0) * 1000 / n
    }' >>"$out/forks"
done
cat "$out/forks"

# Swapping: `swap` under --mem 64M --swap 512M touches three times the RAM
# (fill, fork, the child reads and writes, the parent reads again). Its last
# lines give the run's pswpout, pswpin and pgmajfault (from /proc/vmstat).
run swap "$sv39" run --mem 64M --swap 512M --stats swap
swapped=$(awk '/^swap: in all:/ { gsub(/[+,]/, ""); for (i = 1; i < NF; i++) v[$i] = $(i + 1); print v["pswpout"], v["pswpin"], v["pgmajfault"] }' "$out/swap.out")
[[ -n $swapped ]] || { echo "bench: no 'swap: in all' line:" >&2; cat "$out/swap.out" >&2; exit 1; }
read -r pswpout pswpin majflt <<<"$swapped"
awk -v o="$pswpout" -v i="$pswpin" -v m="$majflt" -v n="$(insns_of swap)" -v t="$(cat "$out/swap.time")" \
    -v ws="$(awk '/^swap: a working set of/ { print $6 }' "$out/swap.out")" 'BEGIN {
    printf "\nswap, %s MiB working set under --mem 64M --swap 512M (%.2f s wall, %.0f guest instructions)\n", ws, t, n
    printf "%-36s %12s %14s\n", "", "pages", "pages per s"
    printf "%-36s %12.0f %14.0f\n", "swapped out (pswpout)", o, o / t
    printf "%-36s %12.0f %14.0f\n", "swapped in (pswpin)", i, i / t
    printf "%-36s %12.0f %14s\n", "major faults (pgmajfault)", m, ""
    printf "%-36s %12.0f\n", "guest instructions per major fault", n / m
}'

# Linux to /init and to power-off (see the top of this file). QEMU 7.2 as
# Debian ships it has no TCG plugins to count instructions with, so QEMU gets
# wall times only: to the line the kernel prints just before exec'ing /init.
fw=/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin
if [[ ! -f $fw ]]; then
    echo
    echo "linux: $fw is missing (apt-get install opensbi): skipped"
    exit 0
fi
xz -dc tests/data/linux/Image.xz >"$out/Image"
linux=(--bios "$fw" --kernel "$out/Image" --append console=ttyS0 --mem 256M)
# qemu_until_init NAME HARTS: QEMU's wall time to "Run /init" in $out/NAME.init.
qemu_until_init() {
    local start
    start=$(date +%s.%N)
    timeout "$limit" "$qemu" -M virt -m 256M -smp "$2" -nographic -bios "$fw" -kernel "$out/Image" -append console=ttyS0 </dev/null |
        while IFS= read -r line; do
            if [[ $line == *"Run /init as init process"* ]]; then
                awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f\n", e - s }' >"$out/$1.init"
            fi
        done
}
printf "\n%-22s %-7s %20s %14s %14s\n" "Linux 6.1 + OpenSBI" "engine" "insns to /init" "wall s /init" "wall s off" >"$out/linux"
for h in 1 2; do
    for e in interp jit; do
        run "linux$h.$e.init" "$sv39" boot --engine "$e" --harts "$h" --stop-at-user "${linux[@]}"
        run "linux$h.$e" "$sv39" boot --engine "$e" --harts "$h" "${linux[@]}"
        n=$(awk '/enters U-mode/ { for (i = 1; i < NF; i++) if ($(i + 1) == "instructions") print $i }' "$out/linux$h.$e.init.err")
        printf "%-22s %-7s %20s %14s %14s\n" "--harts $h" "$e" "$n" "$(cat "$out/linux$h.$e.init.time")" \
            "$(cat "$out/linux$h.$e.time")" >>"$out/linux"
    done
    qemu_until_init "linux$h.qemu" "$h"
    run "linux$h.qemu" "$qemu" -M virt -m 256M -smp "$h" -nographic -bios "$fw" -kernel "$out/Image" -append console=ttyS0
    printf "%-22s %-7s %20s %14s %14s\n" "-smp $h" "qemu" "-" "$(cat "$out/linux$h.qemu.init" 2>/dev/null || echo '?')" \
        "$(cat "$out/linux$h.qemu.time")" >>"$out/linux"
done
# QEMU's instructions to /init, one hart: the until_user plugin counts to the
# first instruction at a user address (-singlestep, -icount: see its source),
# with QEMU's own device tree and with sv39's (-dtb).
if cc -shared -fPIC -O2 -o "$out/until_user.so" tests/data/linux/until_user.c 2>"$out/cc.err"; then
    run linux-dtb "$sv39" boot --dumpdtb "$out/sv39.dtb" "${linux[@]}"
    qemu_count=(-singlestep -icount shift=3,sleep=off -plugin "$out/until_user.so")
    for tree in qemu sv39; do
        dtb=()
        [[ $tree == sv39 ]] && dtb=(-dtb "$out/sv39.dtb")
        run "linux1.count.$tree" "$qemu" -M virt -m 256M -smp 1 -nographic -bios "$fw" -kernel "$out/Image" \
            -append console=ttyS0 "${dtb[@]}" "${qemu_count[@]}"
        n=$(awk '/^until_user:/ { print $(NF - 1) }' "$out/linux1.count.$tree.err")
        printf "%-22s %-7s %20s %14s %14s\n" "-smp 1, $tree's tree" "qemu" "$n" "-" "-" >>"$out/linux"
    done
else
    echo "linux: cc cannot build the QEMU plugin: $(cat "$out/cc.err")" >>"$out/linux"
fi
cat "$out/linux"
echo "(sv39: to the first U-mode instruction, all harts' instructions; QEMU wall s: to the kernel's 'Run /init'"
echo " line; QEMU instructions: until_user.c, one hart, -icount shift=3 (8 ns an instruction; sv39's are 10 ns).)"
