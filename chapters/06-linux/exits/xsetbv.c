/* SPDX-License-Identifier: MIT */
/* XSETBV exits unconditionally. The hypervisor checks it as the CPU would
 * ("XSETBV—Set Extended Control Register") against what the guest's CPUID
 * offers (leaf 0DH, cpuid_policy.c) and keeps the value as the guest's
 * XCR0. XCR0 is not in the VMCS: like a general-purpose register, it is
 * switched by hand, the guest's loaded before each VM entry and the host's
 * after each VM exit (run.c), and only while the two differ, as KVM does.
 * The hypervisor uses no XSAVE-managed state itself (it is built without
 * SSE), but an XCR0 a guest chose must not become the host's. Under
 * nested KVM each XSETBV is itself an exit to KVM: a Linux guest (XCR0 7)
 * pays two of them per exit. */
#include "cpu.h"
#include "cpuid_policy.h"
#include "exit_log.h"
#include "exits.h"
#include "x86.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"

#define CPUID_FEATURES_ECX_XSAVE (1u << 26)
#define XCR0_RESET_VALUE 1ull /* x87 only */
#define EDX_EAX_LOW 0xFFFFFFFFull

static uint64_t host_xcr0;

static void load_xcr0(uint64_t value)
{
    __asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

void xcr0_init(struct vcpu *v)
{
    if (!(cpuid(CPUID_FEATURES, 0).ecx & CPUID_FEATURES_ECX_XSAVE))
        return; /* no XCR0: both stay 0, and the guest cannot set CR4.OSXSAVE */
    /* XSETBV and XGETBV need CR4.OSXSAVE; HOST_CR4 is read after this. */
    write_cr4(read_cr4() | CR4_OSXSAVE);
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    host_xcr0 = (uint64_t)hi << 32 | lo;
    v->xcr0 = XCR0_RESET_VALUE;
}

void xcr0_load_guest(const struct vcpu *v)
{
    if (v->xcr0 != host_xcr0)
        load_xcr0(v->xcr0);
}

void xcr0_load_host(const struct vcpu *v)
{
    if (v->xcr0 != host_xcr0)
        load_xcr0(host_xcr0);
}

enum exit_action handle_xsetbv(struct vcpu *v)
{
    uint32_t xcr = (uint32_t)v->gpr[GPR_RCX];
    uint64_t value = (v->gpr[GPR_RDX] << 32) | (v->gpr[GPR_RAX] & EDX_EAX_LOW);
    /* #UD without CR4.OSXSAVE and #GP at CPL > 0 come before the exit on
     * the CPU; the rest is the hypervisor's to check. */
    if (!(vmcs_read(GUEST_CR4) & CR4_OSXSAVE))
        return vcpu_inject_fault(VECTOR_UD, "xsetbv: CR4.OSXSAVE is clear: #UD\n");
    if (vcpu_cpl() > 0 || xcr != 0 || !xcr0_valid(cpuid_guest_xcr0_supported(v), value))
        return vcpu_inject_fault(VECTOR_GP, "xsetbv: XCR%u = 0x%lx is not allowed: #GP\n",
                                 xcr, value);
    v->xcr0 = value;
    exit_log("xsetbv: XCR0 = 0x%lx\n", value);
    vcpu_skip_instruction();
    return EXIT_RESUME;
}
