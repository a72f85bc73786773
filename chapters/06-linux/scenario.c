/* SPDX-License-Identifier: MIT */
/* The scenarios of this chapter, a row each. The broken-VMCS rows each
 * break one field so that the software checker names the rule and the CPU
 * refuses the VM entry: VMfailValid for controls and host state, a failed
 * entry (exit reason 33) for guest state. */
#include "scenario.h"
#include "kstring.h"
#include "printf.h"
#include "run_end.h"
#include "x86.h"
#include "vmx/access_rights.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"

/* What a correct hypervisor ends each negative scenario with: the start of
 * the verdict's reason (run_expect). */
#define HUNG "guest hung at RIP"
#define INVALID_GUEST_STATE "VM entry failed: VM-entry failure due to invalid guest state"
#define INVALID_HOST_STATE "VMLAUNCH failed: VMfailValid, VM-instruction error 8"
#define INVALID_CONTROLS "VMLAUNCH failed: VMfailValid, VM-instruction error 7"

#define BAD_ACTIVITY_STATE 5
#define BAD_LINK_POINTER 0

static void set_guest_cr0_pg_without_pe(void)
{
    vmcs_write(GUEST_CR0, (vmcs_read(GUEST_CR0) | CR0_PG) & ~CR0_PE);
}

static void clear_guest_rflags(void)
{
    vmcs_write(GUEST_RFLAGS, 0); /* bit 1 must be 1 */
}

static void set_bad_activity_state(void)
{
    vmcs_write(GUEST_ACTIVITY_STATE, BAD_ACTIVITY_STATE);
}

static void set_bad_link_pointer(void)
{
    vmcs_write(VMCS_LINK_POINTER, BAD_LINK_POINTER);
}

static void make_guest_tr_unusable(void)
{
    vmcs_write(GUEST_TR_ACCESS_RIGHTS, AR_UNUSABLE);
}

static void clear_host_tr_selector(void)
{
    vmcs_write(HOST_TR_SELECTOR, 0);
}

static void clear_host_cr4_vmxe(void)
{
    vmcs_write(HOST_CR4, vmcs_read(HOST_CR4) & ~CR4_VMXE);
}

static void clear_pin_based_controls(void)
{
    vmcs_write(PIN_BASED_VM_EXECUTION_CONTROLS, 0); /* drops default-1 bits */
}

static const struct scenario scenarios[] = {
    {"normal", GUEST_NORMAL, 0, "every injection case, the PIT, the local APIC timer, HLT idling",
     0},
    /* Hostile events: each bounded, and where a correct hypervisor must
     * end the guest, the reason in the last column. */
    {"hostile-timer-storm", GUEST_TIMER_STORM, 0,
     "a local APIC timer at its minimum period: run at LAPIC_MIN_PERIOD_TICKS", 0},
    {"hostile-no-eoi", GUEST_NO_EOI, 0, "interrupts taken and never acknowledged, then HLT",
     "guest sleeps with interrupts blocked by one it never acknowledged"},
    {"hostile-idt-unmapped", GUEST_IDT_UNMAPPED, 0, "an IDT outside guest RAM at delivery",
     "VM exit 48 (EPT violation) during delivery of"},
    {"hostile-bad-lvt-vector", GUEST_BAD_LVT_VECTOR, 0,
     "an LVT vector 0-15: \"received illegal vector\" in the ESR", 0},
    {"hostile-pic-storm", GUEST_PIC_STORM, 0,
     "an interrupt storm through the 8259: PIT periods under PIT_MIN_RELOAD raised", 0},
    {"hostile-hlt-cli", GUEST_HLT_CLI, 0, "CLI; HLT: a halt nothing can end",
     "guest halted with interrupts disabled"},
    {"bad-guest-cr0", GUEST_NORMAL, set_guest_cr0_pg_without_pe, "guest CR0.PG set, PE clear",
     INVALID_GUEST_STATE},
    {"bad-guest-rflags", GUEST_NORMAL, clear_guest_rflags, "guest RFLAGS bit 1 cleared",
     INVALID_GUEST_STATE},
    {"bad-activity-state", GUEST_NORMAL, set_bad_activity_state, "guest activity state 5",
     INVALID_GUEST_STATE},
    {"bad-link-pointer", GUEST_NORMAL, set_bad_link_pointer, "VMCS link pointer 0",
     INVALID_GUEST_STATE},
    {"bad-guest-tr", GUEST_NORMAL, make_guest_tr_unusable, "guest TR unusable",
     INVALID_GUEST_STATE},
    {"bad-host-tr", GUEST_NORMAL, clear_host_tr_selector, "host TR selector 0", INVALID_HOST_STATE},
    {"bad-host-cr4", GUEST_NORMAL, clear_host_cr4_vmxe, "host CR4.VMXE cleared",
     INVALID_HOST_STATE},
    {"bad-controls", GUEST_NORMAL, clear_pin_based_controls, "pin-based controls 0",
     INVALID_CONTROLS},
    {.name = "bench", .program = GUEST_BENCH,
     .shows = "what each kind of VM exit costs, in TSC ticks"},
};

const struct scenario *scenario_choose(const char *name)
{
    size_t count = sizeof scenarios / sizeof scenarios[0];
    for (size_t i = 0; i < count; i++)
        if (strcmp(scenarios[i].name, name) == 0) {
            run_expect(scenarios[i].expect);
            return &scenarios[i];
        }
    kprintf("scenarios:\n");
    for (size_t i = 0; i < count; i++)
        kprintf("  %-20s %s\n", scenarios[i].name, scenarios[i].shows);
    run_fail("unknown scenario \"%s\"", name);
}
