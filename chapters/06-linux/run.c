/* SPDX-License-Identifier: MIT */
/* The run loop: enter the guest, take the VM exit, dispatch on its basic
 * reason, repeat until a handler ends the guest. Intel SDM Vol. 3C,
 * "Basic VM-Exit Information" and appendix "VMX Basic Exit Reasons". The
 * loop itself is vmentry.asm's vm_run, which calls vm_exit_dispatch()
 * after every exit: this is the hot path of the hypervisor. */
#include <stddef.h>
#include "run.h"
#include "events.h"
#include "exits/exits.h"
#include "printf.h"
#include "virtual_time.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_reasons.h"

/* Adding an exit class is one handler file and one line here. */
static const exit_handler handlers[EXIT_REASON_COUNT] = {
    [EXIT_REASON_EXCEPTION_OR_NMI] = handle_exception_or_nmi,
    [EXIT_REASON_EXTERNAL_INTERRUPT] = handle_external_interrupt,
    [EXIT_REASON_INTERRUPT_WINDOW] = handle_event_window,
    [EXIT_REASON_NMI_WINDOW] = handle_event_window,
    [EXIT_REASON_TRIPLE_FAULT] = handle_triple_fault,
    [EXIT_REASON_CPUID] = handle_cpuid,
    [EXIT_REASON_HLT] = handle_hlt,
    [EXIT_REASON_VMCALL] = handle_vmcall,
    [EXIT_REASON_CONTROL_REGISTER_ACCESSES] = handle_cr_access,
    [EXIT_REASON_IO_INSTRUCTION] = handle_io,
    [EXIT_REASON_RDMSR] = handle_rdmsr,
    [EXIT_REASON_WRMSR] = handle_wrmsr,
    [EXIT_REASON_VMX_PREEMPTION_TIMER_EXPIRED] = handle_preemption_timer,
    [EXIT_REASON_EPT_VIOLATION] = handle_ept_violation,
    [EXIT_REASON_EPT_MISCONFIGURATION] = handle_ept_misconfiguration,
    [EXIT_REASON_INVD] = handle_invd,
    [EXIT_REASON_XSETBV] = handle_xsetbv,
    [EXIT_REASON_RDPMC] = handle_rdpmc,
    [EXIT_REASON_MONITOR] = handle_monitor_mwait,
    [EXIT_REASON_MWAIT] = handle_monitor_mwait,
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

/* vmentry.asm spells out these numbers; the build fails if they drift. */
_Static_assert(offsetof(struct vcpu, gpr) == 0, "vmentry.asm: gpr[] at offset 0");
_Static_assert(sizeof(uint64_t) == 8 && GPR_COUNT == 16, "vmentry.asm: GPR(n) = n * 8");
_Static_assert(GPR_RAX == 0 && GPR_RCX == 1 && GPR_RDX == 2 && GPR_RBX == 3 &&
                   GPR_RBP == 5 && GPR_RSI == 6 && GPR_RDI == 7,
               "vmentry.asm: the SDM's register numbers");
_Static_assert(offsetof(struct vcpu, launched) == 16 * 8, "vmentry.asm: VCPU_LAUNCHED");
_Static_assert(sizeof(bool) == 1, "vmentry.asm: launched is a byte");
_Static_assert(offsetof(struct vcpu, event_check) == 16 * 8 + 1, "vmentry.asm: VCPU_EVENT_CHECK");
_Static_assert(HOST_RSP == 0x6C14, "vmentry.asm: HOST_RSP");
_Static_assert(VMX_FAIL_INVALID == 1 && VMX_FAIL_VALID == 2, "vmentry.asm: VMX_FAIL_*");

/* Every exit that is not the common case: a failed VM entry, an exit reason
 * with extra bits set (bits 31:16 of "Exit Reason"), or no handler. */
static __attribute__((noinline)) enum exit_action other_exit(struct vcpu *v, uint32_t reason)
{
    uint32_t basic = reason & EXIT_REASON_BASIC_MASK;
    if (basic < EXIT_REASON_COUNT)
        v->exit_counts[basic]++;
    /* A failed entry leaves the VMCS clear: the next try is VMLAUNCH. */
    if (reason & EXIT_REASON_VM_ENTRY_FAILURE)
        return handle_entry_failure(v, reason);
    v->launched = true;
    /* Handlers of exits that can interrupt an event's delivery check for
     * it themselves; here, any other exit re-injects the event. */
    if (!events_reinject(v, basic))
        return EXIT_GUEST_DONE;
    if (basic < EXIT_REASON_COUNT && handlers[basic])
        return handlers[basic](v);
    return unexpected_exit(v, basic);
}

/* The exit's handler. */
static inline bool handle(struct vcpu *v, uint64_t reason)
{
    v->exits++;
    if (__builtin_expect(reason < EXIT_REASON_COUNT && handlers[reason], 1)) {
        /* The common case: a basic reason and nothing else, with a handler. */
        v->exit_counts[reason]++;
        v->launched = true;
        return handlers[reason](v) == EXIT_RESUME;
    }
    return other_exit(v, (uint32_t)reason) == EXIT_RESUME;
}

/* The alarm went off: the run's end, or the guest's next timer
 * (virtual_time.c), before the exit is handled as any other. */
static __attribute__((noinline)) bool alarm_then_handle(struct vcpu *v, uint64_t reason)
{
    if (virtual_time_alarm(v) != EXIT_RESUME)
        return false;
    return handle(v, reason);
}

static bool dispatch(struct vcpu *v)
{
    uint64_t reason = vmcs_read(EXIT_REASON);

    /* An operating system exits forever, so no bound on exits (chapter 5's
     * MAX_EXITS) here: the deadline alone ends a run. No guest behaviour
     * extends the run: every exit checks the clock, and
     * the preemption timer makes a guest that never exits exit. The same
     * comparison is the alarm of the guest's next timer. */
    if (__builtin_expect(vcpu_past_deadline(v), 0))
        return alarm_then_handle(v, reason);
    return handle(v, reason);
}

/* XCR0 is the one register the VMCS does not switch that guest and host
 * may hold differently (exits/xsetbv.c). */
bool vm_exit_dispatch(struct vcpu *v)
{
    xcr0_load_host(v);
    bool resume = dispatch(v);
    if (resume)
        xcr0_load_guest(v);
    return resume;
}

bool run_guest(struct vcpu *v)
{
    vcpu_start_clock(v);
    virtual_time_start(v);
    xcr0_load_guest(v);
    int failed = vm_run(v);
    xcr0_load_host(v);
    if (failed) {
        /* VMfail: no guest ran. VMfailValid names the reason. */
        const char *insn = v->launched ? "VMRESUME" : "VMLAUNCH";
        const char *why = vmx_failure_reason((enum vmx_status)failed);
        kprintf("%s: %s\n", insn, why);
        vcpu_end(v, false, "%s failed: %s", insn, why);
        return false;
    }
    return v->guest_ok;
}

void run_print_exit_table(const struct vcpu *v)
{
    kprintf("VM exits: %lu\n", v->exits);
    for (unsigned r = 0; r < EXIT_REASON_COUNT; r++)
        if (v->exit_counts[r])
            kprintf("  %6lu  %2u %s\n", v->exit_counts[r], r, exit_reason_name(r));
}
