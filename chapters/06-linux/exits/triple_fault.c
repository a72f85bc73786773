/* SPDX-License-Identifier: MIT */
/* A triple fault: the guest could not deliver an exception, nor the double
 * fault that followed. On bare metal the machine would reset; in VMX
 * non-root operation it is a VM exit instead. */
#include "exits.h"
#include "printf.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"

enum exit_action handle_triple_fault(struct vcpu *v)
{
    uint64_t rip = vmcs_read(GUEST_RIP);
    kprintf("triple fault: the guest shut down at RIP 0x%lx (IDTR base 0x%lx, "
            "limit 0x%lx)\n", rip, vmcs_read(GUEST_IDTR_BASE), vmcs_read(GUEST_IDTR_LIMIT));
    vcpu_dump_registers(v);
    return vcpu_end(v, false, "guest triple fault at RIP 0x%lx", rip);
}
