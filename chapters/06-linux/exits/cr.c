/* SPDX-License-Identifier: MIT */
/* Control-register accesses. A guest write to a CR0 or CR4 bit that the
 * guest/host mask owns exits ("Guest/Host Masks and Read Shadows for CR0
 * and CR4"); reads of owned bits return the read shadow without an exit.
 * The owned bits are those VMX fixes: the guest sees the values it wrote
 * in the shadow, while the real register keeps what VMX needs. PE and PG
 * are fixed too, and with unrestricted guest they are the guest's to
 * change: their exits let the hypervisor follow its mode switches. */
#include "cpu.h"
#include "exit_log.h"
#include "exits.h"
#include "msr.h"
#include "panic.h"
#include "printf.h"
#include "vmcs.h"
#include "vpc.h"
#include "vmx/access_rights.h"
#include "x86.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

#define CR0_RESERVED_HIGH_SHIFT 32
#define CR8_TPR_MASK 0xFull /* CR8 bits 3:0 hold the task priority; 63:4 are reserved */
#define CR8 8

/* CR8 is the task-priority register, an alias of the local APIC's TPR
 * bits 7:4 ("Task Priority Register (TPR)"). "CR8-load exiting" and
 * "CR8-store exiting" keep it away from the real APIC, which is the
 * host's: the guest's is the virtual local APIC's TPR. */
#define TPR_CLASS_SHIFT 4

static enum exit_action guest_write_cr8(uint64_t value)
{
    if (value & ~CR8_TPR_MASK)
        return vcpu_inject_fault(VECTOR_GP, "cr: guest tried to set CR8 = 0x%lx, reserved "
                                 "bits 63:4: #GP\n", value);
    vpc.lapic.tpr = (uint32_t)value << TPR_CLASS_SHIFT;
    vpc_changed();
    vcpu_skip_instruction();
    return EXIT_RESUME;
}

static uint64_t vmx_fixed(uint64_t value, uint32_t fixed0_msr, uint32_t fixed1_msr)
{
    return (value | rdmsr(fixed0_msr)) & rdmsr(fixed1_msr);
}

/* With VPID, VM entries keep the guest's TLB entries; the hypervisor flushes
 * them itself where the guest's own instruction would have ("Invalidating
 * Cached Translation Information", INVVPID). */
static void flush_guest_tlb(void)
{
    if (!(vmcs_read(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS) & PROC2_ENABLE_VPID))
        return;
    struct invvpid_descriptor d = {.vpid = VPID_GUEST};
    enum vmx_status s = invvpid(INVVPID_SINGLE_CONTEXT, &d);
    if (s != VMX_SUCCEED)
        panic("INVVPID failed: %s", vmx_failure_reason(s));
}

static enum exit_action pae_paging_unsupported(struct vcpu *v)
{
    uint64_t rip = vmcs_read(GUEST_RIP);
    kprintf("cr: guest turns on PAE paging at RIP 0x%lx, which this hypervisor does not "
            "emulate (no PDPTE loading, no PAE page walk)\n", rip);
    vcpu_dump_registers(v);
    return vcpu_end(v, false, "PAE paging is not supported (guest RIP 0x%lx)", rip);
}

/* The guest owns CR0.PE and CR0.PG (unrestricted guest), but the mask
 * makes their changes exit, so that the hypervisor can do what the CPU
 * does on a mode switch: turning paging on with EFER.LME = 1 activates
 * IA-32e mode (EFER.LMA), which VM entry takes from the "IA-32e mode
 * guest" control ("Unrestricted Guests" in Intel SDM Vol. 3C). */
static enum exit_action guest_write_cr0(struct vcpu *v, uint64_t value)
{
    /* "MOV—Move to/from Control Registers": setting a reserved bit (63:32)
     * or NW without CD is a #GP. */
    if (value >> CR0_RESERVED_HIGH_SHIFT)
        return vcpu_inject_fault(VECTOR_GP, "cr: guest tried to set CR0 bits 63:32 (0x%lx): "
                                 "#GP\n", value);
    if ((value & CR0_NW) && !(value & CR0_CD))
        return vcpu_inject_fault(VECTOR_GP, "cr: guest tried to set CR0.NW without CR0.CD: "
                                 "#GP\n");
    uint64_t old = vmcs_read(CR0_READ_SHADOW);
    uint64_t efer = vmcs_read(GUEST_IA32_EFER);
    uint64_t entry = vmcs_read(VM_ENTRY_CONTROLS);

