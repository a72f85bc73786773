/* SPDX-License-Identifier: MIT */
/** @file msr_policy.h
 *  The MSRs a guest sees, as one table (msr_policy.c): for each MSR the
 *  guest's CPUID implies, where its value lives. Any MSR not in the table
 *  does not exist on the virtual CPU: RDMSR and WRMSR of it raise a
 *  general-protection fault, as on a CPU without it. Pure, like
 *  cpuid_policy.c: tested on the host. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "cpuid_policy.h"

/** Where an MSR's value lives. */
enum msr_class {
    MSR_VIRTUAL_PC,  /**< the virtual PC's: time and the local APIC (exits/msr.c) */
    MSR_EMULATED,    /**< kept here: a constant, or stored (msr_emulated_*) */
    MSR_GUEST_STATE, /**< a guest-state field: VM entry loads it, VM exit saves it */
    MSR_SWITCHED,    /**< the real MSR: the VM-entry MSR-load area loads the guest's,
                          the VM-exit MSR-store area saves it, the MSR-load area
                          restores the host's */
};

struct msr_row {
    uint32_t first, last; /**< the MSRs of the row */
    const char *name;
    enum msr_class class;
    uint32_t field; /**< the VMCS field of an MSR_GUEST_STATE row */
    bool direct;    /**< the MSR bitmaps let the guest read and write it without exits */
    uint32_t needs; /**< it exists only if the hypervisor offers these (enum cpu_offer) */
};
extern const struct msr_row msr_table[];
extern const unsigned msr_table_count;

/** The row of msr, or NULL if the guest has no such MSR. */
const struct msr_row *msr_policy_find(uint32_t msr, uint32_t offers);

/** What a WRMSR does. */
enum msr_write { MSR_WRITE_OK, MSR_WRITE_GP, MSR_WRITE_NOT_EMULATED };

/** The values of the MSR_EMULATED rows that the guest may change. */
struct msr_emulated {
    uint64_t mtrr_def_type; /**< 0 at reset: MTRRs off, uncacheable */
};
uint64_t msr_emulated_read(const struct msr_emulated *e, uint32_t msr);
enum msr_write msr_emulated_write(struct msr_emulated *e, uint32_t msr, uint64_t value);
/** False if WRMSR of value to an MSR_GUEST_STATE or MSR_SWITCHED MSR faults
 *  (reserved bits, an invalid PAT type, a non-canonical address). */
bool msr_value_valid(uint32_t msr, uint64_t value);
