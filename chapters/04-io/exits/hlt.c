/* SPDX-License-Identifier: MIT */
/* HLT ("HLT exiting"). Host interrupts never reach the guest in this
 * chapter and nothing else sends it one, so a halt would last forever. With
 * interrupts enabled, treat it as "nothing to do right now" and continue
 * after it; with RFLAGS.IF = 0 not even an interrupt could wake the guest:
 * that is how a guest says it is finished or stuck, so it ends, by name. */
#include "exit_log.h"
#include "exits.h"
#include "printf.h"
#include "x86.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"

enum exit_action handle_hlt(struct vcpu *v)
{
    uint64_t rip = vmcs_read(GUEST_RIP);
    if (!(vmcs_read(GUEST_RFLAGS) & RFLAGS_IF)) {
        kprintf("hlt: the guest halted with interrupts disabled (RFLAGS.IF = 0) at RIP "
                "0x%lx; nothing can wake it\n", rip);
        vcpu_dump_registers(v);
        return vcpu_end(v, false, "guest halted with interrupts disabled at RIP 0x%lx", rip);
    }
    exit_log("hlt: the guest halted at RIP 0x%lx; no interrupt will wake it, "
             "so it continues after the HLT\n", rip);
    vcpu_skip_instruction();
    return EXIT_RESUME;
}
