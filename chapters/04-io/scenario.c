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
    {"normal", GUEST_NORMAL, 0, "UART and virtio-console side by side, then virtio-blk", 0},
    {"hostile-loop", GUEST_HOSTILE_LOOP, 0, "a descriptor chain that loops", 0},
    {"hostile-address", GUEST_HOSTILE_ADDRESS, 0, "a buffer outside guest RAM", 0},
    {"hostile-length", GUEST_HOSTILE_LENGTH, 0, "a buffer length that overflows", 0},
    {"hostile-index", GUEST_HOSTILE_INDEX, 0, "an avail index far beyond the queue size", 0},
    {"hostile-read-only", GUEST_HOSTILE_READ_ONLY, 0, "a disk read into a read-only buffer", 0},
    /* Attacks on the hypervisor itself: each must end as hardware would,
     * or with the named reason in the last column. */
    {"attack-measure", GUEST_ATTACK_MEASURE, 0, "measure hypercalls claiming 2^63 bytes", 0},
    {"attack-hlt-cli", GUEST_ATTACK_HLT_CLI, 0, "CLI; HLT: a halt nothing can end",
     "guest halted with interrupts disabled"},
    {"attack-msr-flood", GUEST_ATTACK_MSR_FLOOD, 0, "RDMSR of an unknown MSR, forever",
     "the guest made 100000 VM exits"},
    {"attack-deadline", GUEST_ATTACK_DEADLINE, 0, "exits just often enough for the watchdog",
     "the run passed its deadline"},
    {"attack-console-flood", GUEST_ATTACK_CONSOLE_FLOOD, 0, "one virtio-console buffer of 60 MiB",
     0},
    {"attack-print-verdict", GUEST_ATTACK_PRINT_VERDICT, 0, "guest text that looks like a verdict",
     0},
    {"attack-ring3-vmcall", GUEST_ATTACK_RING3_VMCALL, 0, "a hypercall from ring 3: #UD", 0},
    {"attack-vmx", GUEST_ATTACK_VMX, 0, "VMXON, VMREAD, INVEPT...: #UD, VMX is hidden", 0},
    {"attack-xsetbv", GUEST_ATTACK_XSETBV, 0, "XSETBV with good and bad values", 0},
    {"attack-invd", GUEST_ATTACK_INVD, 0, "INVD, done as WBINVD", 0},
    {"attack-cpuid", GUEST_ATTACK_CPUID, 0, "CPUID promises only what works", 0},
    {"attack-cr0", GUEST_ATTACK_CR0, 0, "CR0 bits 63:32, NW without CD: #GP", 0},
    {"attack-cr8", GUEST_ATTACK_CR8, 0, "CR8 is the guest's own", 0},
    {"attack-com1-wide", GUEST_ATTACK_COM1_WIDE, 0, "16-bit IN and OUT at COM1", 0},
    {"attack-mmio-past-end", GUEST_ATTACK_MMIO_PAST_END, 0, "an MMIO read past a device's end",
     "MMIO access across the bounds of test device"},
    {"attack-queue-num", GUEST_ATTACK_QUEUE_NUM, 0, "QueueNum 0x10010 is not 16", 0},
    {"attack-event-delivery", GUEST_ATTACK_EVENT_DELIVERY, 0, "an IDT on an MMIO page",
     "VM exit 48 (EPT violation) during delivery of"},
    {"attack-host-interrupts", GUEST_ATTACK_HOST_INTERRUPTS, 0,
     "interrupts enabled: no host interrupt arrives", 0},
    {"attack-hypercall-args", GUEST_ATTACK_HYPERCALL_ARGS, 0,
     "hypercall arguments past memory and 2^64", 0},
    {"attack-mmio-straddle", GUEST_ATTACK_MMIO_STRADDLE, 0,
     "an MMIO read that starts in RAM, across a page", "MMIO access across the bounds of"},
    {"attack-mov-ss", GUEST_ATTACK_MOV_SS, 0, "single-step through MOV SS; CPUID", 0},
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
