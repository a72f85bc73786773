/* SPDX-License-Identifier: MIT */
/* Control-register accesses. A guest write to a CR0 or CR4 bit that the
 * guest/host mask owns exits ("Guest/Host Masks and Read Shadows for CR0
 * and CR4"); reads of owned bits return the read shadow without an exit.
 * The owned bits are those VMX fixes: the guest sees the values it wrote
 * in the shadow, while the real register keeps what VMX needs. */
#include "cpu.h"
#include "exit_log.h"
#include "exits.h"
#include "msr.h"
#include "printf.h"
#include "x86.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

#define CR0_RESERVED_HIGH_SHIFT 32
#define CR8_TPR_MASK 0xFull /* CR8 bits 3:0 hold the task priority; 63:4 are reserved */
#define CR8 8

/* CR8 is the task-priority register, an alias of the local APIC's TPR.
 * "CR8-load exiting" and "CR8-store exiting" keep it away from the real
 * APIC, which is the host's: the guest gets its own, which nothing here
 * consults, since no interrupt reaches the guest. */
static uint64_t guest_task_priority;

static enum exit_action guest_write_cr8(uint64_t value)
{
    if (value & ~CR8_TPR_MASK)
        return vcpu_inject_fault(VECTOR_GP, "cr: guest tried to set CR8 = 0x%lx, reserved "
                                 "bits 63:4: #GP\n", value);
    guest_task_priority = value;
    vcpu_skip_instruction();
    return EXIT_RESUME;
}

static uint64_t vmx_fixed(uint64_t value, uint32_t fixed0_msr, uint32_t fixed1_msr)
{
    return (value | rdmsr(fixed0_msr)) & rdmsr(fixed1_msr);
}

static enum exit_action guest_write_cr0(uint64_t value)
{
    /* "MOV—Move to/from Control Registers": setting a reserved bit (63:32)
     * or NW without CD is a #GP. */
    if (value >> CR0_RESERVED_HIGH_SHIFT)
        return vcpu_inject_fault(VECTOR_GP, "cr: guest tried to set CR0 bits 63:32 (0x%lx): "
                                 "#GP\n", value);
    if ((value & CR0_NW) && !(value & CR0_CD))
        return vcpu_inject_fault(VECTOR_GP, "cr: guest tried to set CR0.NW without CR0.CD: "
                                 "#GP\n");
    /* In IA-32e mode, clearing CR0.PG is a #GP ("MOV—Move to/from Control
     * Registers"), and so is PG without PE anywhere. */
    if (!(value & CR0_PG) || !(value & CR0_PE))
        return vcpu_inject_fault(VECTOR_GP, "cr: guest tried to clear CR0.PG or CR0.PE in "
                                 "64-bit mode: #GP\n");
    uint64_t real = vmx_fixed(value, IA32_VMX_CR0_FIXED0, IA32_VMX_CR0_FIXED1);
    exit_log("cr: guest writes CR0 = 0x%lx, runs with 0x%lx\n", value, real);
    vmcs_write(CR0_READ_SHADOW, value);
    vmcs_write(GUEST_CR0, real);
    vcpu_skip_instruction();
    return EXIT_RESUME;
}

static enum exit_action guest_write_cr4(uint64_t value)
{
    /* CPUID hides VMX from the guest, so CR4.VMXE is a reserved bit to it. */
    if (value & CR4_VMXE)
        return vcpu_inject_fault(VECTOR_GP, "cr: guest tried to set CR4.VMXE, but VMX is "
                                 "hidden from it: #GP\n");
    /* Bits this CPU cannot set in VMX operation are reserved to the guest. */
    if (value & ~rdmsr(IA32_VMX_CR4_FIXED1))
        return vcpu_inject_fault(VECTOR_GP, "cr: guest tried to set CR4 bits 0x%lx this CPU "
                                 "does not allow: #GP\n", value & ~rdmsr(IA32_VMX_CR4_FIXED1));
    uint64_t real = vmx_fixed(value, IA32_VMX_CR4_FIXED0, IA32_VMX_CR4_FIXED1);
    exit_log("cr: guest writes CR4 = 0x%lx, runs with 0x%lx\n", value, real);
    vmcs_write(CR4_READ_SHADOW, value);
    vmcs_write(GUEST_CR4, real);
    vcpu_skip_instruction();
    return EXIT_RESUME;
}

enum exit_action handle_cr_access(struct vcpu *v)
{
    uint64_t q = vmcs_read(EXIT_QUALIFICATION);
    unsigned cr = q & CR_QUAL_NUMBER_MASK;
    unsigned access = (q & CR_QUAL_ACCESS_TYPE_MASK) >> CR_QUAL_ACCESS_TYPE_SHIFT;
    unsigned gpr = (q & CR_QUAL_GPR_MASK) >> CR_QUAL_GPR_SHIFT;

    if (access == CR_QUAL_ACCESS_MOV_TO_CR && cr == 0)
        return guest_write_cr0(vcpu_gpr_read(v, gpr));
    if (access == CR_QUAL_ACCESS_MOV_TO_CR && cr == 4)
        return guest_write_cr4(vcpu_gpr_read(v, gpr));
    if (access == CR_QUAL_ACCESS_MOV_TO_CR && cr == CR8)
        return guest_write_cr8(vcpu_gpr_read(v, gpr));
    if (access == CR_QUAL_ACCESS_MOV_FROM_CR && cr == CR8) {
        vcpu_gpr_write(v, gpr, guest_task_priority);
        vcpu_skip_instruction();
        return EXIT_RESUME;
    }
    if (access == CR_QUAL_ACCESS_LMSW) {
        /* LMSW loads CR0[3:0] but cannot clear PE. */
        uint64_t msw = (q & CR_QUAL_LMSW_SOURCE_MASK) >> CR_QUAL_LMSW_SOURCE_SHIFT;
        uint64_t low = CR0_PE | CR0_MP | CR0_EM | CR0_TS;
        uint64_t old = vmcs_read(CR0_READ_SHADOW);
        return guest_write_cr0((old & ~low) | (msw & low) | (old & CR0_PE));
    }
    kprintf("cr: unexpected access type %u to CR%u, exit qualification 0x%lx\n",
            access, cr, q);
    vcpu_dump_registers(v);
    return vcpu_end(v, false, "unexpected control-register access to CR%u", cr);
}
