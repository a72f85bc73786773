/* SPDX-License-Identifier: MIT */
/** @file controls.h
 *  VMX controls, computed from what the CPU allows. Intel SDM Vol. 3D,
 *  appendix "VMX Capability Reporting Facility", and Vol. 3C, "Algorithms
 *  for Determining VMX Capabilities". */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "vmx/checker.h"

/** The five control fields, each with its capability MSR. */
enum control_group {
    CONTROLS_PIN_BASED,
    CONTROLS_PRIMARY_PROCESSOR_BASED,
    CONTROLS_SECONDARY_PROCESSOR_BASED,
    CONTROLS_VM_EXIT,
    CONTROLS_VM_ENTRY,
    CONTROL_GROUPS
};

/** Applies a capability MSR to the controls we want: bits the CPU requires
 *  (allowed 0-settings) are set, and wanted bits the CPU cannot give
 *  (outside the allowed 1-settings) are returned in *refused. */
uint32_t controls_adjust(uint32_t wanted, uint64_t capability, uint32_t *refused);

/** The capability MSR for a group: the TRUE_* one when IA32_VMX_BASIC
 *  bit 55 says it exists (it lets more default-1 controls be 0). */
uint64_t controls_capability(enum control_group group);

/** The five capability MSRs controls_capability() chooses, for the
 *  VM-entry checker. */
struct checker_capabilities controls_capabilities(void);

/** True if the CPU allows this control of the group to be 1. */
bool controls_available(enum control_group group, uint32_t control);

/** The value to write for a group; if the CPU refuses a wanted control,
 *  names it and returns false. */
bool controls_compute(enum control_group group, uint32_t wanted, uint32_t *value);

/** SDM names of a group and of one of its control bits. */
const char *control_group_name(enum control_group group);
const char *control_name(enum control_group group, unsigned bit);
