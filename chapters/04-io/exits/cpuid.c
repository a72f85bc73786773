/* CPUID exits unconditionally. The guest sees the real CPU except that VMX
 * is hidden (this hypervisor does not offer nested virtualization), the
 * "hypervisor present" bit is set, and leaf 0x40000000 names stepvisor,
 * as hypervisors conventionally do. CPUID promises only what works: the
 * instructions that VMX turns off unless a secondary control enables them
 * (RDTSCP and RDPID, INVPCID, XSAVES/XRSTORS, TPAUSE/UMWAIT: #UD otherwise)
 * are hidden unless it does, and the OS-enabled bits (OSXSAVE, OSPKE) follow the guest's CR4. */
#include "cpu.h"
#include "exits.h"
#include "x86.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

/* "stepvisor" in EBX, ECX, EDX, four characters each, NUL-padded. */
#define SIGNATURE_EBX 0x70657473u /* "step" */
#define SIGNATURE_ECX 0x6f736976u /* "viso" */
#define SIGNATURE_EDX 0x00000072u /* "r" */

/* Intel SDM Vol. 2A, CPUID. */
#define CPUID_FEATURES_ECX_OSXSAVE (1u << 27)
#define CPUID_EXTENDED_FEATURES 0x7u
#define CPUID_EXTENDED_FEATURES_EBX_INVPCID (1u << 10)
#define CPUID_EXTENDED_FEATURES_ECX_OSPKE (1u << 4)
#define CPUID_EXTENDED_FEATURES_ECX_WAITPKG (1u << 5)
#define CPUID_EXTENDED_FEATURES_ECX_RDPID (1u << 22)
#define CPUID_XSAVE_STATE 0xDu
#define CPUID_XSAVE_STATE_EXTENSIONS 1u
#define CPUID_XSAVE_EAX_XSAVES (1u << 3)
#define CPUID_EXT_FEATURES_EDX_RDTSCP (1u << 27)
#define CR4_PKE (1ul << 22)

static uint32_t secondary_controls(void)
{
    if (!(vmcs_read(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) &
          PROC_ACTIVATE_SECONDARY_CONTROLS))
        return 0;
    return (uint32_t)vmcs_read(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS);
}

/* CR4 as the guest sees it: owned bits from the read shadow. */
static uint64_t guest_cr4(void)
{
    uint64_t mask = vmcs_read(CR4_GUEST_HOST_MASK);
    return (vmcs_read(GUEST_CR4) & ~mask) | (vmcs_read(CR4_READ_SHADOW) & mask);
}

static void set_bit_if(uint32_t *reg, uint32_t bit, bool on)
{
    *reg = on ? *reg | bit : *reg & ~bit;
}

static void promise_only_what_works(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
    uint32_t proc2 = secondary_controls();
    uint64_t cr4 = guest_cr4();
    if (leaf == CPUID_FEATURES) {
        r->ecx &= ~CPUID_FEATURES_ECX_VMX;
        r->ecx |= CPUID_FEATURES_ECX_HYPERVISOR;
        set_bit_if(&r->ecx, CPUID_FEATURES_ECX_OSXSAVE, cr4 & CR4_OSXSAVE);
    } else if (leaf == CPUID_EXTENDED_FEATURES && subleaf == 0) {
        if (!(proc2 & PROC2_ENABLE_INVPCID))
            r->ebx &= ~CPUID_EXTENDED_FEATURES_EBX_INVPCID;
        if (!(proc2 & PROC2_ENABLE_RDTSCP))
            r->ecx &= ~CPUID_EXTENDED_FEATURES_ECX_RDPID;
        if (!(proc2 & PROC2_ENABLE_USER_WAIT_AND_PAUSE))
            r->ecx &= ~CPUID_EXTENDED_FEATURES_ECX_WAITPKG;
        set_bit_if(&r->ecx, CPUID_EXTENDED_FEATURES_ECX_OSPKE, cr4 & CR4_PKE);
    } else if (leaf == CPUID_XSAVE_STATE && subleaf == CPUID_XSAVE_STATE_EXTENSIONS) {
        if (!(proc2 & PROC2_ENABLE_XSAVES_XRSTORS))
            r->eax &= ~CPUID_XSAVE_EAX_XSAVES;
    } else if (leaf == CPUID_EXT_FEATURES) {
        if (!(proc2 & PROC2_ENABLE_RDTSCP))
            r->edx &= ~CPUID_EXT_FEATURES_EDX_RDTSCP;
    }
}

enum exit_action handle_cpuid(struct vcpu *v)
{
    uint32_t leaf = (uint32_t)v->gpr[GPR_RAX], subleaf = (uint32_t)v->gpr[GPR_RCX];
    struct cpuid_regs r;

    if (leaf == CPUID_HYPERVISOR_BASE) {
        r = (struct cpuid_regs){CPUID_HYPERVISOR_BASE, SIGNATURE_EBX, SIGNATURE_ECX,
                                SIGNATURE_EDX};
    } else {
        r = cpuid(leaf, subleaf);
        promise_only_what_works(leaf, subleaf, &r);
    }
    v->gpr[GPR_RAX] = r.eax;
    v->gpr[GPR_RBX] = r.ebx;
    v->gpr[GPR_RCX] = r.ecx;
    v->gpr[GPR_RDX] = r.edx;
    vcpu_skip_instruction();
    return EXIT_RESUME;
}
