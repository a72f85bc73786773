/* SPDX-License-Identifier: MIT */
/** @file hypercall_sites.h
 *  Where the guest's VMCALLs are, and how they reach this process: each
 *  VMCALL in the loaded image is rewritten to HLT, which KVM hands to user
 *  space as KVM_EXIT_HLT; a HLT exit at a rewritten site is the hypercall.
 *  Why this path, and what KVM offers instead: hypercall_sites.c. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/** VMCALL's encoding, and the bytes that replace it: HLT, NOP, NOP. */
#define VMCALL_BYTES 3

/** Rewrites every VMCALL in [image, image + size), loaded at gpa. */
void hypercall_sites_rewrite(uint8_t *image, uint64_t size, uint64_t gpa);
/** True if gpa is a rewritten VMCALL (a HLT that is a hypercall). */
bool hypercall_site(uint64_t gpa);
/** How many VMCALLs were rewritten. */
unsigned hypercall_sites_count(void);
