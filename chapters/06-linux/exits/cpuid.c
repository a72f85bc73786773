/* SPDX-License-Identifier: MIT */
/* CPUID exits unconditionally. The guest sees the real CPU except that VMX
 * is hidden (this hypervisor does not offer nested virtualization), the
 * "hypervisor present" bit is set, and leaf 0x40000000 names stepvisor,
 * as hypervisors conventionally do. CPUID promises only what works: the
 * instructions that VMX turns off unless a secondary control enables them
 * (RDTSCP and RDPID, INVPCID, XSAVES/XRSTORS, TPAUSE/UMWAIT: #UD otherwise)
 * are hidden unless it does, and the OS-enabled bits (OSXSAVE, OSPKE) follow the guest's CR4.
 * The local APIC is the virtual PC's: xAPIC yes, x2APIC no, TSC-deadline
 * mode yes (lapic.c emulates it). */
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
#define CPUID_FEATURES_ECX_X2APIC (1u << 21)
#define CPUID_FEATURES_ECX_TSC_DEADLINE (1u << 24)
#define CPUID_FEATURES_EDX_APIC (1u << 9)
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

static void set_bit_if(uint64_t *reg, uint32_t bit, bool on)
{
    *reg = on ? *reg | bit : *reg & ~(uint64_t)bit;
}

/* Edits the answer in the guest's registers. Out of line and only for the
 * leaves it edits: the VMREADs it needs stay off the path of other leaves. */
static __attribute__((noinline)) void promise_only_what_works(uint32_t leaf, uint32_t subleaf,
                                                              uint64_t *gpr)
{
    if (leaf == CPUID_FEATURES) {
        gpr[GPR_RCX] &= ~(uint64_t)CPUID_FEATURES_ECX_VMX;
        gpr[GPR_RCX] |= CPUID_FEATURES_ECX_HYPERVISOR | CPUID_FEATURES_ECX_TSC_DEADLINE;
        gpr[GPR_RCX] &= ~(uint64_t)CPUID_FEATURES_ECX_X2APIC;
        gpr[GPR_RDX] |= CPUID_FEATURES_EDX_APIC;
        set_bit_if(&gpr[GPR_RCX], CPUID_FEATURES_ECX_OSXSAVE, guest_cr4() & CR4_OSXSAVE);
    } else if (leaf == CPUID_EXTENDED_FEATURES && subleaf == 0) {
        uint32_t proc2 = secondary_controls();
        if (!(proc2 & PROC2_ENABLE_INVPCID))
            gpr[GPR_RBX] &= ~(uint64_t)CPUID_EXTENDED_FEATURES_EBX_INVPCID;
        if (!(proc2 & PROC2_ENABLE_RDTSCP))
            gpr[GPR_RCX] &= ~(uint64_t)CPUID_EXTENDED_FEATURES_ECX_RDPID;
        if (!(proc2 & PROC2_ENABLE_USER_WAIT_AND_PAUSE))
            gpr[GPR_RCX] &= ~(uint64_t)CPUID_EXTENDED_FEATURES_ECX_WAITPKG;
        set_bit_if(&gpr[GPR_RCX], CPUID_EXTENDED_FEATURES_ECX_OSPKE, guest_cr4() & CR4_PKE);
    } else if (leaf == CPUID_XSAVE_STATE && subleaf == CPUID_XSAVE_STATE_EXTENSIONS) {
        if (!(secondary_controls() & PROC2_ENABLE_XSAVES_XRSTORS))
            gpr[GPR_RAX] &= ~(uint64_t)CPUID_XSAVE_EAX_XSAVES;
    } else if (leaf == CPUID_EXT_FEATURES) {
        if (!(secondary_controls() & PROC2_ENABLE_RDTSCP))
            gpr[GPR_RDX] &= ~(uint64_t)CPUID_EXT_FEATURES_EDX_RDTSCP;
    }
}

/* The basic leaves promise_only_what_works edits, as a bit mask. */
#define EDITED_BASIC_LEAVES                                                           \
    (1u << CPUID_FEATURES | 1u << CPUID_EXTENDED_FEATURES | 1u << CPUID_XSAVE_STATE)
_Static_assert(CPUID_XSAVE_STATE < 32, "EDITED_BASIC_LEAVES is 32 bits");

enum exit_action handle_cpuid(struct vcpu *v)
{
    uint32_t leaf = (uint32_t)v->gpr[GPR_RAX], subleaf = (uint32_t)v->gpr[GPR_RCX];
    uint64_t *gpr = v->gpr;

    if (leaf == CPUID_HYPERVISOR_BASE) {
        gpr[GPR_RAX] = CPUID_HYPERVISOR_BASE;
        gpr[GPR_RBX] = SIGNATURE_EBX;
        gpr[GPR_RCX] = SIGNATURE_ECX;
        gpr[GPR_RDX] = SIGNATURE_EDX;
    } else {
        cpuid64(leaf, subleaf, &gpr[GPR_RAX], &gpr[GPR_RBX], &gpr[GPR_RCX], &gpr[GPR_RDX]);
    }
    if (leaf < 32 ? EDITED_BASIC_LEAVES >> leaf & 1 : leaf == CPUID_EXT_FEATURES)
        promise_only_what_works(leaf, subleaf, gpr);
    vcpu_skip_instruction();
    return EXIT_RESUME;
}
