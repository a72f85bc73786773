/* SPDX-License-Identifier: MIT */
/** @file vmx.h
 *  Chapter 1: the steps that take a CPU from normal operation into VMX root
 *  operation and back. Intel SDM Vol. 3C, "Discovering Support for VMX",
 *  "Enabling and Entering VMX Operation", "Leaving VMX Operation". */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "x86.h"

/** Reports the CPU vendor and CPUID.1:ECX.VMX; false if VMX is absent. */
bool vmx_supported(void);

/** What IA32_FEATURE_CONTROL allows. */
enum feature_control_verdict {
    FEATURE_CONTROL_VMX_ENABLED,   /**< locked, VMX outside SMX on: go */
    FEATURE_CONTROL_UNLOCKED,      /**< ours to set and lock */
    FEATURE_CONTROL_LOCKED_OFF,    /**< firmware locked VMX off: no way in */
};
enum feature_control_verdict feature_control_verdict(uint64_t value);
/** Makes sure IA32_FEATURE_CONTROL lets VMXON run; false (and a message)
 *  if the firmware locked VMX off. */
bool feature_control_enable(void);

/** value with the bits fixed to 1 set and the bits fixed to 0 cleared. */
uint64_t apply_fixed_bits(uint64_t value, uint64_t fixed0, uint64_t fixed1);
/** Sets CR4.VMXE and brings CR0 and CR4 to the values VMX operation needs. */
void vmx_fix_control_registers(void);

/** The VMXON region ("VMXON Region"): the revision identifier, then data
 *  only the processor reads. IA32_VMX_BASIC gives its size, at most 4 KiB,
 *  so one page always holds it. */
struct vmxon_region {
    uint32_t revision; /**< bits 30:0; bit 31 is 0 */
    uint8_t processor_data[PAGE_SIZE - sizeof(uint32_t)];
};
_Static_assert(sizeof(struct vmxon_region) == PAGE_SIZE, "the VMXON region is one page");

/** Allocates the VMXON region, 4 KiB-aligned, with IA32_VMX_BASIC's revision
 *  identifier in bits 30:0 (or a wrong one, to show the failure). */
uint64_t vmxon_region_create(bool corrupt_revision);
/** Executes VMXON; on failure returns the reason in words, else NULL. */
const char *vmx_enter(uint64_t vmxon_region);
/** Executes VMXOFF; on failure returns the reason in words, else NULL. */
const char *vmx_leave(void);

/** Prints the decoded VMX capability MSRs. */
void vmx_print_capabilities(void);
