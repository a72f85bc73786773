/* Chapter 2: a guest runs. After chapter 1's VMXON: build a VMCS, check it,
 * launch the guest and handle its VM exits until it ends. Intel SDM Vol. 3C,
 * "Virtual Machine Control Structures" and "VM Entries". */
#include "chapter.h"
#include "checker.h"
#include "cmdline.h"
#include "guest.h"
#include "isolation.h"
#include "printf.h"
#include "run.h"
#include "run_end.h"
#include "scenario.h"
#include "vcpu.h"
#include "vmcs.h"
#include "vmx.h"

#define SCENARIO_MAX 32

noreturn void chapter_main(const struct boot_info *info)
{
    static struct vcpu vcpu;
    char name[SCENARIO_MAX] = "normal";
    if (cmdline_has(info->cmdline, "scenario") &&
        !cmdline_get(info->cmdline, "scenario", name, sizeof name))
        run_fail("scenario name too long: at most %d characters", SCENARIO_MAX - 1);
    kprintf("stepvisor chapter 2: VMCS (scenario %s)\n", name);
    const struct scenario *scenario = scenario_find(name);
    if (!scenario) {
        scenario_list();
        run_fail("unknown scenario \"%s\"", name);
    }
    run_expect(scenario->expect);

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
        run_fail("this CPU lacks a VMX control chapter 2 needs");
    vmcs_setup_host_state();
    vmcs_setup_guest_state(&start);
    if (scenario->break_vmcs) {
        kprintf("scenario %s: breaking the VMCS on purpose: %s\n", scenario->name,
                scenario->shows);
        scenario->break_vmcs();
    }
    unsigned broken = checker_run();

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
