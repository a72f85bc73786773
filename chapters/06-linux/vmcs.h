/* SPDX-License-Identifier: MIT */
/** @file vmcs.h
 *  Building the VMCS for a guest that starts as its loader leaves it (real,
 *  32-bit protected or 64-bit mode), in memory of its own that EPT
 *  describes. Intel SDM Vol. 3C, "Organization of VMCS Data" lists the
 *  groups in the order used here. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "vcpu.h"
#include "vmx/vmcs_dump.h" /* vmcs_dump_guest_state, in common/ */

/** The mode a loader leaves the CPU in at the kernel's first instruction. */
enum guest_mode {
    GUEST_REAL,        /**< as after reset: CS = 0, RIP an offset */
    GUEST_PROTECTED32, /**< flat 32-bit segments, paging off */
    GUEST_LONG64,      /**< IA-32e mode, 64-bit code, identity-mapped paging */
};

/** Where and how the guest starts: what a boot loader hands a kernel. */
struct guest_start {
    enum guest_mode mode;
    uint64_t rip;       /**< entry point, a guest-physical address */
    uint64_t rsp;
    uint64_t rax, rbx, rsi; /**< what the boot protocol passes (the rest are 0) */
    uint64_t cr3;           /**< GUEST_LONG64: the PML4 */
    uint64_t gdt_base;      /**< the loader's GDT (not GUEST_REAL) */
    uint16_t gdt_limit;
    uint16_t cs, ds;        /**< selectors of the flat code and data segments */
};

/** The VMX-preemption timer as a watchdog: a guest that runs this many
 *  timer ticks without a VM exit is taken to be hung. */
#define WATCHDOG_TICKS 50000000u

/** The guest's VPID: TLB entries it makes are tagged with it (0 is the
 *  host's). */
#define VPID_GUEST 1

/** Allocates a VMCS region, VMCLEARs it and makes it current (VMPTRLD). */
uint64_t vmcs_create(void);
/** VM-execution, VM-exit and VM-entry control fields, the MSR bitmaps and
 *  areas (msr_policy.c); false if the CPU cannot give a control this
 *  chapter needs (each is named). Before vmcs_setup_host_state: it turns
 *  on the host's CR4.OSXSAVE (exits/xsetbv.c). */
bool vmcs_setup_controls(struct vcpu *v, uint64_t eptp);
/** The guest's value of an MSR the MSR areas switch, or NULL. */
uint64_t *vmcs_guest_msr_slot(uint32_t msr);
/** Host-state area: the hypervisor as it runs now. */
void vmcs_setup_host_state(void);
/** Guest-state area: the CPU as start says the loader left it. */
void vmcs_setup_guest_state(const struct guest_start *start);
