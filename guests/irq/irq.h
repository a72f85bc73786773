/* SPDX-License-Identifier: MIT */
/** @file irq.h
 *  The guest's own IDT (idt.c): one handler for all 256 vectors that
 *  counts each interrupt, sends the EOI its controller needs and records
 *  exceptions; "tried" instructions whose exception is recorded and
 *  resumed from; and the small helpers every part uses. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define IDT_VECTORS 256
#define NO_VECTOR 0xFFu

/** An exception as the handler saw it. */
struct exception_record {
    unsigned vector; /**< NO_VECTOR: none */
    uint64_t error;  /**< the error code, or NO_ERROR_CODE if the CPU pushed none */
    uint64_t rip;    /**< the RIP the CPU saved */
    uint64_t cr2;
};
#define NO_ERROR_CODE (~0ull)

extern volatile struct exception_record exc_last; /**< the last tried instruction's */
extern volatile struct exception_record exc_pf;   /**< a #PF the handler repaired */
extern volatile uint64_t exc_insn, exc_next;      /**< the tried instruction, the one after */
extern volatile bool pf_repair_hole;              /**< a #PF maps the hole back in */

extern volatile uint64_t irq_count[IDT_VECTORS];
extern volatile uint64_t irq_tsc[IDT_VECTORS];  /**< the TSC at the last arrival */
extern volatile bool send_eoi;                  /**< false: the no-EOI program */
extern volatile uint32_t window_marker, window_marker_seen;
extern volatile uint64_t window_rip;            /**< where VECTOR_WINDOW interrupted */
extern volatile uint32_t self_ipi_in_service;   /**< its ISR bit, seen by its handler */

void idt_init(void);
/** Gives vector's gate interrupt stack table entry ist (0: none); the
 *  TSS's IST1 is HOLE_IST_TOP. */
void idt_set_ist(unsigned vector, unsigned ist);
void load_idt(uint64_t base, uint16_t limit);
void exc_reset(void);
/** Marks the 2 MiB page at HOLE_GPA not present (or present again). */
void hole_set_present(bool present);

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
/** STI; HLT: the STI shadow covers the HLT, so an interrupt that is
 *  pending already wakes it rather than slipping in between. */
static inline void sti_hlt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

/** Sleeps until irq_count[vector] passes seen; leaves IF set. */
void wait_for_interrupt(unsigned vector, uint64_t seen);
/** Spins (IF as it is) until ticks TSC ticks have passed. */
void spin_tsc(uint64_t ticks);

/* --- lines: text built up and printed as one "guest: " line ------------- */
void line_start(const char *text);
void line_add(const char *text);
void line_hex(uint64_t v);
void line_dec(uint64_t v);
void line_print(void);
