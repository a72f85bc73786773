/* SPDX-License-Identifier: MIT */
/* VMX instructions in the guest (VMXON, VMREAD, INVEPT, ...). They exit
 * unconditionally in VMX non-root operation ("Instructions That Cause VM
 * Exits Unconditionally"), but this hypervisor offers no nested VMX: CPUID
 * hides it and CR4.VMXE cannot be set (cpuid.c, cr.c). On such a CPU each
 * of them is an invalid opcode (VMXON: "IF ... CR4.VMXE = 0 ... THEN #UD"),
 * so that is what the guest gets. */
#include "exits.h"
#include "x86.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_reasons.h"

enum exit_action handle_vmx_instruction(struct vcpu *v)
{
    (void)v;
    uint32_t basic = (uint32_t)vmcs_read(EXIT_REASON) & EXIT_REASON_BASIC_MASK;
    return vcpu_inject_fault(VECTOR_UD, "vmx: the guest executed %s at RIP 0x%lx, but VMX "
                             "is hidden from it: #UD\n", exit_reason_name(basic),
                             vmcs_read(GUEST_RIP));
}
