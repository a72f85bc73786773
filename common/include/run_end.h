/* SPDX-License-Identifier: MIT */
/** @file run_end.h
 *  Ending a run. The last console line is the verdict, "PASS" or
 *  "FAIL: <reason>"; then the emulator is asked to stop: QEMU through its
 *  isa-debug-exit device, Bochs through its shutdown port. On hardware the
 *  CPU halts. */
#pragma once
#include <stdint.h>
#include <stdnoreturn.h>

/** QEMU's -device isa-debug-exit,iobase=0xf4,iosize=0x04: writing V ends
 *  QEMU with exit status (V << 1) | 1. */
#define ISA_DEBUG_EXIT_PORT 0xF4
#define ISA_DEBUG_EXIT_PASS 0x10 /**< QEMU exits with 33 */
#define ISA_DEBUG_EXIT_FAIL 0x11 /**< QEMU exits with 35 */
/** Bochs ends the simulation when "Shutdown" is written here byte by byte. */
#define BOCHS_SHUTDOWN_PORT 0x8900

/** The verdict "PASS", unless run_expect() named a failure that did not
 *  come: then "FAIL: expected "PREFIX", but the guest ended normally". */
noreturn void run_pass(void);
/** The verdict "FAIL: REASON"; or, when the reason starts with the prefix
 *  given to run_expect(), "expected outcome: REASON" and then "PASS". */
noreturn void run_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Declares that this run must end with a failure whose reason starts with
 *  reason_prefix (a negative scenario); NULL: it must end normally. */
void run_expect(const char *reason_prefix);
/** Drains the console and stops the emulator with qemu_code (an
 *  ISA_DEBUG_EXIT_* value); on hardware the CPU halts. */
noreturn void stop_machine(uint8_t qemu_code);
