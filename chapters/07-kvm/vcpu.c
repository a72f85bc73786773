/* SPDX-License-Identifier: MIT */
/* A vCPU is a file descriptor and a page of memory shared with KVM. The
 * bare-metal chapters wrote the guest-state area of the VMCS field by
 * field; here two ioctls set the same state and KVM writes the VMCS (or,
 * on AMD, the VMCB) itself, checking it as VM entry would. */
#include "vcpu.h"
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include "printf.h"
#include "run_end.h"
#include "x86.h"

#define NS_PER_SECOND 1000000000ll
#define CPUID_ENTRIES_MAX 256
#define CPUID_FEATURES_ECX_X2APIC (1u << 21)
#define CPUID_FEATURES_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_FEATURES_EDX_APIC (1u << 9)
/* Real mode's segments: 64 KiB limits, data read/write (type 3), code
 * execute/read accessed (type 11): what the CPU has after reset. */
#define REAL_MODE_LIMIT 0xFFFF
#define SEGMENT_TYPE_DATA_RW_ACCESSED 3
#define SEGMENT_TYPE_CODE_RX_ACCESSED 11

int64_t vcpu_now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * NS_PER_SECOND + t.tv_nsec;
}

/* A vCPU starts with no CPUID leaves at all, so EFER.LME is a reserved
 * bit and the guest cannot enter long mode: give it what KVM supports, as
 * QEMU's "-cpu host" does, but for the local APIC, which is chapter 5's
 * (vpc.c): xAPIC and TSC-deadline mode, no x2APIC. */
static void set_cpuid(struct vcpu *v, int kvm_fd)
{
    static struct {
        struct kvm_cpuid2 header;
        struct kvm_cpuid_entry2 entries[CPUID_ENTRIES_MAX];
    } cpuid = {.header.nent = CPUID_ENTRIES_MAX};
    if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, &cpuid) < 0)
        run_fail("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
    for (uint32_t i = 0; i < cpuid.header.nent; i++)
        if (cpuid.entries[i].function == CPUID_FEATURES) {
            cpuid.entries[i].ecx &= ~CPUID_FEATURES_ECX_X2APIC;
            cpuid.entries[i].ecx |= CPUID_FEATURES_ECX_TSC_DEADLINE;
            cpuid.entries[i].edx |= CPUID_FEATURES_EDX_APIC;
        }
    if (ioctl(v->fd, KVM_SET_CPUID2, &cpuid) < 0)
        run_fail("KVM_SET_CPUID2: %s", strerror(errno));
}

void vcpu_create(struct vcpu *v, int kvm_fd, int vm_fd, unsigned id)
{
    v->id = id;
    v->fd = ioctl(vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
    if (v->fd < 0)
        run_fail("KVM_CREATE_VCPU %u: %s", id, strerror(errno));
    int size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (size < (int)sizeof(struct kvm_run))
        run_fail("KVM_GET_VCPU_MMAP_SIZE: %d bytes, less than a struct kvm_run", size);
    v->run = mmap(0, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
    if (v->run == MAP_FAILED)
        run_fail("mmap of vCPU %u's kvm_run: %s", id, strerror(errno));
    set_cpuid(v, kvm_fd);
}

static void real_mode_segment(struct kvm_segment *s, uint8_t type)
{
    *s = (struct kvm_segment){.base = 0, .limit = REAL_MODE_LIMIT, .selector = 0,
                              .type = type, .present = 1, .s = 1};
}

void vcpu_reset_real_mode(struct vcpu *v)
{
    struct kvm_sregs sregs;
    if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
        run_fail("KVM_GET_SREGS: %s", strerror(errno));
    /* After reset CS is F000 with base FFFF0000 (the BIOS); a boot sector
     * starts at 0000:7C00 with every segment 0. */
    real_mode_segment(&sregs.cs, SEGMENT_TYPE_CODE_RX_ACCESSED);
    real_mode_segment(&sregs.ds, SEGMENT_TYPE_DATA_RW_ACCESSED);
    sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
    if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0)
        run_fail("KVM_SET_SREGS: %s", strerror(errno));
    struct kvm_regs regs = {.rip = v->entry_rip, .rsp = v->entry_rip,
                            .rdi = v->rdi, .rsi = v->rsi, .rflags = RFLAGS_RESERVED_1};
    if (ioctl(v->fd, KVM_SET_REGS, &regs) < 0)
        run_fail("KVM_SET_REGS: %s", strerror(errno));
}

enum exit_action vcpu_end(struct vcpu *v, bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(v->outcome, sizeof v->outcome, fmt, ap);
    va_end(ap);
    v->guest_ok = ok;
    return EXIT_GUEST_DONE;
}

void vcpu_dump_registers(const struct vcpu *v)
{
    struct kvm_regs r;
    struct kvm_sregs s;
    if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
        kprintf("vcpu %u: registers unavailable: %s\n", v->id, strerror(errno));
        return;
    }
    kprintf("vcpu %u: RIP %016llx RSP %016llx RFLAGS %016llx\n", v->id, r.rip, r.rsp,
            r.rflags);
    kprintf("  RAX %016llx RBX %016llx RCX %016llx RDX %016llx\n", r.rax, r.rbx, r.rcx,
            r.rdx);
    kprintf("  RSI %016llx RDI %016llx RBP %016llx\n", r.rsi, r.rdi, r.rbp);
    kprintf("  CS %04x base %llx, CR0 %llx CR3 %llx CR4 %llx EFER %llx\n", s.cs.selector,
            s.cs.base, s.cr0, s.cr3, s.cr4, s.efer);
}
