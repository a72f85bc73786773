/* SPDX-License-Identifier: MIT */
/** @file vmcs.h
 *  Building the VMCS for a 64-bit guest that shares the hypervisor's page
 *  tables. Intel SDM Vol. 3C, "Organization of VMCS Data" lists the groups
 *  in the order used here. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "vmx/vmcs_dump.h" /* vmcs_dump_guest_state, in common/ */

/** Where the guest starts. */
struct guest_start {
    uint64_t rip;       /**< entry point (linear = physical here) */
    uint64_t rsp;       /**< top of its stack */
    uint64_t tss_base;  /**< a TSS of its own: TR must be usable */
};

/** The VMX-preemption timer as a watchdog: a guest that runs this many
 *  timer ticks without a VM exit is taken to be hung. */
#define WATCHDOG_TICKS 50000000u

/** Allocates a VMCS region, VMCLEARs it and makes it current (VMPTRLD). */
uint64_t vmcs_create(void);
/** VM-execution, VM-exit and VM-entry control fields; false if the CPU
 *  cannot give a control this chapter needs (each is named). */
bool vmcs_setup_controls(void);
/** Host-state area: the hypervisor as it runs now. */
void vmcs_setup_host_state(void);
/** Guest-state area: a 64-bit guest at start. */
void vmcs_setup_guest_state(const struct guest_start *start);
