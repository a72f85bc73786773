/* SPDX-License-Identifier: MIT */
/* "External-interrupt exiting" with "acknowledge interrupt on exit": a
 * host interrupt that arrives while the guest runs is a VM exit, and the
 * CPU has already acknowledged it: the VM-exit interruption information
 * holds its vector ("VM-Exit Information Fields for Vectored Events").
 * The host handles it; the guest never sees it (it is no virtual device's
 * interrupt, and is not injected). */
#include "events.h"
#include "exits.h"
#include "host_timer.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_reasons.h"

enum exit_action handle_external_interrupt(struct vcpu *v)
{
    if (!events_reinject(v, EXIT_REASON_EXTERNAL_INTERRUPT))
        return EXIT_GUEST_DONE;
    uint32_t info = (uint32_t)vmcs_read(VM_EXIT_INTERRUPTION_INFORMATION);
    host_interrupt(info & INTR_INFO_VECTOR_MASK);
    return EXIT_RESUME;
}
