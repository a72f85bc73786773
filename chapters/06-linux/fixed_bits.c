/* SPDX-License-Identifier: MIT */
/* CR0 and CR4 in VMX operation. Intel SDM Vol. 3C, "Restrictions on VMX
 * Operation": a bit set in IA32_VMX_CRn_FIXED0 must be 1, a bit clear in
 * IA32_VMX_CRn_FIXED1 must be 0. CR4.VMXE is among the bits fixed to 1, so
 * setting it is part of the same step. */
#include "cpu.h"
#include "msr.h"
#include "printf.h"
#include "vmx.h"
#include "x86.h"

uint64_t apply_fixed_bits(uint64_t value, uint64_t fixed0, uint64_t fixed1)
{
    /* LAB fixed-bits (25 points): a bit set in FIXED0 must be 1 and a bit
     * clear in FIXED1 must be 0: return VALUE with both rules applied.
     * Graded by: test_ch01_vmxon.py::test_vmxon_and_capabilities_under_bochs
     * Student stub:
     *     (void)value;
     *     (void)fixed0;
     *     (void)fixed1;
     *     run_fail("lab fixed-bits is not done yet");
     */
    return (value | fixed0) & fixed1;
    /* END LAB fixed-bits */
}

void vmx_fix_control_registers(void)
{
    uint64_t fixed0 = rdmsr(IA32_VMX_CR0_FIXED0), fixed1 = rdmsr(IA32_VMX_CR0_FIXED1);
    uint64_t before = read_cr0(), after = apply_fixed_bits(before, fixed0, fixed1);
    write_cr0(after);
    kprintf("CR0 = 0x%lx -> 0x%lx (IA32_VMX_CR0_FIXED0 0x%lx, FIXED1 0x%lx)\n",
            before, after, fixed0, fixed1);

    fixed0 = rdmsr(IA32_VMX_CR4_FIXED0);
    fixed1 = rdmsr(IA32_VMX_CR4_FIXED1);
    before = read_cr4();
    after = apply_fixed_bits(before | CR4_VMXE, fixed0, fixed1);
    write_cr4(after);
    kprintf("CR4 = 0x%lx -> 0x%lx (IA32_VMX_CR4_FIXED0 0x%lx, FIXED1 0x%lx)\n",
            before, after, fixed0, fixed1);
}
