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

enum exit_action handle_entry_failure(struct vcpu *v, uint32_t exit_reason)
{
    uint32_t basic = exit_reason & EXIT_REASON_BASIC_MASK;
    uint64_t qualification = vmcs_read(EXIT_QUALIFICATION);
    kprintf("VM entry failed: exit reason 0x%x = entry failure | %u (%s), "
            "exit qualification %lu\n", exit_reason, basic, exit_reason_name(basic),
            qualification);
    vmcs_dump_guest_state();
    return vcpu_end(v, false, "VM entry failed: %s", exit_reason_name(basic));
}
