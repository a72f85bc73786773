/** @file run_end.h
 *  Ending a run. The last console line is the verdict, "PASS" or
 *  "FAIL: <reason>"; then the emulator is asked to stop: QEMU through its
 *  isa-debug-exit device, Bochs through its shutdown port. On hardware the
 *  CPU halts. */
#pragma once
#include <stdnoreturn.h>

/** QEMU's -device isa-debug-exit,iobase=0xf4,iosize=0x04: writing V ends
 *  QEMU with exit status (V << 1) | 1. */
#define ISA_DEBUG_EXIT_PORT 0xF4
#define ISA_DEBUG_EXIT_PASS 0x10 /**< QEMU exits with 33 */
#define ISA_DEBUG_EXIT_FAIL 0x11 /**< QEMU exits with 35 */
/** Bochs ends the simulation when "Shutdown" is written here byte by byte. */
#define BOCHS_SHUTDOWN_PORT 0x8900

noreturn void run_pass(void);
noreturn void run_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** A scenario that must end the run with a reason starting with prefix
 *  (NULL: it must end normally). run_fail with such a reason then prints
 *  "expected outcome: <reason>" and PASS; run_pass prints FAIL. */
void run_expect(const char *prefix);
