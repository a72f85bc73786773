/* SPDX-License-Identifier: MIT */
/* CPUID exits unconditionally; the answer is cpuid_policy.c's, from the real
 * CPU and what the guest's CR4 and XCR0 hold now. The instructions the
 * policy hides and that would otherwise run, MONITOR and MWAIT, exit
 * ("MONITOR exiting", "MWAIT exiting") and are #UD, as on a CPU whose
 * CPUID.01H:ECX.MONITOR is 0. */
#include "cpu.h"
#include "cpuid_policy.h"
#include "exits.h"
#include "printf.h"
#include "x86.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_reasons.h"

static struct cpuid_regs real_cpuid(uint32_t leaf, uint32_t subleaf)
{
    return cpuid(leaf, subleaf);
}

/* CR4 as the guest reads it: the bits the mask owns come from the shadow. */
static struct cpuid_view guest_view(const struct vcpu *v)
{
    uint64_t mask = vmcs_read(CR4_GUEST_HOST_MASK);
    uint64_t cr4 = (vmcs_read(GUEST_CR4) & ~mask) | (vmcs_read(CR4_READ_SHADOW) & mask);
    return (struct cpuid_view){real_cpuid, v->offers, cr4, v->xcr0};
}

uint64_t cpuid_guest_xcr0_supported(const struct vcpu *v)
{
    struct cpuid_view view = guest_view(v);
    return cpuid_policy_xcr0_supported(&view);
}

enum exit_action handle_cpuid(struct vcpu *v)
{
    struct cpuid_view view = guest_view(v);
    struct cpuid_regs r =
        cpuid_policy(&view, (uint32_t)v->gpr[GPR_RAX], (uint32_t)v->gpr[GPR_RCX]);
    /* In 64-bit mode CPUID clears bits 63:32 of the four registers. */
    v->gpr[GPR_RAX] = r.eax;
    v->gpr[GPR_RBX] = r.ebx;
    v->gpr[GPR_RCX] = r.ecx;
    v->gpr[GPR_RDX] = r.edx;
    vcpu_skip_instruction();
    return EXIT_RESUME;
}

enum exit_action handle_monitor_mwait(struct vcpu *v)
{
    (void)v;
    uint32_t basic = (uint32_t)vmcs_read(EXIT_REASON) & EXIT_REASON_BASIC_MASK;
    return vcpu_inject_fault(VECTOR_UD, "cpuid: the guest executed %s at RIP 0x%lx, which its "
                             "CPUID hides: #UD\n", exit_reason_name(basic),
                             vmcs_read(GUEST_RIP));
}

void cpuid_print_policy(const struct vcpu *v)
{
    struct cpuid_view view = {real_cpuid, v->offers, 0, v->xcr0};
    kprintf("cpuid: hidden from the guest:");
    for (unsigned i = 0; i < cpuid_hidden_count; i++)
        if (cpuid_policy_hides(&view, &cpuid_hidden[i]))
            kprintf(" %s", cpuid_hidden[i].name);
    kprintf("\n");
}
