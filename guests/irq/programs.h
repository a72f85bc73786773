/* SPDX-License-Identifier: MIT */
/** @file programs.h
 *  The guest's programs (abi/guest_irq.h, enum guest_program) and the exit
 *  status each failure ends the guest with. */
#pragma once
#include <stdint.h>

enum guest_failure {
    FAIL_RAM_TOO_SMALL = 1,       /**< less than GUEST_RAM_NEEDED */
    FAIL_UNKNOWN_PROGRAM = 2,
    FAIL_UNEXPECTED_TRAP = 3,     /**< an exception nothing expected */
    FAIL_NO_PIT_CHANNEL_2 = 4,    /**< channel 2's output never went high */
    FAIL_HOSTILE_SURVIVED = 5,    /**< a hostile program the hypervisor should have ended */
};

/** Real-mode exceptions, recorded by entry.asm before long mode. */
struct rm_result {
    uint16_t vector, ip, cs, flags, expected_ip;
};
#define RM_CASES 4
#define RM_RESULT_BYTES 10 /* entry.asm writes the records with this size */
_Static_assert(sizeof(struct rm_result) == RM_RESULT_BYTES, "entry.asm's RM_RESULT_BYTES");
extern struct rm_result rm_results[RM_CASES];

int guest_main(uint32_t program, uint32_t ram_size);
/** Every exception case, real mode's included (exceptions.c). */
void exceptions_show(void);
/** The PIC, the PIT and TSC calibration (pic_pit.c). */
void pic_init(void);
void pic_unmask_irq0(void);
void pic_mask_all(void);
void pit_periodic(uint16_t count);
/** TSC ticks per second, from PIT channel 2; 0 if its output never rose. */
uint64_t tsc_calibrate(void);
/** The local APIC (lapic.c). */
void lapic_init(void);
uint32_t lapic_read(uint32_t reg);
void lapic_write(uint32_t reg, uint32_t value);
void self_ipi(unsigned vector);
/** The timer, IPI, window and TPR cases (lapic.c). */
void lapic_show(void);
/** The hostile programs (hostile.c). */
int program_hostile(uint32_t program);
/** Exits per PIT tick, idle (HLT) and busy (if busy_ticks), in MEASURE brackets. */
void measure_exits_per_tick(unsigned idle_ticks, unsigned busy_ticks);
/** The benchmark rows (entry.asm, guests/bench.inc). */
void bench_run(void);
