/* SPDX-License-Identifier: MIT */
/* VMXON and VMXOFF. Intel SDM Vol. 3C, "VMXON Region" and "Enabling and
 * Entering VMX Operation": the VMXON region is a 4 KiB-aligned block of the
 * size IA32_VMX_BASIC gives, whose bits 30:0 of the first 32-bit word hold the VMCS revision
 * identifier; the processor keeps its own VMX state there. */
#include "msr.h"
#include "cpu.h"
#include "page_alloc.h"
#include "printf.h"
#include "vmx.h"
#include "vmx/vmx_capabilities.h"
#include "vmx/vmx_insn.h"

uint64_t vmxon_region_create(bool corrupt_revision)
{
    /* LAB vmxon-region (30 points): allocate a page for the VMXON region and
     * write the VMCS revision identifier from IA32_VMX_BASIC into its first
     * word (flipping bit 0 for scenario=bad-revision); print the line the
     * tests expect and return the region's physical address.
     * Graded by: test_ch01_vmxon.py::test_vmxon_and_capabilities_under_bochs,
     *   test_ch01_vmxon.py::test_wrong_revision_identifier_makes_vmxon_fail
     * Student stub:
     *     (void)corrupt_revision;
     *     run_fail("lab vmxon-region is not done yet");
     */
    uint64_t basic = rdmsr(IA32_VMX_BASIC);
    uint32_t revision = (uint32_t)(basic & VMX_BASIC_REVISION_MASK);
    uint64_t size = (basic >> VMX_BASIC_REGION_SIZE_SHIFT) & VMX_BASIC_REGION_SIZE_MASK;
    struct vmxon_region *region = page_alloc(1);

    if (corrupt_revision)
        revision ^= 1; /* scenario=bad-revision: VMXON must refuse this */
    region->revision = revision;
    kprintf("VMXON region at 0x%lx (%lu bytes), revision identifier 0x%x%s\n",
            (uint64_t)(uintptr_t)region, size, revision,
            corrupt_revision ? " (deliberately wrong)" : "");
    return (uint64_t)(uintptr_t)region;
    /* END LAB vmxon-region */
}

const char *vmx_enter(uint64_t vmxon_region)
{
    /* LAB vmx-enter (25 points): execute VMXON on the region; on VMfail return
     * the decoded reason, on VMsucceed say so and return 0.
     * Graded by: test_ch01_vmxon.py::test_vmxon_and_capabilities_under_bochs,
     *   test_ch01_vmxon.py::test_wrong_revision_identifier_makes_vmxon_fail
     * Student stub:
     *     (void)vmxon_region;
     *     run_fail("lab vmx-enter is not done yet");
     */
    enum vmx_status s = vmxon(vmxon_region);
    if (s != VMX_SUCCEED)
        return vmx_failure_reason(s); /* no current VMCS: VMfailInvalid */
    kprintf("VMXON: VMsucceed, now in VMX root operation\n");
    return 0;
    /* END LAB vmx-enter */
}

const char *vmx_leave(void)
{
    enum vmx_status s = vmxoff();
    if (s != VMX_SUCCEED)
        return vmx_failure_reason(s);
    kprintf("VMXOFF: VMsucceed, back in normal operation\n");
    return 0;
}
