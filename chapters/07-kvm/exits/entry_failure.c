/* SPDX-License-Identifier: MIT */
/* KVM_EXIT_FAIL_ENTRY: the CPU refused the guest state KVM gave it (KVM
 * checks most of it first, as chapter 2's checker did). The reason is the
 * hardware's: on Intel the VM-exit reason with bit 31 set, on AMD the
 * VMEXIT_INVALID exit code. */
#include "exits.h"
#include "printf.h"

enum exit_action handle_fail_entry(struct vcpu *v)
{
    uint64_t reason = v->run->fail_entry.hardware_entry_failure_reason;
    kprintf("KVM_EXIT_FAIL_ENTRY: VM entry failed on host CPU %u, hardware reason 0x%lx\n",
            v->run->fail_entry.cpu, reason);
    vcpu_dump_registers(v);
    return vcpu_end(v, false, "VM entry failed (KVM_EXIT_FAIL_ENTRY, hardware reason 0x%lx)",
                    reason);
}
