/* SPDX-License-Identifier: MIT */
/* Chapter 6: a real operating system. The guest is a kernel stepvisor was
 * not written for (Linux, or any multiboot kernel), loaded by its own boot
 * protocol into a PC: RAM with the hole at 640 KiB, the BIOS area with an
 * MP table, and chapter 5's interrupt controllers, timers and devices. */
#include "chapter.h"
#include "guest.h"
#include "controls.h"
#include "cpu.h"
#include "ept.h"
#include "guest_memory.h"
#include "isolation.h"
#include "kstring.h"
#include "mmio.h"
#include "msr.h"
#include "printf.h"
#include "run.h"
#include "run_end.h"
#include "vcpu.h"
#include "vmcs.h"
#include "events.h"
#include "exits/exits.h"
#include "host_timer.h"
#include "measure.h"
#include "pc_ports.h"
#include "uart.h"
#include "virtio_blk.h"
#include "virtio_console.h"
#include "virtual_time.h"
#include "vpc.h"
#include "vmx.h"
#include "vmx/vmx_capabilities.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

/* EPT needs "enable EPT", and the EPTP this chapter builds (ept_pointer)
 * a 4-level walk and write-back paging structures, as IA32_VMX_EPT_VPID_CAP
 * must say; a guest with paging off needs "unrestricted guest". */
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
        run_fail("no unrestricted guest: chapter %d starts kernels with paging off, which "
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

/* virtio-console, and virtio-blk over the disk image module. */
static void attach_virtio_devices(const struct boot_info *info)
{
    const struct boot_module *disk = boot_find_module(info, DISK_MODULE);
    if (!disk)
        run_fail("no disk: the multiboot module %s is missing", DISK_MODULE);
    virtio_console_init();
    virtio_blk_init((uint8_t *)(uintptr_t)disk->start, disk->end - disk->start);
    mmio_register(&virtio_console.mmio);
    mmio_register(&virtio_blk.mmio);
}

static void print_device_summary(const struct vcpu *v)
{
    kprintf("uart: %lu bytes from the guest\n", uart_bytes_sent());
    kprintf("virtio-console: %lu bytes from the guest\n", virtio_console_bytes());
    kprintf("io: %lu accesses to ports with no device (read all ones, writes ignored)\n",
            io_unclaimed_accesses());
    measure_print();
    events_print_summary(v);
    virtual_time_print_summary(v);
    vpc_print_summary();
    pc_ports_print_summary();
    host_timer_print_summary();
}

static const char *const options[] = {"scenario", "guest_mem", 0};

noreturn void chapter_main(const struct boot_info *info)
{
    static struct vcpu vcpu;
    /* One scenario: boot the kernel module. Chapter 5's were about its own
     * guest and broken VMCS fields. */
    const char *scenario = chapter_start(info, CHAPTER_NUMBER, "Linux", options);
    if (strcmp(scenario, "normal") != 0)
        run_fail("unknown scenario \"%s\": chapter %d has one, normal (boot the kernel "
                 "module)", scenario, CHAPTER_NUMBER);

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
    attach_virtio_devices(info);
    vpc_init(&vcpu);
    pc_ports_init(ram_size);
    uint64_t eptp = ept_pointer(&ept, caps & EPT_CAP_ACCESSED_DIRTY);

    vmcs_create();
    if (!vmcs_setup_controls(&vcpu, eptp))
        run_fail("this CPU lacks a VMX control chapter %d needs", CHAPTER_NUMBER);
    vmcs_setup_host_state();
    vmcs_setup_guest_state(&start);
    struct checker_capabilities allowed = controls_capabilities();
    unsigned broken = checker_run(&allowed);

    flush_ept(eptp);

    host_timer_start();
    isolation_arm();
    vcpu.gpr[GPR_RAX] = start.rax;
    vcpu.gpr[GPR_RBX] = start.rbx;
    vcpu.gpr[GPR_RSI] = start.rsi;
    kprintf("VMLAUNCH: entering the guest\n");
    /* The launcher's bench counts from here to the guest's shell prompt. */
    kprintf("loader: first guest instruction at host TSC %lu\n", rdtsc());
    bool guest_ok = run_guest(&vcpu);
    kprintf("guest ended: %s\n", vcpu.outcome);
    run_print_exit_table(&vcpu);
    print_device_summary(&vcpu);
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
