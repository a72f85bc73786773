/* SPDX-License-Identifier: MIT */
/* Small operations on the virtual CPU that every exit handler needs. */
#include "vcpu.h"
#include "cpu.h"
#include "exit_log.h"
#include "printf.h"
#include "tsc.h"
#include "trap.h"
#include "x86.h"
#include "vmx/access_rights.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_reasons.h"

/* The exceptions that push an error code ("Exception and Interrupt
 * Reference", Intel SDM Vol. 3A): #DF, #TS, #NP, #SS, #GP, #PF, #AC, #CP. */
static bool has_error_code(unsigned vector)
{
    switch (vector) {
    case VECTOR_DF: case VECTOR_TS: case VECTOR_NP: case VECTOR_SS:
    case VECTOR_GP: case VECTOR_PF: case VECTOR_AC: case VECTOR_CP:
        return true;
    default:
        return false;
    }
}

/* The one place that writes the VM-entry event-injection fields, so that
 * these counters see every event. */
static uint64_t injected[INTR_TYPE_OTHER_EVENT + 1];

uint64_t vcpu_injected(unsigned type)
{
    return injected[type & INTR_TYPE_OTHER_EVENT];
}

void vcpu_inject_event(unsigned type, unsigned vector, uint32_t error_code,
                       uint32_t instruction_length)
{
    /* "VM-Entry Controls for Event Injection": a fault is delivered at the
     * guest's RIP, as if the instruction there had raised it. The entry
     * checks ("Checks on VM-Entry Control Fields") want an error code
     * exactly for those vectors, and never in real mode: there the CPU
     * pushes none, so "deliver error code" with CR0.PE = 0 is a VMfail. */
    uint32_t info = vector | (type << INTR_INFO_TYPE_SHIFT) | INTR_INFO_VALID;
    if (type == INTR_TYPE_HARDWARE_EXCEPTION && has_error_code(vector) &&
        (vmcs_read(GUEST_CR0) & CR0_PE)) {
        info |= INTR_INFO_DELIVER_ERROR_CODE;
        vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, error_code);
    }
    /* Software interrupts and exceptions push the address after the
     * instruction: the CPU needs its length. */
    if (type == INTR_TYPE_SOFTWARE_INTERRUPT || type == INTR_TYPE_SOFTWARE_EXCEPTION ||
        type == INTR_TYPE_PRIVILEGED_SOFTWARE_EXCEPTION)
        vmcs_write(VM_ENTRY_INSTRUCTION_LENGTH, instruction_length);
    vmcs_write(VM_ENTRY_INTERRUPTION_INFORMATION_FIELD, info);
    injected[type & INTR_TYPE_OTHER_EVENT]++;
}

void vcpu_inject_exception(unsigned vector, uint32_t error_code)
{
    vcpu_inject_event(INTR_TYPE_HARDWARE_EXCEPTION, vector, error_code, 0);
}

enum exit_action vcpu_inject_fault(unsigned vector, const char *fmt, ...)
{
    if (exit_log_line()) {
        va_list ap;
        va_start(ap, fmt);
        kvprintf(fmt, ap);
        va_end(ap);
    }
    vcpu_inject_exception(vector, 0);
    return EXIT_RESUME;
}

unsigned vcpu_cpl(void)
{
    return (vmcs_read(GUEST_SS_ACCESS_RIGHTS) & AR_DPL_MASK) >> AR_DPL_SHIFT;
}

/* The deadline in TSC ticks: RUN_DEADLINE_SECONDS at the TSC's measured
 * rate (common/tsc.c). */
static uint64_t deadline_ticks(void)
{
    return tsc_hz() * RUN_DEADLINE_SECONDS;
}

void vcpu_start_clock(struct vcpu *v)
{
    v->clock_start = rdtsc();
    v->run_deadline = v->clock_start + deadline_ticks();
    v->deadline = v->run_deadline;
}

enum exit_action vcpu_end_at_deadline(struct vcpu *v)
{
    uint64_t used = rdtsc() - v->clock_start;
    kprintf("deadline: the run has used %lu TSC ticks, past its deadline of %lu; "
            "guest RIP 0x%lx\n", used, v->run_deadline - v->clock_start, vmcs_read(GUEST_RIP));
    return vcpu_end(v, false, "the run passed its deadline of %lu TSC ticks",
                    v->run_deadline - v->clock_start);
}

