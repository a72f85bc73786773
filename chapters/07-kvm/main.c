/* SPDX-License-Identifier: MIT */
/* Chapter 7: the same machine, split the way KVM and QEMU split it. The
 * kernel's KVM owns VMX (VMXON, the VMCS, VM entry and exit, EPT) behind
 * /dev/kvm; this program is the VMM in user space: it owns guest RAM and
 * the devices (chapter 4's, unchanged), and runs one thread per vCPU, each
 * looping on KVM_RUN.
 *
 *   stepvisor-kvm GUEST.bin DISK.img   chapter 4's guest, one vCPU
 *   stepvisor-kvm --smp GUEST.bin      two vCPUs (guests/kvm_smp/)
 *
 *   stepvisor-kvm GUEST_IRQ.bin DISK.img   chapter 5's guest, the same way
 *
 * The interrupt controllers and timers are chapter 5's, in this process
 * (vpc.c says why not KVM_CREATE_IRQCHIP), injecting with KVM_INTERRUPT.
 */
#include <string.h>
#include "guest.h"
#include "guest_memory.h"
#include "hypercall_sites.h"
#include "kvm.h"
#include "measure.h"
#include "mmio.h"
#include "printf.h"
#include "run.h"
#include "run_end.h"
#include "events.h"
#include "exits/exits.h"
#include "uart.h"
#include "vcpu.h"
#include "virtio_blk.h"
#include "virtio_console.h"
#include "vpc.h"

#define CHAPTER_NUMBER 7
#define SMP_VCPUS 2
/** Where the SMP guest's second vCPU starts (guests/kvm_smp/smp.asm). */
#define SMP_AP_ENTRY 0x7D00ul

static void attach_virtio_devices(const char *disk_path)
{
    uint64_t size;
    uint8_t *disk = guest_read_file(disk_path, &size);
    virtio_console_init();
    virtio_blk_init(disk, size);
    mmio_register(&virtio_console.mmio);
    mmio_register(&virtio_blk.mmio);
}

static void print_device_summary(void)
{
    kprintf("uart: %lu bytes from the guest\n", uart_bytes_sent());
    kprintf("virtio-console: %lu bytes from the guest\n", virtio_console_bytes());
    kprintf("io: %lu accesses to ports with no device (read all ones, writes ignored)\n",
            io_unclaimed_accesses());
    vpc_print_summary();
    events_print_summary();
    measure_print();
}

/* Both vCPUs wrote their own number, each from its own host thread. */
static bool smp_both_ran(const struct vcpu *v)
{
    bool ok = v[0].tid != v[1].tid;
    for (unsigned i = 0; i < SMP_VCPUS; i++) {
        kprintf("smp: vcpu %u wrote 0x%lx to its id port\n", i, io_smp_id(i));
        ok = ok && io_smp_id(i) == i;
    }
    kprintf("smp: the vCPUs ran on %s host threads\n", v[0].tid != v[1].tid ? "two" : "one");
    return ok;
}

int main(int argc, char **argv)
{
    static struct vcpu vcpus[SMP_VCPUS];
    bool smp = argc == 3 && !strcmp(argv[1], "--smp");
    kprintf("stepvisor chapter %d: KVM, a user-space VMM on /dev/kvm\n", CHAPTER_NUMBER);
    if (argc != 3)
        run_fail("usage: stepvisor-kvm GUEST.bin DISK.img, or --smp GUEST.bin");

    int kvm = kvm_open();
    int vm = kvm_create_vm(kvm);
    guest_load(vm, argv[smp ? 2 : 1], GUEST_RAM_DEFAULT);
    kprintf("hypercalls: %u VMCALL(s) in the image rewritten to HLT, which KVM hands to "
            "user space\n", hypercall_sites_count());
    if (!smp)
        attach_virtio_devices(argv[2]);

    unsigned count = smp ? SMP_VCPUS : 1;
    for (unsigned i = 0; i < count; i++) {
        vcpu_create(&vcpus[i], kvm, vm, i);
        vcpus[i].entry_rip = i == 0 ? GUEST_LOAD_GPA : SMP_AP_ENTRY;
        vcpus[i].rdi = GUEST_NORMAL;
        vcpus[i].rsi = GUEST_RAM_DEFAULT; /* the guest touches its last byte */
        vcpu_reset_real_mode(&vcpus[i]);
        kprintf("vcpu %u: its own thread and kvm_run, starting at 0000:%04lX\n", i,
                vcpus[i].entry_rip);
    }
    vpc_init(vm, &vcpus[0]);
    kprintf("KVM_RUN: entering the guest\n");
    run_vcpus(vcpus, count);
    for (unsigned i = 0; i < count; i++)
        kprintf("vcpu %u ended: %s\n", i, vcpus[i].outcome);
    for (unsigned i = 0; i < count; i++)
        run_print_exit_table(&vcpus[i]);
    if (vcpus[0].int3s || vcpus[0].vmx_instructions)
        kprintf("vcpu 0: KVM's emulator left %lu INT3(s) and %lu VMX instruction(s) to this "
                "process: #BP and #UD raised (KVM_SET_VCPU_EVENTS)\n", vcpus[0].int3s,
                vcpus[0].vmx_instructions);
    if (!smp)
        print_device_summary();
    for (unsigned i = 0; i < count; i++)
        run_print_exit_times(&vcpus[i]);

    for (unsigned i = 0; i < count; i++)
        if (!vcpus[i].guest_ok)
            run_fail("vcpu %u: %s", i, vcpus[i].outcome);
    if (smp && !smp_both_ran(vcpus))
        run_fail("the two vCPUs did not both run, each on its own thread");
    run_pass();
}
