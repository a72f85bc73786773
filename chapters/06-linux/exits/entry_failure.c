/* SPDX-License-Identifier: MIT */
/* A VM entry that fails after its checks of the controls and host state
 * passed: the CPU "exits" with bit 31 of the exit reason set, having run
 * no guest instruction ("VM-Entry Failures During or After Loading Guest
 * State"). The guest state is the suspect, so show all of it. */
#include "exits.h"
#include "printf.h"
#include "vmcs.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_reasons.h"

/* Exit qualifications of a failed entry: the SDM names only a few. */
#define ENTRY_FAILURE_DEFAULT 0
#define ENTRY_FAILURE_PDPTE_LOADING 2
#define ENTRY_FAILURE_VMCS_LINK_POINTER 4

static const char *qualification_name(uint64_t q)
{
    switch (q) {
    case ENTRY_FAILURE_DEFAULT: return "no detail";
    case ENTRY_FAILURE_PDPTE_LOADING: return "failure loading the PDPTEs";
    case ENTRY_FAILURE_VMCS_LINK_POINTER: return "invalid VMCS link pointer";
    default: return "not named by the SDM";
    }
}

enum exit_action handle_entry_failure(struct vcpu *v, uint32_t exit_reason)
{
    uint32_t basic = exit_reason & EXIT_REASON_BASIC_MASK;
    uint64_t qualification = vmcs_read(EXIT_QUALIFICATION);
    kprintf("VM entry failed: exit reason 0x%x = entry failure | %u (%s), "
            "exit qualification %lu (%s)\n", exit_reason, basic, exit_reason_name(basic),
            qualification, qualification_name(qualification));
    vmcs_dump_guest_state();
    return vcpu_end(v, false, "VM entry failed: %s", exit_reason_name(basic));
}
