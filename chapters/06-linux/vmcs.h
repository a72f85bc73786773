/* SPDX-License-Identifier: MIT */
/** @file vmcs.h
 *  Building the VMCS for a guest that starts in real mode, in memory of
 *  its own that EPT describes. Intel SDM Vol. 3C, "Organization of VMCS Data" lists the groups
 *  in the order used here. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "vcpu.h"
#include "vmx/vmcs_dump.h" /* vmcs_dump_guest_state, in common/ */

/** Where the guest starts: real mode, so CS = 0 and these are offsets. */
struct guest_start {
    uint64_t rip;       /**< entry point, a guest-physical address */
    uint64_t rsp;       /**< top of its stack */
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
/** Guest-state area: a guest in real mode, like a CPU after reset. */
void vmcs_setup_guest_state(const struct guest_start *start);
