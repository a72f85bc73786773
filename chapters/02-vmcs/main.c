/* SPDX-License-Identifier: MIT */
/* Chapter 2: a guest runs. After chapter 1's VMXON: build a VMCS, check it,
 * launch the guest and handle its VM exits until it ends. Intel SDM Vol. 3C,
 * "Virtual Machine Control Structures" and "VM Entries". */
#include "chapter.h"
#include "controls.h"
#include "guest.h"
#include "isolation.h"
#include "printf.h"
#include "run.h"
#include "run_end.h"
#include "scenario.h"
#include "vcpu.h"
#include "vmcs.h"
#include "vmx.h"

static const char *const options[] = {"scenario", 0};

noreturn void chapter_main(const struct boot_info *info)
{
    static struct vcpu vcpu;
    const struct scenario *scenario =
        scenario_choose(chapter_start(info, CHAPTER_NUMBER, "VMCS", options));

    if (!vmx_supported())
        run_fail("no VMX: CPUID.1:ECX.VMX[bit 5] = 0, this CPU offers no VT-x");
    if (!feature_control_enable())
        run_fail("VMX disabled: IA32_FEATURE_CONTROL is locked with VMX off");
    vmx_fix_control_registers();
    const char *why = vmx_enter(vmxon_region_create(false));
    if (why)
        run_fail("VMXON failed: %s", why);
    vmx_print_capabilities();

    struct guest_start start = guest_load(info);
    vmcs_create();
    if (!vmcs_setup_controls())
        run_fail("this CPU lacks a VMX control chapter %d needs", CHAPTER_NUMBER);
    vmcs_setup_host_state();
    vmcs_setup_guest_state(&start);
    if (scenario->break_vmcs) {
        kprintf("scenario %s: breaking the VMCS on purpose: %s\n", scenario->name,
                scenario->shows);
        scenario->break_vmcs();
    }
    struct checker_capabilities allowed = controls_capabilities();
    unsigned broken = checker_run(&allowed);

    isolation_arm();
    vcpu.gpr[GPR_RDI] = scenario->program;
    kprintf("VMLAUNCH: entering the guest\n");
    bool guest_ok = run_guest(&vcpu);
    kprintf("guest ended: %s\n", vcpu.outcome);
    run_print_exit_table(&vcpu);
    bool intact = isolation_intact();

    why = vmx_leave();
    if (why)
        run_fail("VMXOFF failed: %s", why);
    if (!intact)
        run_fail("the guest changed hypervisor memory; chapter 3's EPT prevents this");
    if (!guest_ok)
        run_fail("%s", vcpu.outcome);
    if (broken)
        run_fail("the checker found %u broken rule(s), yet the CPU accepted the VMCS",
                 broken);
    run_pass();
}
