/* CPUID exits unconditionally. The guest sees the real CPU except that VMX
 * is hidden (this hypervisor does not offer nested virtualization), the
 * "hypervisor present" bit is set, and leaf 0x40000000 names stepvisor,
 * as hypervisors conventionally do. */
#include "cpu.h"
#include "exits.h"
#include "x86.h"

/* "stepvisor" in EBX, ECX, EDX, four characters each, NUL-padded. */
#define SIGNATURE_EBX 0x70657473u /* "step" */
#define SIGNATURE_ECX 0x6f736976u /* "viso" */
#define SIGNATURE_EDX 0x00000072u /* "r" */

enum exit_action handle_cpuid(struct vcpu *v)
{
    uint32_t leaf = (uint32_t)v->gpr[GPR_RAX], subleaf = (uint32_t)v->gpr[GPR_RCX];
    struct cpuid_regs r;

    if (leaf == CPUID_HYPERVISOR_BASE) {
        r = (struct cpuid_regs){CPUID_HYPERVISOR_BASE, SIGNATURE_EBX, SIGNATURE_ECX,
                                SIGNATURE_EDX};
    } else {
        r = cpuid(leaf, subleaf);
        if (leaf == CPUID_FEATURES) {
            r.ecx &= ~CPUID_FEATURES_ECX_VMX;
            r.ecx |= CPUID_FEATURES_ECX_HYPERVISOR;
        }
    }
    v->gpr[GPR_RAX] = r.eax;
    v->gpr[GPR_RBX] = r.ebx;
    v->gpr[GPR_RCX] = r.ecx;
    v->gpr[GPR_RDX] = r.edx;
    vcpu_skip_instruction();
    return EXIT_RESUME;
}
