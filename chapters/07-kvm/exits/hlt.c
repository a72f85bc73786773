/* SPDX-License-Identifier: MIT */
/* KVM_EXIT_HLT: without an in-kernel interrupt controller, KVM hands a
 * HLT to the VMM, with RIP already past it. A HLT at a rewritten VMCALL
 * is a hypercall (hypercall_sites.c). Otherwise, with interrupts enabled,
 * the guest sleeps until the virtual PC interrupts it (events_sleep), as
 * in chapter 5; with kvm_run's if_flag 0 nothing could wake it: that is
 * how a guest says it is finished or stuck, so it ends, by name. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include "events.h"
#include "exit_log.h"
#include "exits.h"
#include "guest_memory.h"
#include "hypercall_sites.h"
#include "printf.h"
#include "x86.h"

#define HLT_BYTES 1
#define HLT_OPCODE 0xF4

enum exit_action handle_hlt(struct vcpu *v)
{
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    uint64_t gpa;
    if (ioctl(v->fd, KVM_GET_REGS, &regs) < 0 || ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
        return vcpu_end(v, false, "registers of vcpu %u: %s", v->id, strerror(errno));
    uint64_t at = sregs.cs.base + regs.rip - HLT_BYTES; /* the HLT's linear address */
    if (guest_linear_to_phys(at, &gpa) && hypercall_site(gpa)) {
        regs.rip += VMCALL_BYTES - HLT_BYTES;
        return handle_vmcall(v, &regs, (sregs.efer & EFER_LMA) && sregs.cs.l);
    }
    /* Measured on this host (KVM's PVM back end), about once in ten runs
     * of chapter 5's guest: after single-stepping (events.c), a HLT exit
     * whose RIP follows no HLT (inside an interrupt handler, IF 0). Not a
     * halt: the guest goes on. */
    uint8_t opcode;
    if (!guest_read(at, &opcode, HLT_BYTES) || opcode != HLT_OPCODE) {
        exit_log("hlt: vcpu %u: a HLT exit at RIP 0x%llx, which follows no HLT: resumed\n",
                 v->id, regs.rip);
        return EXIT_RESUME;
    }
    if (!v->run->if_flag) {
        kprintf("hlt: vcpu %u halted with interrupts disabled (RFLAGS.IF = 0); nothing "
                "can wake it\n", v->id);
        vcpu_dump_registers(v);
        return vcpu_end(v, false, "guest halted with interrupts disabled");
    }
    return events_sleep(v);
}
