/* SPDX-License-Identifier: MIT */
/** @file hypercall.h
 *  The guest's side of stepvisor's hypercalls: VMCALL with the function in
 *  RAX and arguments in RDI and RSI, the result in RAX. The numbers are
 *  common/include/abi/hypercall.h's. Addresses are guest-physical, which
 *  here are also the guest's virtual addresses (identity paging). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "abi/hypercall.h"

/** Any hypercall, arguments unchecked: returns RAX (HYPERCALL_* results). */
uint64_t hc_raw(uint64_t function, uint64_t arg1, uint64_t arg2);
/** Prints "guest: <text>" (len bytes, no newline needed). */
void hc_print(const char *text, size_t len);
/** hc_print() of a NUL-terminated string. */
void hc_puts(const char *text);
/** Prints "guest: <label> = 0x<value>". */
void hc_report(const char *label, uint64_t value);
/** Ends the guest with status (EXIT hypercall); does not return. */
_Noreturn void hc_exit(uint64_t status);
/** Starts counting VM exits under label. */
void hc_measure_begin(const char *label);
/** Stops counting; the hypervisor prints exits per KiB of bytes moved. */
void hc_measure_end(uint64_t bytes);
