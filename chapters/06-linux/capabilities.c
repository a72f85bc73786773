/* SPDX-License-Identifier: MIT */
/* What this CPU's VMX can do, decoded from the capability MSRs. Intel SDM
 * Vol. 3D, appendix "VMX Capability Reporting Facility". Chapter 2 sets its
 * controls from the same MSRs. */
#include "cpu.h"
#include "msr.h"
#include "printf.h"
#include "vmx.h"
#include "vmx/vmx_capabilities.h"
#include "vmx/vmx_controls.h"

static const char *yes_no(bool b)
{
    return b ? "yes" : "no";
}

static const char *memory_type_name(uint64_t type)
{
    return type == MEMORY_TYPE_WB ? "write-back"
         : type == MEMORY_TYPE_UC ? "uncacheable" : "other";
}

void vmx_print_capabilities(void)
{
    uint64_t basic = rdmsr(IA32_VMX_BASIC);
    bool true_ctls = basic & VMX_BASIC_TRUE_CONTROLS;
    /* With TRUE controls, the TRUE_* MSRs give the real allowed 0-settings;
     * the allowed 1-settings are the same in both. */
    uint64_t pin = rdmsr(true_ctls ? IA32_VMX_TRUE_PINBASED_CTLS : IA32_VMX_PINBASED_CTLS);
    uint64_t proc = rdmsr(true_ctls ? IA32_VMX_TRUE_PROCBASED_CTLS : IA32_VMX_PROCBASED_CTLS);
    uint64_t misc = rdmsr(IA32_VMX_MISC);

    bool secondary = VMX_CTLS_ALLOWED1(proc) & PROC_ACTIVATE_SECONDARY_CONTROLS;
    uint64_t proc2 = secondary ? rdmsr(IA32_VMX_PROCBASED_CTLS2) : 0;
    bool ept = VMX_CTLS_ALLOWED1(proc2) & PROC2_ENABLE_EPT;
    bool vpid = VMX_CTLS_ALLOWED1(proc2) & PROC2_ENABLE_VPID;
    uint64_t ept_vpid = (ept || vpid) ? rdmsr(IA32_VMX_EPT_VPID_CAP) : 0;
    bool timer = VMX_CTLS_ALLOWED1(pin) & PIN_ACTIVATE_VMX_PREEMPTION_TIMER;

    kprintf("VMX capabilities:\n");
    kprintf("  IA32_VMX_BASIC = 0x%016lx\n", basic);
    kprintf("  VMCS revision identifier 0x%lx, region size %lu bytes, "
            "memory type %s\n",
            basic & VMX_BASIC_REVISION_MASK,
            (basic >> VMX_BASIC_REGION_SIZE_SHIFT) & VMX_BASIC_REGION_SIZE_MASK,
            memory_type_name((basic >> VMX_BASIC_MEMORY_TYPE_SHIFT) &
                             VMX_BASIC_MEMORY_TYPE_MASK));
    kprintf("  TRUE control MSRs: %s\n", yes_no(true_ctls));
    kprintf("  secondary processor-based controls: %s\n", yes_no(secondary));
    if (timer)
        kprintf("  VMX-preemption timer: yes, one tick every 2^%lu TSC cycles\n",
                misc & VMX_MISC_PREEMPTION_TIMER_RATE_MASK);
    else
        kprintf("  VMX-preemption timer: no\n");
    kprintf("  activity states: HLT %s, shutdown %s, wait-for-SIPI %s\n",
            yes_no(misc & VMX_MISC_ACTIVITY_HLT),
            yes_no(misc & VMX_MISC_ACTIVITY_SHUTDOWN),
            yes_no(misc & VMX_MISC_ACTIVITY_WAIT_FOR_SIPI));
    if (ept)
        kprintf("  EPT: yes, 4-level walk %s, write-back %s, 2 MiB pages %s, "
                "1 GiB pages %s, accessed and dirty flags %s, INVEPT %s\n",
                yes_no(ept_vpid & EPT_CAP_PAGE_WALK_4),
                yes_no(ept_vpid & EPT_CAP_MEMORY_TYPE_WB),
                yes_no(ept_vpid & EPT_CAP_PDE_2MB),
                yes_no(ept_vpid & EPT_CAP_PDPTE_1GB),
                yes_no(ept_vpid & EPT_CAP_ACCESSED_DIRTY),
                yes_no(ept_vpid & EPT_CAP_INVEPT));
    else
        kprintf("  EPT: no\n");
    kprintf("  VPID: %s\n", yes_no(vpid));
    kprintf("  unrestricted guest: %s\n",
            yes_no(VMX_CTLS_ALLOWED1(proc2) & PROC2_UNRESTRICTED_GUEST));
}
