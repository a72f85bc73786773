/* SPDX-License-Identifier: MIT */
/* Chapter 3: the guest gets memory of its own. EPT maps guest-physical
 * addresses to host memory the hypervisor chose; the guest starts in real
 * mode, like a PC, and whatever lies outside its RAM exits: MMIO devices
 * are emulated, anything else ends the guest. Intel SDM Vol. 3C, "The
 * Extended Page Table Mechanism (EPT)" and "Unrestricted Guests". */
#include "chapter.h"
#include "guest.h"
#include "controls.h"
#include "cpu.h"
#include "ept.h"
#include "guest_memory.h"
#include "isolation.h"
#include "mmio.h"
#include "msr.h"
#include "printf.h"
#include "run.h"
#include "run_end.h"
#include "scenario.h"
#include "vcpu.h"
#include "vmcs.h"
#include "test_device.h"
#include "vmx.h"
#include "vmx/vmx_capabilities.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

/* EPT needs "enable EPT", and the EPTP this chapter builds (ept_pointer)
 * a 4-level walk and write-back paging structures, as IA32_VMX_EPT_VPID_CAP
 * must say; a real-mode guest needs "unrestricted guest". */
static void require_ept_and_unrestricted_guest(void)
{
    if (!controls_available(CONTROLS_SECONDARY_PROCESSOR_BASED, PROC2_ENABLE_EPT))
        run_fail("no EPT: this CPU cannot give the \"enable EPT\" control");
    uint64_t caps = rdmsr(IA32_VMX_EPT_VPID_CAP);
    if (!(caps & EPT_CAP_PAGE_WALK_4))
        run_fail("EPT: IA32_VMX_EPT_VPID_CAP offers no 4-level page walk");
    if (!(caps & EPT_CAP_MEMORY_TYPE_WB))
        run_fail("EPT: IA32_VMX_EPT_VPID_CAP offers no write-back paging structures");
    if (!controls_available(CONTROLS_SECONDARY_PROCESSOR_BASED, PROC2_UNRESTRICTED_GUEST))
        run_fail("no unrestricted guest: chapter %d starts its guest in real mode, which "
                 "needs the \"unrestricted guest\" control", CHAPTER_NUMBER);
}

/* After building EPT, flush what the CPU may have cached for it
 * ("Invalidating Cached Translation Information", INVEPT). */
static void flush_ept(uint64_t eptp)
{
    uint64_t caps = rdmsr(IA32_VMX_EPT_VPID_CAP);
    struct invept_descriptor d = {.eptp = eptp};
    uint64_t type = (caps & EPT_CAP_INVEPT_SINGLE_CONTEXT) ? INVEPT_SINGLE_CONTEXT
                                                            : INVEPT_ALL_CONTEXT;
    enum vmx_status s = invept(type, &d);
    if (s != VMX_SUCCEED)
        run_fail("INVEPT failed: %s", vmx_failure_reason(s));
    kprintf("INVEPT: %s\n", type == INVEPT_SINGLE_CONTEXT ? "single-context" : "all-context");
}

static const char *const options[] = {"scenario", "guest_mem", 0};

noreturn void chapter_main(const struct boot_info *info)
{
    static struct vcpu vcpu;
    const struct scenario *scenario =
        scenario_choose(chapter_start(info, CHAPTER_NUMBER, "EPT", options));

    if (!vmx_supported())
        run_fail("no VMX: CPUID.1:ECX.VMX[bit 5] = 0, this CPU offers no VT-x");
    if (!feature_control_enable())
        run_fail("VMX disabled: IA32_FEATURE_CONTROL is locked with VMX off");
    vmx_fix_control_registers();
    const char *why = vmx_enter(vmxon_region_create(false));
    if (why)
        run_fail("VMXON failed: %s", why);
    vmx_print_capabilities();

    require_ept_and_unrestricted_guest();
    static struct ept ept;
    uint64_t caps = rdmsr(IA32_VMX_EPT_VPID_CAP);
    ept_init(&ept, caps & EPT_CAP_PDE_2MB, caps & EPT_CAP_PDPTE_1GB);
    uint64_t ram_size = chapter_size_option(info, "guest_mem", GUEST_RAM_DEFAULT);
    struct guest_start start = guest_load(info, &ept, ram_size);
    mmio_register(&test_device);
    uint64_t eptp = ept_pointer(&ept, caps & EPT_CAP_ACCESSED_DIRTY);

    vmcs_create();
    if (!vmcs_setup_controls(eptp))
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

    flush_ept(eptp);

    isolation_arm();
    vcpu.gpr[GPR_RDI] = scenario->program;
    vcpu.gpr[GPR_RSI] = ram_size; /* the guest touches its last byte */
    kprintf("VMLAUNCH: entering the guest\n");
    bool guest_ok = run_guest(&vcpu);
    kprintf("guest ended: %s\n", vcpu.outcome);
    run_print_exit_table(&vcpu);
    bool intact = isolation_intact();

    why = vmx_leave();
    if (why)
        run_fail("VMXOFF failed: %s", why);
    if (!intact)
        run_fail("the guest changed hypervisor memory");
    if (!guest_ok)
        run_fail("%s", vcpu.outcome);
    if (broken)
        run_fail("the checker found %u broken rule(s), yet the CPU accepted the VMCS",
                 broken);
    run_pass();
}
