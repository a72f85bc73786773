/* SPDX-License-Identifier: MIT */
/* RDMSR and WRMSR of the MSRs the MSR bitmaps make exit ("MSR-Bitmap
 * Address"): msr_policy.c's table says where each one's value lives. The
 * TSC, IA32_APIC_BASE and IA32_TSC_DEADLINE are the virtual PC's
 * (virtual_time.c, vpc.c); an MSR not in the table raises #GP, as on a CPU
 * without that MSR. RDPMC exits too: the PMU is hidden. */
#include "exit_log.h"
#include "exits.h"
#include "msr.h"
#include "msr_policy.h"
#include "printf.h"
#include "x86.h"
#include "lapic.h"
#include "vmcs.h"
#include "virtual_time.h"
#include "vpc.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"

#define IA32_TIME_STAMP_COUNTER 0x10u
#define IA32_APIC_BASE 0x1Bu
#define IA32_TSC_DEADLINE 0x6E0u

static struct msr_emulated emulated;

static enum exit_action unknown_msr(const char *insn, uint32_t msr)
{
    return vcpu_inject_fault(VECTOR_GP, "msr: %s of MSR 0x%x, which this guest does not "
                             "have: #GP\n", insn, msr);
}

static uint64_t virtual_pc_read(uint32_t msr)
{
    if (msr == IA32_TIME_STAMP_COUNTER)
        return virtual_time_now();
    if (msr == IA32_APIC_BASE)
        return vpc.apic_base;
    return vpc.lapic.tsc_deadline;
}

enum exit_action handle_rdmsr(struct vcpu *v)
{
    uint32_t msr = (uint32_t)v->gpr[GPR_RCX];
    const struct msr_row *row = msr_policy_find(msr, v->offers);
    uint64_t value;
    if (!row)
        return unknown_msr("RDMSR", msr);
    if (row->class == MSR_VIRTUAL_PC)
        value = virtual_pc_read(msr);
    else if (row->class == MSR_EMULATED)
        value = msr_emulated_read(&emulated, msr);
    else if (row->class == MSR_GUEST_STATE)
        value = vmcs_read(row->field);
    else
        value = *vmcs_guest_msr_slot(msr);
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

static enum exit_action write_emulated(struct vcpu *v, const struct msr_row *row,
                                       uint32_t msr, uint64_t value)
{
    enum msr_write w = msr_emulated_write(&emulated, msr, value);
    if (w == MSR_WRITE_GP)
        return vcpu_inject_fault(VECTOR_GP, "msr: WRMSR %s (0x%x) = 0x%lx: reserved bits or "
                                 "a read-only MSR: #GP\n", row->name, msr, value);
    if (w == MSR_WRITE_NOT_EMULATED) {
        kprintf("msr: WRMSR %s = 0x%lx changes what stepvisor does not emulate\n", row->name,
                value);
        return vcpu_end(v, false, "WRMSR %s = 0x%lx: not emulated", row->name, value);
    }
    vcpu_skip_instruction();
    return EXIT_RESUME;
}

enum exit_action handle_wrmsr(struct vcpu *v)
{
    uint32_t msr = (uint32_t)v->gpr[GPR_RCX];
    uint64_t value = (v->gpr[GPR_RDX] << 32) | (v->gpr[GPR_RAX] & LOW_32_BITS);
    const struct msr_row *row = msr_policy_find(msr, v->offers);
    if (!row)
        return unknown_msr("WRMSR", msr);
    if (row->class == MSR_VIRTUAL_PC)
        return write_time_msr(v, msr, value);
    if (row->class == MSR_EMULATED)
        return write_emulated(v, row, msr, value);
    if (!msr_value_valid(msr, value))
        return vcpu_inject_fault(VECTOR_GP, "msr: WRMSR %s = 0x%lx: reserved bits or an "
                                 "invalid value: #GP\n", row->name, value);
    if (msr == IA32_EFER) {
        /* LME may change only with paging off; LMA follows CR0.PG (cr.c). */
        uint64_t old = vmcs_read(GUEST_IA32_EFER);
        if ((vmcs_read(CR0_READ_SHADOW) & CR0_PG) && ((value ^ old) & EFER_LME))
            return vcpu_inject_fault(VECTOR_GP, "msr: WRMSR of IA32_EFER = 0x%lx is not "
                                     "allowed now: #GP\n", value);
        value = (value & ~EFER_LMA) | (old & EFER_LMA);
    }
    exit_log("msr: WRMSR 0x%x = 0x%lx\n", msr, value);
    if (row->class == MSR_GUEST_STATE)
        vmcs_write(row->field, value);
    else
        *vmcs_guest_msr_slot(msr) = value;
    vcpu_skip_instruction();
    return EXIT_RESUME;
}

enum exit_action handle_rdpmc(struct vcpu *v)
{
    return vcpu_inject_fault(VECTOR_GP, "msr: RDPMC of counter 0x%x, but the PMU is hidden: "
                             "#GP\n", (uint32_t)v->gpr[GPR_RCX]);
}
