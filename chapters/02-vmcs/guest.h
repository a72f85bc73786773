/* SPDX-License-Identifier: MIT */
/** @file guest.h
 *  Loading the test guest and choosing what it does. */
#pragma once
#include <stdint.h>
#include "abi/guest64.h" /* enum guest_program: chosen by RDI at entry */
#include "multiboot.h"
#include "vmcs.h"

/** The guest image module (guests/guest64.asm). */
#define GUEST_MODULE "guest64.bin"

/** Copies the guest image into fresh pages and gives it a stack and a TSS;
 *  fails the run, naming the module, if it is missing. */
struct guest_start guest_load(const struct boot_info *info);
