/* SPDX-License-Identifier: MIT */
/* RDMSR and WRMSR. The MSR bitmaps are all ones, so every access exits
 * ("MSR-Bitmap Address"). The guest gets its own copy of the MSRs the VMCS
 * holds; the feature-control MSR reads as "locked, VMX off", matching the
 * CPUID that hides VMX; the TSC, IA32_APIC_BASE and IA32_TSC_DEADLINE are
 * the virtual PC's (virtual_time.c, vpc.c); any other MSR is unknown to it
 * and raises #GP, as on a CPU without that MSR. */
#include "exit_log.h"
#include "exits.h"
#include "msr.h"
#include "printf.h"
#include "x86.h"
#include "lapic.h"
#include "virtual_time.h"
#include "vpc.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"

#define IA32_TIME_STAMP_COUNTER 0x10u
#define IA32_APIC_BASE 0x1Bu
#define IA32_TSC_DEADLINE 0x6E0u

/* The MSRs that live in the guest-state area. */
static uint32_t vmcs_field_of(uint32_t msr)
{
    switch (msr) {
    case IA32_SYSENTER_CS: return GUEST_IA32_SYSENTER_CS;
    case IA32_SYSENTER_ESP: return GUEST_IA32_SYSENTER_ESP;
    case IA32_SYSENTER_EIP: return GUEST_IA32_SYSENTER_EIP;
    case IA32_FS_BASE: return GUEST_FS_BASE;
    case IA32_GS_BASE: return GUEST_GS_BASE;
    case IA32_EFER: return GUEST_IA32_EFER;
    default: return 0;
    }
}

static enum exit_action unknown_msr(const char *insn, uint32_t msr)
{
    return vcpu_inject_fault(VECTOR_GP, "msr: %s of MSR 0x%x, which this guest does not "
                             "have: #GP\n", insn, msr);
}

enum exit_action handle_rdmsr(struct vcpu *v)
{
    uint32_t msr = (uint32_t)v->gpr[GPR_RCX];
    uint64_t value;
    if (msr == IA32_FEATURE_CONTROL)
        value = IA32_FEATURE_CONTROL_LOCK;
    else if (msr == IA32_TIME_STAMP_COUNTER)
        value = virtual_time_now();
    else if (msr == IA32_APIC_BASE)
        value = vpc.apic_base;
    else if (msr == IA32_TSC_DEADLINE)
        value = vpc.lapic.tsc_deadline;
    else if (vmcs_field_of(msr))
        value = vmcs_read(vmcs_field_of(msr));
    else
        return unknown_msr("RDMSR", msr);
    v->gpr[GPR_RAX] = value & LOW_32_BITS;
    v->gpr[GPR_RDX] = value >> 32;
    vcpu_skip_instruction();
    return EXIT_RESUME;
}

/* The virtual PC's MSRs ("IA32_APIC_BASE MSR", "TSC-Deadline Mode"). */
static enum exit_action write_time_msr(struct vcpu *v, uint32_t msr, uint64_t value)
{
    enum apic_base_write apic = APIC_BASE_WRITTEN;
    if (msr == IA32_TIME_STAMP_COUNTER)
        virtual_time_set(value);
    else if (msr == IA32_TSC_DEADLINE)
        lapic_write_tsc_deadline(&vpc.lapic, value);
    else
        apic = vpc_write_apic_base(value);
    if (apic == APIC_BASE_RESERVED)
        return vcpu_inject_fault(VECTOR_GP, "msr: WRMSR IA32_APIC_BASE = 0x%lx: reserved "
                                 "bits or x2APIC mode, which this APIC lacks: #GP\n", value);
    if (apic == APIC_BASE_MOVED) {
        kprintf("msr: the guest moves its local APIC to 0x%lx; not emulated\n", value);
        return vcpu_end(v, false, "guest moved its local APIC (IA32_APIC_BASE = 0x%lx): not "
                        "emulated", value);
    }
    vpc_changed();
    vcpu_skip_instruction();
    return EXIT_RESUME;
}

enum exit_action handle_wrmsr(struct vcpu *v)
{
    uint32_t msr = (uint32_t)v->gpr[GPR_RCX];
    uint64_t value = (v->gpr[GPR_RDX] << 32) | (v->gpr[GPR_RAX] & LOW_32_BITS);
    if (msr == IA32_TIME_STAMP_COUNTER || msr == IA32_APIC_BASE || msr == IA32_TSC_DEADLINE)
        return write_time_msr(v, msr, value);
    if (!vmcs_field_of(msr))
        return unknown_msr("WRMSR", msr);
    if (msr == IA32_EFER) {
        /* LME may change only with paging off; LMA follows CR0.PG (cr.c). */
        uint64_t old = vmcs_read(GUEST_IA32_EFER);
        bool paging = vmcs_read(CR0_READ_SHADOW) & CR0_PG;
        if ((value & ~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)) ||
            (paging && ((value ^ old) & EFER_LME))) {
            return vcpu_inject_fault(VECTOR_GP, "msr: WRMSR of IA32_EFER = 0x%lx is not "
                                     "allowed now: #GP\n", value);
        }
        value = (value & ~EFER_LMA) | (old & EFER_LMA);
    }
    if (msr != IA32_EFER && msr != IA32_SYSENTER_CS && !is_canonical(value)) {
        return vcpu_inject_fault(VECTOR_GP, "msr: WRMSR 0x%x = 0x%lx is not a canonical "
                                 "address: #GP\n", msr, value);
    }
    exit_log("msr: WRMSR 0x%x = 0x%lx\n", msr, value);
    vmcs_write(vmcs_field_of(msr), value);
    vcpu_skip_instruction();
    return EXIT_RESUME;
}
