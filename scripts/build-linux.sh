#!/bin/sh
# Builds the test Linux kernel of tests/linux_boot.rs from Debian's
# linux-source-6.1: tinyconfig plus tests/data/linux/kernel.config, with
# tests/data/linux/init.c as a built-in initramfs. `make linux-image` runs it
# and stores the xz-compressed Image in tests/data/linux/.
#   usage: scripts/build-linux.sh WORKDIR OUT_IMAGE
set -eu
work=$1
out=$2
here=$(cd "$(dirname "$0")/.." && pwd)
data=$here/tests/data/linux
src=/usr/src/linux-source-6.1.tar.xz
cross=riscv64-linux-gnu-

[ -f "$src" ] || { echo "build-linux: $src is missing (apt-get install linux-source-6.1)" >&2; exit 1; }
mkdir -p "$work"
tree=$work/linux-source-6.1
[ -d "$tree" ] || tar -C "$work" -xf "$src"

${cross}gcc -static -O2 -Wall -o "$work/init" "$data/init.c"
${cross}strip "$work/init"
cat > "$tree/initramfs.list" <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
file /init $work/init 0755 0 0
LIST

cd "$tree"
make -s ARCH=riscv CROSS_COMPILE=$cross tinyconfig
./scripts/kconfig/merge_config.sh -m .config "$data/kernel.config" >/dev/null
make -s ARCH=riscv CROSS_COMPILE=$cross olddefconfig
# Every option asked for must have survived olddefconfig's dependency checks.
grep '^CONFIG_.*=y' "$data/kernel.config" | while read -r opt; do
    grep -qx "$opt" .config || { echo "build-linux: $opt was dropped by kconfig" >&2; exit 1; }
done
make -s ARCH=riscv CROSS_COMPILE=$cross -j"$(nproc)" Image
cp arch/riscv/boot/Image "$out"
echo "build-linux: $out ($(wc -c < "$out") bytes)"
