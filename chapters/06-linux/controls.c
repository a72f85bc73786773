/* SPDX-License-Identifier: MIT */
/* Every VMX control goes through controls_compute(): the CPU's capability
 * MSRs say which bits must be 1 and which may be 1, and a hypervisor that
 * writes anything else fails VM entry with "invalid control field(s)".
 * Intel SDM Vol. 3C, "Algorithms for Determining VMX Capabilities". */
#include "controls.h"
#include "cpu.h"
#include "msr.h"
#include "printf.h"
#include "vmx/vmx_capabilities.h"
#include "vmx/vmx_controls.h"

uint32_t controls_adjust(uint32_t wanted, uint64_t capability, uint32_t *refused)
{
    uint32_t must_be_1 = VMX_CTLS_ALLOWED0(capability);
    uint32_t may_be_1 = VMX_CTLS_ALLOWED1(capability);
    *refused = wanted & ~may_be_1;
    return (wanted | must_be_1) & may_be_1;
}

uint64_t controls_capability(enum control_group group)
{
    bool true_ctls = rdmsr(IA32_VMX_BASIC) & VMX_BASIC_TRUE_CONTROLS;
    switch (group) {
    case CONTROLS_PIN_BASED:
        return rdmsr(true_ctls ? IA32_VMX_TRUE_PINBASED_CTLS : IA32_VMX_PINBASED_CTLS);
    case CONTROLS_PRIMARY_PROCESSOR_BASED:
        return rdmsr(true_ctls ? IA32_VMX_TRUE_PROCBASED_CTLS : IA32_VMX_PROCBASED_CTLS);
    case CONTROLS_SECONDARY_PROCESSOR_BASED:
        /* Exists only if the primary controls can activate it. */
        if (!(VMX_CTLS_ALLOWED1(controls_capability(CONTROLS_PRIMARY_PROCESSOR_BASED)) &
              PROC_ACTIVATE_SECONDARY_CONTROLS))
            return 0;
        return rdmsr(IA32_VMX_PROCBASED_CTLS2);
    case CONTROLS_VM_EXIT:
        return rdmsr(true_ctls ? IA32_VMX_TRUE_EXIT_CTLS : IA32_VMX_EXIT_CTLS);
    case CONTROLS_VM_ENTRY:
        return rdmsr(true_ctls ? IA32_VMX_TRUE_ENTRY_CTLS : IA32_VMX_ENTRY_CTLS);
    case CONTROL_GROUPS:
        break;
    }
    return 0;
}

struct checker_capabilities controls_capabilities(void)
{
    return (struct checker_capabilities){
        .pin = controls_capability(CONTROLS_PIN_BASED),
        .proc = controls_capability(CONTROLS_PRIMARY_PROCESSOR_BASED),
        .proc2 = controls_capability(CONTROLS_SECONDARY_PROCESSOR_BASED),
        .exit = controls_capability(CONTROLS_VM_EXIT),
        .entry = controls_capability(CONTROLS_VM_ENTRY),
    };
}

bool controls_available(enum control_group group, uint32_t control)
{
    return VMX_CTLS_ALLOWED1(controls_capability(group)) & control;
}

bool controls_compute(enum control_group group, uint32_t wanted, uint32_t *value)
{
    uint32_t refused;
    *value = controls_adjust(wanted, controls_capability(group), &refused);
    for (unsigned bit = 0; bit < 32; bit++)
        if (refused & (1u << bit))
            kprintf("controls: this CPU cannot set %s control \"%s\" (bit %u)\n",
                    control_group_name(group), control_name(group, bit), bit);
    return refused == 0;
}

const char *control_group_name(enum control_group group)
{
    static const char *const names[CONTROL_GROUPS] = {
        [CONTROLS_PIN_BASED] = "pin-based VM-execution",
        [CONTROLS_PRIMARY_PROCESSOR_BASED] = "primary processor-based VM-execution",
        [CONTROLS_SECONDARY_PROCESSOR_BASED] = "secondary processor-based VM-execution",
        [CONTROLS_VM_EXIT] = "VM-exit",
        [CONTROLS_VM_ENTRY] = "VM-entry",
    };
    return group < CONTROL_GROUPS ? names[group] : "unknown";
}

/* Only the controls this chapter asks for need a name. */
const char *control_name(enum control_group group, unsigned bit)
{
    uint32_t c = 1u << bit;
    switch (group) {
    case CONTROLS_PIN_BASED:
        if (c == PIN_EXTERNAL_INTERRUPT_EXITING) return "external-interrupt exiting";
        if (c == PIN_NMI_EXITING) return "NMI exiting";
        if (c == PIN_VIRTUAL_NMIS) return "virtual NMIs";
        if (c == PIN_ACTIVATE_VMX_PREEMPTION_TIMER) return "activate VMX-preemption timer";
        break;
    case CONTROLS_PRIMARY_PROCESSOR_BASED:
        if (c == PROC_USE_TSC_OFFSETTING) return "use TSC offsetting";
        if (c == PROC_RDPMC_EXITING) return "RDPMC exiting";
        if (c == PROC_MONITOR_EXITING) return "MONITOR exiting";
        if (c == PROC_MWAIT_EXITING) return "MWAIT exiting";
        if (c == PROC_HLT_EXITING) return "HLT exiting";
        if (c == PROC_USE_IO_BITMAPS) return "use I/O bitmaps";
        if (c == PROC_USE_MSR_BITMAPS) return "use MSR bitmaps";
        if (c == PROC_ACTIVATE_SECONDARY_CONTROLS) return "activate secondary controls";
        break;
    case CONTROLS_SECONDARY_PROCESSOR_BASED:
        if (c == PROC2_ENABLE_EPT) return "enable EPT";
        if (c == PROC2_ENABLE_VPID) return "enable VPID";
        if (c == PROC2_UNRESTRICTED_GUEST) return "unrestricted guest";
        break;
    case CONTROLS_VM_EXIT:
        if (c == EXIT_HOST_ADDRESS_SPACE_SIZE) return "host address-space size";
        if (c == EXIT_ACKNOWLEDGE_INTERRUPT_ON_EXIT) return "acknowledge interrupt on exit";
        if (c == EXIT_SAVE_IA32_EFER) return "save IA32_EFER";
        if (c == EXIT_LOAD_IA32_EFER) return "load IA32_EFER";
        break;
    case CONTROLS_VM_ENTRY:
        if (c == ENTRY_IA_32E_MODE_GUEST) return "IA-32e mode guest";
        if (c == ENTRY_LOAD_IA32_EFER) return "load IA32_EFER";
        break;
    case CONTROL_GROUPS:
        break;
    }
    return "unnamed control";
}
