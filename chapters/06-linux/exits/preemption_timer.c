/* SPDX-License-Identifier: MIT */
/* The VMX-preemption timer counts down while the guest runs and forces an
 * exit at zero ("VMX-Preemption Timer"). Without the "save VMX-preemption
 * timer value" exit control, every VM entry starts it again from the VMCS
 * field, which virtual_time.c sets to the ticks left to the guest's next
 * timer deadline: then this exit is that alarm (vm_exit_dispatch has run
 * it). Loaded with the whole WATCHDOG_TICKS, it means the guest ran that
 * long without one other VM exit: a guest stuck in a loop. */
#include "exits.h"
#include "printf.h"
#include "virtual_time.h"
#include "vmcs.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"

enum exit_action handle_preemption_timer(struct vcpu *v)
{
    if (!virtual_time_watchdog_expired(v))
        return EXIT_RESUME;
    uint64_t rip = vmcs_read(GUEST_RIP);
    kprintf("watchdog: the guest ran %u VMX-preemption timer ticks without a "
            "VM exit; it is hung at RIP 0x%lx\n", WATCHDOG_TICKS, rip);
    vcpu_dump_registers(v);
    return vcpu_end(v, false, "guest hung at RIP 0x%lx (VMX-preemption timer expired)",
                    rip);
}
