/* SPDX-License-Identifier: MIT */
/** @file programs.h
 *  The guest's programs (guest.h, enum guest_program) and the exit status
 *  each failure ends the guest with: one code per thing that can go wrong,
 *  so that a failed run names it even without the log. */
#pragma once
#include <stdint.h>

enum guest_failure {
    FAIL_RAM_TOO_SMALL = 1,     /**< less than GUEST_RAM_NEEDED */
    FAIL_UNKNOWN_PROGRAM = 2,
    FAIL_UART_SCRATCH = 10,     /**< the scratch register did not hold 0x5A */
    FAIL_UART_STUCK = 11,       /**< LSR never said THR empty */
    FAIL_CONSOLE_INIT = 20,
    FAIL_CONSOLE_WRITE = 21,    /**< the transmitq's buffers never came back */
    FAIL_BLK_INIT = 30,
    FAIL_BLK_CAPACITY = 31,     /**< too small for sectors 1 and 2 */
    FAIL_BLK_GET_ID = 32,
    FAIL_BLK_READ = 33,         /**< reading sector 1 */
    FAIL_BLK_SECTOR_1 = 34,     /**< sector 1 does not say it is sector 1 */
    FAIL_BLK_WRITE = 35,        /**< writing sector 2 */
    FAIL_BLK_READ_BACK = 36,    /**< reading sector 2 back */
    FAIL_BLK_MISMATCH = 37,     /**< sector 2 read back differs */
    FAIL_BLK_FLUSH = 38,
    FAIL_HOSTILE_UNNOTICED = 40, /**< no DEVICE_NEEDS_RESET after a hostile request */
    FAIL_HOSTILE_REINIT = 41,    /**< the device did not come back after a reset */
    FAIL_HOSTILE_READ = 42,      /**< nor did it read sector 1 afterwards */
    FAIL_ATTACK_SURVIVED = 50,   /**< an attack the hypervisor should have stopped */
    FAIL_UNEXPECTED_TRAP = 51,   /**< an exception nothing expected */
    FAIL_INTERRUPT = 52,         /**< an interrupt reached the guest */
};

/** Prints what failed and returns code, for `return fail(...)`. */
int fail(int code, const char *what);

/** The guest's C entry point, called by entry.asm with boot64_program and
 *  boot64_ram_size; what it returns is the guest's exit status. */
int guest_main(uint32_t program, uint32_t ram_size);
/** COM1 and virtio-console, then virtio-blk (GUEST_NORMAL). */
int program_normal(void);
/** A hostile request on virtio-blk, then recovery (GUEST_HOSTILE_*). */
int program_hostile(uint32_t program);
/** Times each kind of VM exit (GUEST_BENCH), virtio-console set up first. */
int program_bench(void);
/** The rows of the benchmark (entry.asm, guests/bench.inc). */
void bench_run(void);

/* Helpers both programs use (main.c). */
struct virtio_blk;
/** Sets virtio-blk up; 0, or FAIL_BLK_INIT after saying why. */
int blk_init_or_fail(struct virtio_blk *blk);
/** Reads sector 1 into BLK_DATA_GPA and prints its first line; 0 if that
 *  is "stepvisor disk sector 1", else FAIL_BLK_READ or FAIL_BLK_SECTOR_1. */
int blk_read_sector_1(struct virtio_blk *blk);