static const char *event_type_name(unsigned type)
{
    switch (type) {
    case INTR_TYPE_EXTERNAL_INTERRUPT: return "external interrupt";
    case INTR_TYPE_NMI: return "NMI";
    case INTR_TYPE_HARDWARE_EXCEPTION: return "exception";
    case INTR_TYPE_SOFTWARE_INTERRUPT: return "software interrupt";
    case INTR_TYPE_PRIVILEGED_SOFTWARE_EXCEPTION: return "privileged software exception";
    case INTR_TYPE_SOFTWARE_EXCEPTION: return "software exception";
    default: return "event";
    }
}

bool vcpu_exit_interrupted_event(struct vcpu *v, uint32_t basic_reason)
{
    /* "Information for VM Exits During Event Delivery": the CPU was
     * delivering this event through the guest's IDT when the exit came.
     * Resuming as if nothing happened would lose it; re-injecting it is
     * right only once the cause of the exit is gone, and the causes that
     * come here (an IDT, GDT or stack outside guest RAM) stay. So the guest
     * ends, by name. A triple fault's own handler names it. */
    uint32_t info = (uint32_t)vmcs_read(IDT_VECTORING_INFORMATION_FIELD);
    if (!(info & INTR_INFO_VALID) || basic_reason == EXIT_REASON_TRIPLE_FAULT)
        return false;
    unsigned vector = info & INTR_INFO_VECTOR_MASK;
    unsigned type = (info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT;
    const char *name = type == INTR_TYPE_HARDWARE_EXCEPTION ? exception_name(vector)
                                                            : event_type_name(type);
    kprintf("event delivery: VM exit %u (%s) while the CPU delivered %s (vector %u, "
            "IDT-vectoring information 0x%x) at guest RIP 0x%lx; the guest's IDT, GDT or "
            "stack is where the event cannot reach\n", basic_reason,
            exit_reason_name(basic_reason), name, vector, info, vmcs_read(GUEST_RIP));
    vcpu_dump_registers(v);
    vcpu_end(v, false, "VM exit %u (%s) during delivery of %s (vector %u)", basic_reason,
             exit_reason_name(basic_reason), name, vector);
    return true;
}

enum exit_action vcpu_end(struct vcpu *v, bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(v->outcome, sizeof v->outcome, fmt, ap);
    va_end(ap);
    v->guest_ok = ok;
    exit_log_summary();
    return EXIT_GUEST_DONE;
}
void vcpu_dump_registers(const struct vcpu *v)
{
    kprintf("guest registers:\n");
    kprintf("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", v->gpr[GPR_RAX],
            v->gpr[GPR_RBX], v->gpr[GPR_RCX], v->gpr[GPR_RDX]);
    kprintf("  RSI %016lx RDI %016lx RBP %016lx RSP %016lx\n", v->gpr[GPR_RSI],
            v->gpr[GPR_RDI], v->gpr[GPR_RBP], vmcs_read(GUEST_RSP));
    kprintf("  R8  %016lx R9  %016lx R10 %016lx R11 %016lx\n", v->gpr[GPR_R8],
            v->gpr[GPR_R9], v->gpr[GPR_R10], v->gpr[GPR_R11]);
    kprintf("  R12 %016lx R13 %016lx R14 %016lx R15 %016lx\n", v->gpr[GPR_R12],
            v->gpr[GPR_R13], v->gpr[GPR_R14], v->gpr[GPR_R15]);
    kprintf("  RIP %016lx RFLAGS %016lx\n", vmcs_read(GUEST_RIP),
            vmcs_read(GUEST_RFLAGS));
}

uint64_t vcpu_gpr_read(const struct vcpu *v, unsigned n)
{
    return n == GPR_RSP ? vmcs_read(GUEST_RSP) : v->gpr[n % GPR_COUNT];
}

void vcpu_gpr_write(struct vcpu *v, unsigned n, uint64_t value)
{
    if (n == GPR_RSP)
        vmcs_write(GUEST_RSP, value);
    else
        v->gpr[n % GPR_COUNT] = value;
}
