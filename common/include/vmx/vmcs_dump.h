/* SPDX-License-Identifier: MIT */
/** @file vmcs_dump.h
 *  The guest-state area in one screen, for a failed VM entry: the same in
 *  every chapter, so that each failure is explained the same way. */
#pragma once

/** Prints the guest-state area of the current VMCS. */
void vmcs_dump_guest_state(void);
