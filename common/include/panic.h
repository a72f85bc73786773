/* SPDX-License-Identifier: MIT */
/** @file panic.h
 *  For the hypervisor's own bugs: print the reason and the CPU state, FAIL. */
#pragma once
#include <stdnoreturn.h>
#include "printf.h"
#include "run_end.h"
#include "trap.h"

noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Prints the registers saved in an exception frame. */
void dump_trap_frame(const struct trap_frame *f);

/** Checks a condition the code relies on; panics naming it if false. */
#define ASSERT(cond)                                                           \
    do {                                                                       \
        if (!(cond))                                                           \
            panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__);  \
    } while (0)
