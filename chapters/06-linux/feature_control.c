/* SPDX-License-Identifier: MIT */
/* IA32_FEATURE_CONTROL: firmware's say on VMX. Intel SDM Vol. 3C, "Enabling
 * and Entering VMX Operation": VMXON outside SMX raises #GP unless the lock
 * bit and "enable VMX outside SMX" are both set. Once locked, the MSR cannot
 * change until reset. */
#include "cpu.h"
#include "msr.h"
#include "printf.h"
#include "vmx.h"

enum feature_control_verdict feature_control_verdict(uint64_t value)
{
    if (!(value & IA32_FEATURE_CONTROL_LOCK))
        return FEATURE_CONTROL_UNLOCKED;
    if (value & IA32_FEATURE_CONTROL_VMX_OUTSIDE_SMX)
        return FEATURE_CONTROL_VMX_ENABLED;
    return FEATURE_CONTROL_LOCKED_OFF;
}

bool feature_control_enable(void)
{
    /* LAB feature-control (20 points): read IA32_FEATURE_CONTROL and decide:
     * VMX outside SMX enabled and locked, go on; unlocked, enable it and lock
     * the MSR as firmware would; locked with VMX off, say how to fix it.
     * Graded by: test_ch01_vmxon.py::test_vmxon_and_capabilities_under_bochs
     * Student stub:
     *     run_fail("lab feature-control is not done yet");
     */
    uint64_t value = rdmsr(IA32_FEATURE_CONTROL);
    switch (feature_control_verdict(value)) {
    case FEATURE_CONTROL_VMX_ENABLED:
        kprintf("IA32_FEATURE_CONTROL = 0x%lx: locked, VMX outside SMX "
                "enabled\n", value);
        return true;
    case FEATURE_CONTROL_UNLOCKED:
        /* Nobody has decided yet: enable VMX and lock, as firmware would. */
        value |= IA32_FEATURE_CONTROL_VMX_OUTSIDE_SMX | IA32_FEATURE_CONTROL_LOCK;
        wrmsr(IA32_FEATURE_CONTROL, value);
        kprintf("IA32_FEATURE_CONTROL = 0x%lx: was unlocked; VMX outside SMX "
                "enabled and locked by stepvisor\n", value);
        return true;
    case FEATURE_CONTROL_LOCKED_OFF:
        kprintf("IA32_FEATURE_CONTROL = 0x%lx: locked with VMX outside SMX "
                "disabled (enable VT-x in the firmware setup)\n", value);
        return false;
    }
    /* END LAB feature-control */
    return false;
}
