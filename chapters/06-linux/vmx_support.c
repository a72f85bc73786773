/* SPDX-License-Identifier: MIT */
/* Does this CPU have VMX at all? Intel SDM Vol. 3C, "Discovering Support
 * for VMX": CPUID.1:ECX.VMX[bit 5] = 1. */
#include "cpu.h"
#include "printf.h"
#include "vmx.h"
#include "x86.h"

bool vmx_supported(void)
{
    struct cpuid_regs r = cpuid(CPUID_VENDOR, 0);
    char vendor[13];
    /* The vendor string is spread over EBX, EDX, ECX, in that order. */
    for (int i = 0; i < 4; i++) {
        vendor[i] = (char)(r.ebx >> (8 * i));
        vendor[4 + i] = (char)(r.edx >> (8 * i));
        vendor[8 + i] = (char)(r.ecx >> (8 * i));
    }
    vendor[12] = '\0';

    bool vmx = cpuid(CPUID_FEATURES, 0).ecx & CPUID_FEATURES_ECX_VMX;
    kprintf("CPUID: vendor %s, CPUID.1:ECX.VMX = %d\n", vendor, vmx);
    if (!vmx && (cpuid(CPUID_EXT_FEATURES, 0).ecx & CPUID_EXT_FEATURES_ECX_SVM))
        kprintf("CPUID: this CPU offers AMD SVM instead; stepvisor teaches "
                "Intel VT-x\n");
    return vmx;
}
