/* SPDX-License-Identifier: MIT */
/* Chapter 1: into VMX root operation and out again. The order of the steps
 * is Intel SDM Vol. 3C, "Enabling and Entering VMX Operation". */
#include "chapter.h"
#include "kstring.h"
#include "run_end.h"
#include "vmx.h"

static const char *const options[] = {"scenario", 0};

noreturn void chapter_main(const struct boot_info *info)
{
    const char *scenario = chapter_start(info, CHAPTER_NUMBER, "VMXON", options);
    bool bad_revision = strcmp(scenario, "bad-revision") == 0;
    if (!bad_revision && strcmp(scenario, "normal") != 0)
        run_fail("unknown scenario \"%s\" (chapter %d has: normal, bad-revision)", scenario,
                 CHAPTER_NUMBER);
    if (bad_revision)
        run_expect("VMXON failed: VMfailInvalid");

    if (!vmx_supported())
        run_fail("no VMX: CPUID.1:ECX.VMX[bit 5] = 0, this CPU offers no VT-x");
    if (!feature_control_enable())
        run_fail("VMX disabled: IA32_FEATURE_CONTROL is locked with VMX off");
    vmx_fix_control_registers();

    const char *why = vmx_enter(vmxon_region_create(bad_revision));
    if (why)
        run_fail("VMXON failed: %s", why);
    vmx_print_capabilities();
    why = vmx_leave();
    if (why)
        run_fail("VMXOFF failed: %s", why);
    run_pass();
}
