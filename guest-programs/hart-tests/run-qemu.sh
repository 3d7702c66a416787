#!/bin/sh
# Builds the hart tests and runs each on QEMU 7.2's virt board; prints one line
# per test and exits non-zero if any failed. Usage: run-qemu.sh [test-name...]
# Bins named qemubug_* check a rule QEMU 7.2 breaks: they must fail here.
set -u
cd "$(dirname "$0")/.." || exit 2
log=$(cargo build --release -p hart-tests 2>&1) || { echo "$log"; exit 2; }
echo "$log" | grep -q '^warning' && echo "$log"
dir=target/riscv64imac-unknown-none-elf/release
names=${*:-$(ls hart-tests/src/bin | sed -n 's/\.rs$//p')}
fail=0
for t in $names; do
    out=$(timeout 10 qemu-system-riscv64 -M virt -bios none -m 128M -nographic -kernel "$dir/$t" 2>&1)
    rc=$?
    case $t in qemubug_*) bug=1 ;; *) bug=0 ;; esac
    if [ $rc -eq 0 ] && [ $bug -eq 0 ]; then
        echo "pass      $t"
    elif [ $rc -ne 0 ] && [ $rc -ne 124 ] && [ $bug -eq 1 ]; then
        echo "qemubug   $t (status $rc, failing on QEMU as expected)"
        echo "$out" | sed 's/^/      /'
    else
        echo "FAIL      $t (status $rc)"
        echo "$out" | sed 's/^/      /'
        fail=1
    fi
done
exit $fail
