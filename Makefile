# sv39: `make run` boots the bundled kernel and runs the tour, `make test` runs every test,
# `make bench` prints the performance figures. Each installs what is missing.

GUEST_TARGET  := riscv64imac-unknown-none-elf
GUEST_BIN     := target/guest/$(GUEST_TARGET)/release
SV39          := target/release/sv39
CARGO         ?= cargo
# Static riscv64 Linux programs (linux-programs/): Rust std, and C with Debian's
# cross gcc and static glibc, built as users build theirs.
LINUX_TARGET  := riscv64gc-unknown-linux-gnu
LINUX_SYSROOT := /usr/riscv64-linux-gnu

.PHONY: all setup build run test bench clean linux-programs linux-image

all: build

# The riscv64 targets for the guest programs and the Linux programs; QEMU for
# the cross-checks (system mode for the board, user mode for the Linux
# programs, cpio to read the initramfs back); cmake builds the C types crate
# under Berkeley SoftFloat (softfloat-sys, the F/D arithmetic); Debian's
# riscv64 cross gcc and static glibc for the C Linux programs; gdb-multiarch
# drives `--gdb` in tests/gdb.rs; Debian's OpenSBI firmware is booted by
# tests/opensbi.rs.
setup:
	@for t in $(GUEST_TARGET) $(LINUX_TARGET); do \
		rustup target list --installed 2>/dev/null | grep -qx "$$t" || rustup target add "$$t"; done
	@command -v qemu-system-riscv64 >/dev/null 2>&1 && command -v qemu-riscv64 >/dev/null 2>&1 \
		&& command -v cpio >/dev/null 2>&1 && command -v cmake >/dev/null 2>&1 \
		&& command -v riscv64-linux-gnu-gcc >/dev/null 2>&1 && [ -e $(LINUX_SYSROOT)/lib/libc.a ] \
		&& command -v gdb-multiarch >/dev/null 2>&1 \
		&& [ -e /usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf ] || { \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing qemu-system-misc, qemu-user and cpio for the cross-checks, cmake for SoftFloat's build, gcc-riscv64-linux-gnu and libc6-dev-riscv64-cross for the Linux programs, gdb-multiarch for the --gdb test, opensbi for the firmware test"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				qemu-system-misc qemu-user cpio cmake gcc-riscv64-linux-gnu libc6-dev-riscv64-cross gdb-multiarch opensbi >/dev/null; \
		else \
			echo "note: QEMU, cpio, cmake, the riscv64 cross gcc or gdb-multiarch or opensbi is missing; as root, make installs them (apt-get install qemu-system-misc qemu-user cpio cmake gcc-riscv64-linux-gnu libc6-dev-riscv64-cross gdb-multiarch opensbi)"; \
		fi; }

build: setup
	$(CARGO) build --release

# The bundled kernel runs the tour: processes, page faults, pages mapped.
run: build
	$(SV39) run tour

# The host workspace (tests/jit.rs compares the two engines; everything else
# runs on the default engine, the translator on x86-64); the guest suites,
# the conformance suite, the random-instruction property and the bundled
# kernel's programs again on the interpreter, the reference
# (SV39_ENGINE=interp); then
# the kernel's pure logic (page tables, VMAs, page cache, cpio...) tested on
# the host against a checking fake memory.
test: setup
	$(CARGO) test --release --workspace
	SV39_ENGINE=interp $(CARGO) test --release --test guest_suite --test conformance --test random_instructions \
		--test programs --test vm_programs --test vm
	cd guest-programs && $(CARGO) test --target x86_64-unknown-linux-gnu -p guest-os --lib

# The static riscv64 Linux programs (linux-programs/) in target/linux-programs/;
# tests/linux_programs.rs runs the same make itself, so `cargo test` alone
# judges the current sources.
linux-programs: setup
	$(MAKE) -s -C linux-programs OUT=$(CURDIR)/target/linux-programs

# The test kernel of tests/linux_boot.rs, rebuilt from Debian's linux-source-6.1
# (tinyconfig + tests/data/linux/kernel.config, init.c as its initramfs; ~15
# minutes on 2 cores) and stored xz-compressed with its checksums. Only this
# target needs the kernel source and flex/bison/bc; `make test` uses the
# committed Image.xz.
LINUX_WORK := target/linux-build
linux-image: setup
	@[ -e /usr/src/linux-source-6.1.tar.xz ] && command -v flex >/dev/null 2>&1 && command -v bison >/dev/null 2>&1 \
		&& command -v bc >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing linux-source-6.1, flex, bison and bc for the kernel build"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-source-6.1 flex bison bc >/dev/null; \
		else \
			echo "note: as root, make installs linux-source-6.1 flex bison bc (apt-get install linux-source-6.1 flex bison bc)"; exit 1; \
		fi; }
	sh scripts/build-linux.sh $(CURDIR)/$(LINUX_WORK) $(CURDIR)/$(LINUX_WORK)/Image
	xz -9 -c $(LINUX_WORK)/Image > tests/data/linux/Image.xz
	cd tests/data/linux && sha256sum Image.xz > SHA256SUMS && xz -dc Image.xz | sha256sum | sed 's/ -$$/ Image/' >> SHA256SUMS

bench: build
	bash scripts/bench.sh $(GUEST_BIN)

clean:
	$(CARGO) clean
