# sv39: `make run` boots the bundled demo, `make test` runs every test,
# `make bench` prints the performance figures. Each installs what is missing.

GUEST_TARGET := riscv64imac-unknown-none-elf
GUEST_BIN    := target/guest/$(GUEST_TARGET)/release
SV39         := target/release/sv39
CARGO        ?= cargo

.PHONY: all setup build run test bench clean

all: build

# The riscv64 target for the guest programs, and QEMU for the cross-checks
# (system mode for the board, user mode for the Linux programs, cpio to read
# the initramfs back); cmake builds the C types crate under Berkeley SoftFloat
# (softfloat-sys, the F/D arithmetic).
setup:
	@rustup target list --installed 2>/dev/null | grep -qx '$(GUEST_TARGET)' \
		|| rustup target add $(GUEST_TARGET)
	@command -v qemu-system-riscv64 >/dev/null 2>&1 && command -v qemu-riscv64 >/dev/null 2>&1 \
		&& command -v cpio >/dev/null 2>&1 && command -v cmake >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing qemu-system-misc, qemu-user and cpio for the cross-checks, cmake for SoftFloat's build"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-system-misc qemu-user cpio cmake >/dev/null; \
		else \
			echo "note: QEMU, cpio or cmake is missing; as root, make installs them (apt-get install qemu-system-misc qemu-user cpio cmake)"; \
		fi; }

build: setup
	$(CARGO) build --release

run: build
	$(SV39) boot $(GUEST_BIN)/mmu-demo

test: setup
	$(CARGO) test --release --workspace

bench: build
	bash scripts/bench.sh $(GUEST_BIN)

clean:
	$(CARGO) clean
