/* SPDX-License-Identifier: MIT */
/* Exceptions in the exception bitmap, and NMIs ("NMI exiting"), exit with
 * reason 0; "VM-Exit Information Fields for Vectored Events" say which. The
 * hypervisor only watches: it reports the event and reflects it back into
 * the guest, whose own IDT handles it. */
#include "exit_log.h"
#include "exits.h"
#include "printf.h"
#include "trap.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_reasons.h"
#include "events.h"

enum exit_action handle_exception_or_nmi(struct vcpu *v)
{
    /* During another event's delivery: that event again, or the double
     * fault the pair makes (events.c). */
    if (!events_reinject(v, EXIT_REASON_EXCEPTION_OR_NMI))
        return EXIT_GUEST_DONE;
    if (vmcs_read(VM_ENTRY_INTERRUPTION_INFORMATION_FIELD) & INTR_INFO_VALID)
        return EXIT_RESUME;
    uint32_t info = (uint32_t)vmcs_read(VM_EXIT_INTERRUPTION_INFORMATION);
    unsigned vector = info & INTR_INFO_VECTOR_MASK;
    unsigned type = (info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT;
    uint64_t rip = vmcs_read(GUEST_RIP);

    if (type == INTR_TYPE_NMI) {
        kprintf("nmi: an NMI arrived while the guest ran (RIP 0x%lx); nothing "
                "here sends NMIs, so it is ignored\n", rip);
        return EXIT_RESUME;
    }

    bool has_error = info & INTR_INFO_DELIVER_ERROR_CODE;
    uint32_t error = has_error ? (uint32_t)vmcs_read(VM_EXIT_INTERRUPTION_ERROR_CODE) : 0;
    if (exit_log_line()) {
        kprintf("exception: %s (vector %u) in the guest at RIP 0x%lx",
                exception_name(vector), vector, rip);
        if (has_error)
            kprintf(", error code 0x%x", error);
        kprintf("; reflected to the guest\n");
    }

    /* Reflect: the same event, injected at the next entry. A software
     * exception (INT3) also needs the instruction length, so that the
     * guest's handler returns after the INT3. */
    vcpu_inject_event(type, vector, error, (uint32_t)vmcs_read(VM_EXIT_INSTRUCTION_LENGTH));
    return EXIT_RESUME;
}
