/* SPDX-License-Identifier: MIT */
/* HLT ("HLT exiting"). With interrupts enabled the virtual CPU sleeps
 * until its next interrupt: its time jumps to the next timer deadline
 * (virtual_time_sleep), and the interrupt is delivered after the HLT, as
 * hardware resumes. Before it sleeps, what the user typed is taken in
 * (uart_poll_host); a guest that waits only for input, with no timer
 * armed, waits for it in real time.
 *
 * With RFLAGS.IF = 0 only an NMI could wake the CPU. A guest that first
 * disabled its local APIC (SVR's APIC enable cleared, or IA32_APIC_BASE.EN)
 * and has no I/O APIC input sending NMIs has closed that path too, on
 * purpose: the guest asked to be powered off. That is how an operating system
 * without ACPI stops for good (Linux's "poweroff -f" without a power-off
 * driver becomes a halt: stop_this_cpu disables the local APIC, then
 * halts with interrupts off). That is an orderly end: PASS. Any other HLT
 * with IF = 0 is a guest finished or stuck by accident, and ends by name. */
#include "exits.h"
#include "events.h"
#include "printf.h"
#include "uart.h"
#include "virtual_time.h"
#include "vpc.h"
#include "x86.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"

/* Nothing can wake the CPU, not even an NMI: the local APIC is disabled
 * (its LVT masked, LINT1 too) and no I/O APIC input sends NMIs. */
static bool stopped_for_good(void)
{
    if (vpc.lapic.enabled && (vpc.lapic.svr & SVR_APIC_ENABLED))
        return false;
    for (unsigned pin = 0; pin < IOAPIC_INPUTS; pin++) {
        uint64_t e = vpc.ioapic.redir[pin];
        if (!(e & IOAPIC_MASKED) &&
            (e & IOAPIC_DELIVERY_MASK) >> IOAPIC_DELIVERY_SHIFT == DELIVERY_NMI)
            return false;
    }
    return true;
}

enum exit_action handle_hlt(struct vcpu *v)
{
    uint64_t rip = vmcs_read(GUEST_RIP);
    if (!(vmcs_read(GUEST_RFLAGS) & RFLAGS_IF)) {
        if (stopped_for_good()) {
            kprintf("hlt: the guest disabled its local APIC and halted with interrupts "
                    "disabled at RIP 0x%lx: it has stopped (power-off)\n", rip);
            return vcpu_end(v, true, "the guest powered off (halted with interrupts and its "
                            "local APIC disabled)");
        }
        kprintf("hlt: the guest halted with interrupts disabled (RFLAGS.IF = 0) at RIP "
                "0x%lx; nothing can wake it\n", rip);
        vcpu_dump_registers(v);
        return vcpu_end(v, false, "guest halted with interrupts disabled at RIP 0x%lx", rip);
    }
    vcpu_skip_instruction();
    uart_poll_host();
    if (!events_can_wake() && !virtual_time_armed() && uart_waits_for_input()) {
        if (!uart_wait_host_input(v->run_deadline))
            return vcpu_end_at_deadline(v);
        v->event_check = true;
        return EXIT_RESUME;
    }
    return virtual_time_sleep(v);
}
