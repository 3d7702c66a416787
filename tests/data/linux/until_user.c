/* A TCG plugin for QEMU 7.2 (plugin API version 1) that counts the guest
 * instructions executed on every vCPU up to the first one at a user address,
 * [0x10000, 0x8000_0000): below lie the MROM, above it OpenSBI (M-mode, from
 * 0x8000_0000) and Linux (S-mode, in the top of the address space). It then
 * prints the count on stderr and ends QEMU. Run it with -singlestep (one instruction a
 * block, so a block that traps half-way is not counted whole) and -icount
 * (time from instructions, as sv39's). tests/linux_boot.rs compares the count
 * with sv39's --stop-at-user.
 *   cc -shared -fPIC -O2 -o until_user.so until_user.c
 * The few declarations it needs from QEMU's plugin API are written out here,
 * so it builds without QEMU's headers. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define USER_LOW 0x10000ull
#define USER_HIGH 0x80000000ull

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
struct qemu_info_t;
enum { QEMU_PLUGIN_CB_NO_REGS = 0 };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id,
                                           void (*cb)(qemu_plugin_id_t, struct qemu_plugin_tb *));
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, void (*cb)(unsigned int, void *),
                                          int flags, void *userdata);

EXPORT int qemu_plugin_version = 1;

/* Instructions executed so far, all vCPUs (each runs on its own thread). */
static uint64_t executed;

/* A block's data: its instruction count, times two, plus one if it is user code. */
static void on_exec(unsigned int vcpu, void *data) {
    uintptr_t d = (uintptr_t)data;
    if (d & 1) {
        fprintf(stderr, "until_user: vcpu %u enters user code after %llu instructions\n", vcpu,
               (unsigned long long)__atomic_load_n(&executed, __ATOMIC_SEQ_CST));
        fflush(stderr);
        _exit(0);
    }
    __atomic_fetch_add(&executed, d >> 1, __ATOMIC_SEQ_CST);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
    uint64_t pc = qemu_plugin_tb_vaddr(tb);
    uintptr_t user = pc >= USER_LOW && pc < USER_HIGH;
    uintptr_t data = (uintptr_t)qemu_plugin_tb_n_insns(tb) << 1 | user;
    (void)id;
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_exec, QEMU_PLUGIN_CB_NO_REGS, (void *)data);
}

EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const struct qemu_info_t *info, int argc, char **argv) {
    (void)info, (void)argc, (void)argv;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    return 0;
}