    if ((value & CR0_PG) && !(value & CR0_PE))
        return vcpu_inject_fault(VECTOR_GP, "cr: guest tried to set CR0.PG without CR0.PE: "
                                 "#GP\n");
    if ((value & CR0_PG) && !(old & CR0_PG) && (efer & EFER_LME)) {
        if (!(vmcs_read(GUEST_CR4) & CR4_PAE))
            return vcpu_inject_fault(VECTOR_GP, "cr: guest enabled paging with EFER.LME but "
                                     "without CR4.PAE: #GP\n");
        efer |= EFER_LMA;
        entry |= ENTRY_IA_32E_MODE_GUEST;
        exit_log("cr: guest turns on paging with EFER.LME = 1: IA-32e mode, EFER.LMA and "
                 "\"IA-32e mode guest\" set\n");
    } else if (!(value & CR0_PG) && (efer & EFER_LMA) &&
               (vmcs_read(GUEST_CS_ACCESS_RIGHTS) & AR_L)) {
        /* Leaving long mode must start from compatibility mode. */
        return vcpu_inject_fault(VECTOR_GP, "cr: guest tried to clear CR0.PG in 64-bit mode: "
                                 "#GP\n");
    } else if (!(value & CR0_PG) && (efer & EFER_LMA)) {
        efer &= ~EFER_LMA;
        entry &= ~ENTRY_IA_32E_MODE_GUEST;
        exit_log("cr: guest turns off paging: it leaves IA-32e mode\n");
    }
    /* PAE paging outside IA-32e mode would need GUEST_PDPTE0-3 loaded from
     * the guest's CR3 at this exit ("Loading Page-Directory-Pointer-Table
     * Entries"), and a page walk that knows PAE: this hypervisor has
     * neither, so it ends the guest by name rather than run it wrong. */
    if ((value & CR0_PG) && !(efer & EFER_LME) && (vmcs_read(GUEST_CR4) & CR4_PAE))
        return pae_paging_unsupported(v);
    if ((value ^ old) & CR0_PE)
        exit_log("cr: guest %s protected mode (CR0.PE = %d)\n",
                 (value & CR0_PE) ? "enters" : "leaves", (value & CR0_PE) ? 1 : 0);

    /* The real CR0 keeps VMX's fixed bits, except PE and PG. */
    uint64_t fixed0 = rdmsr(IA32_VMX_CR0_FIXED0) & ~(CR0_PE | CR0_PG);
    uint64_t real = (value | fixed0) & rdmsr(IA32_VMX_CR0_FIXED1);
    exit_log("cr: guest writes CR0 = 0x%lx, runs with 0x%lx\n", value, real);
    vmcs_write(CR0_READ_SHADOW, value);
    vmcs_write(GUEST_CR0, real);
    vmcs_write(GUEST_IA32_EFER, efer);
    if ((value ^ old) & CR0_PG)
        flush_guest_tlb(); /* a paging change flushes the TLB, as on bare metal */
    vmcs_write(VM_ENTRY_CONTROLS, entry);
    vcpu_skip_instruction();
    return EXIT_RESUME;
}

static enum exit_action guest_write_cr4(struct vcpu *v, uint64_t value)
{
    /* CPUID hides VMX from the guest, so CR4.VMXE is a reserved bit to it. */
    if (value & CR4_VMXE)
        return vcpu_inject_fault(VECTOR_GP, "cr: guest tried to set CR4.VMXE, but VMX is "
                                 "hidden from it: #GP\n");
    /* Bits this CPU cannot set in VMX operation are reserved to the guest. */
    if (value & ~rdmsr(IA32_VMX_CR4_FIXED1))
        return vcpu_inject_fault(VECTOR_GP, "cr: guest tried to set CR4 bits 0x%lx this CPU "
                                 "does not allow: #GP\n", value & ~rdmsr(IA32_VMX_CR4_FIXED1));
    if ((value & CR4_PAE) && (vmcs_read(CR0_READ_SHADOW) & CR0_PG) &&
        !(vmcs_read(GUEST_IA32_EFER) & EFER_LMA))
        return pae_paging_unsupported(v);
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
        return guest_write_cr0(v, vcpu_gpr_read(v, gpr));
    if (access == CR_QUAL_ACCESS_MOV_TO_CR && cr == 4)
        return guest_write_cr4(v, vcpu_gpr_read(v, gpr));
    if (access == CR_QUAL_ACCESS_MOV_TO_CR && cr == CR8)
        return guest_write_cr8(vcpu_gpr_read(v, gpr));
    if (access == CR_QUAL_ACCESS_MOV_FROM_CR && cr == CR8) {
        vcpu_gpr_write(v, gpr,
                       (vpc.lapic.tpr & CR8_TPR_MASK << TPR_CLASS_SHIFT) >> TPR_CLASS_SHIFT);
        vcpu_skip_instruction();
        return EXIT_RESUME;
    }
    if (access == CR_QUAL_ACCESS_LMSW) {
        /* LMSW loads CR0[3:0] but cannot clear PE. */
        uint64_t msw = (q & CR_QUAL_LMSW_SOURCE_MASK) >> CR_QUAL_LMSW_SOURCE_SHIFT;
        uint64_t low = CR0_PE | CR0_MP | CR0_EM | CR0_TS;
        uint64_t old = vmcs_read(CR0_READ_SHADOW);
        return guest_write_cr0(v, (old & ~low) | (msw & low) | (old & CR0_PE));
    }
    kprintf("cr: unexpected access type %u to CR%u, exit qualification 0x%lx\n",
            access, cr, q);
    vcpu_dump_registers(v);
    return vcpu_end(v, false, "unexpected control-register access to CR%u", cr);
}
