/* SPDX-License-Identifier: MIT */
/* From the virtual PC's interrupt lines to the guest's IDT. Intel SDM
 * Vol. 3C, "Event Injection" and "VM-Entry Controls for Event Injection":
 * at VM entry the CPU delivers the event in the VM-entry interruption-
 * information field as if it had happened at the guest's next instruction.
 * An external interrupt may be injected only when the guest could take one
 * ("Interruptibility State": RFLAGS.IF = 1, no blocking by STI or MOV SS);
 * otherwise "interrupt-window exiting" makes the CPU exit as soon as it
 * could. NMIs likewise, with blocking by NMI and "NMI-window exiting". */
#include "events.h"
#include "printf.h"
#include "trap.h"
#include "vpc.h"
#include "x86.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_reasons.h"

#define BLOCKING_INTERRUPTS                                                                \
    (GUEST_INTERRUPTIBILITY_BLOCKING_BY_STI | GUEST_INTERRUPTIBILITY_BLOCKING_BY_MOV_SS)
#define BLOCKING_NMI (BLOCKING_INTERRUPTS | GUEST_INTERRUPTIBILITY_BLOCKING_BY_NMI)

static uint64_t extint_delivered, lapic_delivered, double_faults;

/* The 8259s' INT reaches the CPU as ExtINT: through LINT0, or through
 * the I/O APIC's input wired to it. */
static bool extint_waits(void)
{
    return (lapic_extint_open(&vpc.lapic) ||
            ioapic_extint_open(&vpc.ioapic, IOAPIC_INPUT_EXTINT)) && pic_int_output(&vpc.pic);
}

/* The interrupt the CPU's INTR would see: ExtINT from the 8259s, or the
 * local APIC's highest IRR vector above its PPR. */
static bool interrupt_waits(void)
{
    return extint_waits() || lapic_deliverable(&vpc.lapic) >= 0;
}

/* "Interrupt Acceptance": the 8259s' INTA cycle for ExtINT (which goes
 * past the APIC's priorities), else IRR to ISR in the local APIC. */
static unsigned acknowledge(void)
{
    if (extint_waits()) {
        extint_delivered++;
        return pic_acknowledge(&vpc.pic);
    }
    unsigned vector = (unsigned)lapic_deliverable(&vpc.lapic);
    lapic_acknowledge(&vpc.lapic, vector);
    lapic_delivered++;
    return vector;
}

bool events_can_wake(void)
{
    return vpc.lapic.nmi || interrupt_waits();
}

bool events_blocked_by_in_service(void)
{
    return pic_blocked_by_in_service(&vpc.pic) || lapic_blocked_by_in_service(&vpc.lapic);
}

static void set_window(struct vcpu *v, uint32_t control, bool on)
{
    uint32_t proc = on ? v->proc_controls | control : v->proc_controls & ~control;
    if (proc != v->proc_controls) {
        v->proc_controls = proc;
        vmcs_write(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, proc);
    }
}

void events_deliver(struct vcpu *v)
{
    v->event_check = false;
    bool nmi = vpc.lapic.nmi, interrupt = interrupt_waits();
    /* An event is already on its way (reflected or re-injected): the
     * others wait for the window after it. */
    if (vmcs_read(VM_ENTRY_INTERRUPTION_INFORMATION_FIELD) & INTR_INFO_VALID) {
        set_window(v, PROC_NMI_WINDOW_EXITING, nmi && v->nmi_window);
        set_window(v, PROC_INTERRUPT_WINDOW_EXITING, interrupt);
        return;
    }
    uint64_t blocking = vmcs_read(GUEST_INTERRUPTIBILITY_STATE);
    if (nmi && !(blocking & BLOCKING_NMI)) {
        vpc.lapic.nmi = false;
        vcpu_inject_event(INTR_TYPE_NMI, VECTOR_NMI, 0, 0);
        set_window(v, PROC_NMI_WINDOW_EXITING, false);
        set_window(v, PROC_INTERRUPT_WINDOW_EXITING, interrupt);
        return;
    }
    set_window(v, PROC_NMI_WINDOW_EXITING, nmi && v->nmi_window);
    /* LAB events-deliver (35 points): a waiting interrupt goes in only when
     * the guest can take it: RFLAGS.IF set and no blocking by STI or MOV SS.
     * Then acknowledge it (the vector) and inject it as an external
     * interrupt; whatever still waits needs the interrupt window after it.
     * Graded by: test_ch05_irq.py::test_pit_ticks_100_times_in_a_virtual_second,
     *   test_ch05_irq.py::test_interrupt_waits_for_the_instruction_after_sti,
     *   test_ch05_irq.py::test_normal_run_ends_with_pass
     * Student stub:
     *     (void)acknowledge;
     *     if (interrupt)
     *         run_fail("lab events-deliver is not done yet");
     */
    if (interrupt && (vmcs_read(GUEST_RFLAGS) & RFLAGS_IF) && !(blocking & BLOCKING_INTERRUPTS)) {
        vcpu_inject_event(INTR_TYPE_EXTERNAL_INTERRUPT, acknowledge(), 0, 0);
        interrupt = interrupt_waits();
    }
    /* END LAB events-deliver */
    set_window(v, PROC_INTERRUPT_WINDOW_EXITING, interrupt);
}

