/* SPDX-License-Identifier: MIT */
/* HLT ("HLT exiting"). With interrupts enabled the virtual CPU sleeps
 * until its next interrupt: its time jumps to the next timer deadline
 * (virtual_time_sleep), and the interrupt is delivered after the HLT, as
 * hardware resumes. With RFLAGS.IF = 0 not even an interrupt could wake
 * the guest: that is how a guest says it is finished or stuck, so it
 * ends, by name. */
#include "exits.h"
#include "printf.h"
#include "virtual_time.h"
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
    vcpu_skip_instruction();
    return virtual_time_sleep(v);
}
