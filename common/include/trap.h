/* SPDX-License-Identifier: MIT */
/** @file trap.h
 *  What the exception stubs in boot/isr.asm push: the saved registers, then
 *  the vector and error code, then the CPU's own interrupt frame. */
#pragma once
#include <stdint.h>

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

/** Name of an exception vector, e.g. "#GP general protection". */
const char *exception_name(uint64_t vector);