/* "Interrupt and Exception Classes" and "Conditions for Generating a
 * Double Fault" (Vol. 3A, "Exception and Interrupt Reference", #DF). */
static bool contributory(unsigned vector)
{
    return vector == VECTOR_DE || vector == VECTOR_TS || vector == VECTOR_NP ||
           vector == VECTOR_SS || vector == VECTOR_GP;
}

static bool makes_double_fault(unsigned first, unsigned second)
{
    if (first == VECTOR_PF)
        return second == VECTOR_PF || contributory(second);
    return contributory(first) && contributory(second);
}

bool events_reinject(struct vcpu *v, uint32_t basic_reason)
{
    uint32_t info = (uint32_t)vmcs_read(IDT_VECTORING_INFORMATION_FIELD);
    if (!(info & INTR_INFO_VALID) || basic_reason == EXIT_REASON_TRIPLE_FAULT)
        return true;
    unsigned vector = info & INTR_INFO_VECTOR_MASK;
    unsigned type = (info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT;
    if (basic_reason == EXIT_REASON_EXCEPTION_OR_NMI && type == INTR_TYPE_HARDWARE_EXCEPTION) {
        /* An intercepted exception while the CPU delivered another: what
         * the CPU would have made of the two. */
        uint32_t exit_info = (uint32_t)vmcs_read(VM_EXIT_INTERRUPTION_INFORMATION);
        unsigned second = exit_info & INTR_INFO_VECTOR_MASK;
        if (vector == VECTOR_DF) {
            kprintf("event delivery: %s during the delivery of a double fault: the CPU "
                    "shuts down\n", exception_name(second));
            vcpu_end(v, false, "guest triple fault at RIP 0x%lx (an exception while "
                     "delivering #DF)", vmcs_read(GUEST_RIP));
            return false;
        }
        if (makes_double_fault(vector, second)) {
            double_faults++;
            vcpu_inject_exception(VECTOR_DF, 0);
        }
        return true; /* else "handled serially": the handler reflects the second */
    }
    /* "Information for VM Exits During Event Delivery": the same event,
     * its error code, and for software events the instruction's length. */
    uint32_t error = info & INTR_INFO_DELIVER_ERROR_CODE
                         ? (uint32_t)vmcs_read(IDT_VECTORING_ERROR_CODE) : 0;
    vcpu_inject_event(type, vector, error, (uint32_t)vmcs_read(VM_EXIT_INSTRUCTION_LENGTH));
    v->reinjected++;
    return true;
}

void events_print_summary(const struct vcpu *v)
{
    kprintf("events: injected %lu external interrupt(s) (%lu from the 8259s, %lu from the "
            "local APIC), %lu NMI(s), %lu exception(s), %lu software interrupt(s); %lu "
            "re-injected, %lu double fault(s)\n",
            vcpu_injected(INTR_TYPE_EXTERNAL_INTERRUPT), extint_delivered, lapic_delivered,
            vcpu_injected(INTR_TYPE_NMI), vcpu_injected(INTR_TYPE_HARDWARE_EXCEPTION),
            vcpu_injected(INTR_TYPE_SOFTWARE_INTERRUPT) +
                vcpu_injected(INTR_TYPE_SOFTWARE_EXCEPTION),
            v->reinjected, double_faults);
}
