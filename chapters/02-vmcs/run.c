/* The run loop: enter the guest, take the VM exit, dispatch on its basic
 * reason, repeat until a handler ends the guest. Intel SDM Vol. 3C,
 * "Basic VM-Exit Information" and appendix "VMX Basic Exit Reasons". */
#include "run.h"
#include "exits/exits.h"
#include "printf.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_reasons.h"

/* Adding an exit class is one handler file and one line here. */
static const exit_handler handlers[EXIT_REASON_COUNT] = {
    [EXIT_REASON_EXCEPTION_OR_NMI] = handle_exception_or_nmi,
    [EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
    [EXIT_REASON_CPUID] = handle_cpuid,
    [EXIT_REASON_HLT] = handle_hlt,
    [EXIT_REASON_VMCALL] = handle_vmcall,
    [EXIT_REASON_CONTROL_REGISTER_ACCESSES] = handle_cr_access,
    [EXIT_REASON_IO_INSTRUCTION] = handle_io,
    [EXIT_REASON_RDMSR] = handle_rdmsr,
    [EXIT_REASON_WRMSR] = handle_wrmsr,
    [EXIT_REASON_VMX_PREEMPTION_TIMER_EXPIRED] = handle_preemption_timer,
    [EXIT_REASON_INVD] = handle_invd,
    [EXIT_REASON_XSETBV] = handle_xsetbv,
    [EXIT_REASON_VMCLEAR] = handle_vmx_instruction,
    [EXIT_REASON_VMLAUNCH] = handle_vmx_instruction,
    [EXIT_REASON_VMPTRLD] = handle_vmx_instruction,
    [EXIT_REASON_VMPTRST] = handle_vmx_instruction,
    [EXIT_REASON_VMREAD] = handle_vmx_instruction,
    [EXIT_REASON_VMRESUME] = handle_vmx_instruction,
    [EXIT_REASON_VMWRITE] = handle_vmx_instruction,
    [EXIT_REASON_VMXOFF] = handle_vmx_instruction,
    [EXIT_REASON_VMXON] = handle_vmx_instruction,
    [EXIT_REASON_INVEPT] = handle_vmx_instruction,
    [EXIT_REASON_INVVPID] = handle_vmx_instruction,
    [EXIT_REASON_VMFUNC] = handle_vmx_instruction,
};

static enum exit_action unexpected_exit(struct vcpu *v, uint32_t basic)
{
    kprintf("unexpected VM exit: reason %u (%s), exit qualification 0x%lx\n", basic,
            exit_reason_name(basic), vmcs_read(EXIT_QUALIFICATION));
    vcpu_dump_registers(v);
    return vcpu_end(v, false, "unexpected VM exit %u (%s)", basic,
                    exit_reason_name(basic));
}

bool run_guest(struct vcpu *v)
{
    for (;;) {
        if (v->exits >= MAX_EXITS) {
            vcpu_end(v, false, "the guest made %lu VM exits without ending", v->exits);
            return false;
        }
        if (vcpu_past_deadline(v))
            return false;
        int failed = vm_enter(v, v->launched);
        if (failed) {
            /* VMfail: no guest ran. VMfailValid names the reason. */
            const char *insn = v->launched ? "VMRESUME" : "VMLAUNCH";
            const char *why = vmx_failure_reason((enum vmx_status)failed);
            kprintf("%s: %s\n", insn, why);
            vcpu_end(v, false, "%s failed: %s", insn, why);
            return false;
        }
        v->exits++;
        uint32_t reason = (uint32_t)vmcs_read(EXIT_REASON);
        /* A failed entry leaves the VMCS clear: the next try is VMLAUNCH. */
        if (!(reason & EXIT_REASON_VM_ENTRY_FAILURE))
            v->launched = true;
        uint32_t basic = reason & EXIT_REASON_BASIC_MASK;
        if (basic < EXIT_REASON_COUNT)
            v->exit_counts[basic]++;
        enum exit_action next;
        if (reason & EXIT_REASON_VM_ENTRY_FAILURE)
            next = handle_entry_failure(v, reason);
        else if (vcpu_exit_interrupted_event(v, basic))
            next = EXIT_GUEST_DONE;
        else if (basic < EXIT_REASON_COUNT && handlers[basic])
            next = handlers[basic](v);
        else
            next = unexpected_exit(v, basic);
        if (next == EXIT_GUEST_DONE)
            return v->guest_ok;
    }
}

void run_print_exit_table(const struct vcpu *v)
{
    kprintf("VM exits: %lu\n", v->exits);
    for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
        if (v->exit_counts[r])
            kprintf("  %6lu  %2u %s\n", v->exit_counts[r], r, exit_reason_name(r));
}
