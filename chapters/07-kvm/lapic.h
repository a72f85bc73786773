/* SPDX-License-Identifier: MIT */
/** @file lapic.h
 *  The local APIC in xAPIC mode (Intel SDM Vol. 3A, "Advanced Programmable
 *  Interrupt Controller (APIC)"), as a model with no VMX in it: its
 *  registers at offsets into the 4-KiB page at IA32_APIC_BASE, the IRR,
 *  ISR and TMR, priorities (TPR, PPR), EOI, the error status register,
 *  the local vector table and the timer (one-shot, periodic, TSC-deadline),
 *  and the ICR for interrupts to itself. Time is the guest's TSC; the
 *  timer's input clock runs at the TSC's rate, before the divider. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define LAPIC_DEFAULT_BASE 0xFEE00000ull
#define LAPIC_PAGE_SIZE 0x1000ull
#define LAPIC_NEVER UINT64_MAX

/* Register offsets ("Local APIC Register Address Map"). */
enum lapic_register {
    LAPIC_ID = 0x20,
    LAPIC_VERSION = 0x30,
    LAPIC_TPR = 0x80,
    LAPIC_PPR = 0xA0,
    LAPIC_EOI = 0xB0,
    LAPIC_LDR = 0xD0,
    LAPIC_DFR = 0xE0,
    LAPIC_SVR = 0xF0,
    LAPIC_ISR = 0x100,
    LAPIC_TMR = 0x180,
    LAPIC_IRR = 0x200,
    LAPIC_ESR = 0x280,
    LAPIC_ICR_LOW = 0x300,
    LAPIC_ICR_HIGH = 0x310,
    LAPIC_LVT_TIMER = 0x320,
    LAPIC_LVT_LINT0 = 0x350,
    LAPIC_LVT_LINT1 = 0x360,
    LAPIC_LVT_ERROR = 0x370,
    LAPIC_TIMER_INITIAL_COUNT = 0x380,
    LAPIC_TIMER_CURRENT_COUNT = 0x390,
    LAPIC_TIMER_DIVIDE = 0x3E0,
};

/** The local vector table, in register order from LVT timer. */
enum lapic_lvt { LVT_TIMER, LVT_THERMAL, LVT_PERFORMANCE, LVT_LINT0, LVT_LINT1, LVT_ERROR,
                 LVT_COUNT };

#define LVT_VECTOR_MASK 0xFFu
#define LVT_DELIVERY_MODE_SHIFT 8
#define LVT_DELIVERY_MODE_MASK (0x7u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_MODE_SHIFT 17
#define LVT_TIMER_MODE_MASK (0x3u << 17)
#define DELIVERY_FIXED 0u
#define DELIVERY_NMI 4u
#define DELIVERY_EXTINT 7u
#define TIMER_ONE_SHOT 0u
#define TIMER_PERIODIC 1u
#define TIMER_TSC_DEADLINE 2u
#define SVR_APIC_ENABLED (1u << 8)
#define ESR_SEND_ILLEGAL_VECTOR (1u << 5)
#define ESR_RECEIVE_ILLEGAL_VECTOR (1u << 6)
#define LAPIC_VECTORS 256
#define LAPIC_FIRST_LEGAL_VECTOR 16
/** The least timer period: a guest that asks for less gets this, and is
 *  counted in raised ("timer storm"). */
#define LAPIC_MIN_PERIOD_TICKS 10000u

struct lapic {
    bool enabled;          /**< IA32_APIC_BASE.EN (globally enabled) */
    uint32_t id, tpr, ldr, dfr, svr, icr_low, icr_high;
    uint32_t esr;          /**< what the last ESR write latched */
    uint32_t esr_pending;  /**< errors since then */
    uint32_t lvt[LVT_COUNT];
    uint32_t irr[LAPIC_VECTORS / 32], isr[LAPIC_VECTORS / 32], tmr[LAPIC_VECTORS / 32];
    uint32_t divide;       /**< the divide configuration register */
    uint32_t initial;      /**< the initial-count register */
    uint64_t timer_start;  /**< when the count was loaded or the period began */
    uint64_t tsc_deadline; /**< IA32_TSC_DEADLINE, 0 = disarmed */
    uint32_t raised;       /**< timer periods raised to min_period */
    bool nmi;              /**< an NMI waits for the CPU */
};

/** State after power-up or re-enable ("Local APIC State After Power-Up
 *  Reset"), then as a PC BIOS leaves it when enable_virtual_wire is set:
 *  software-enabled, LINT0 in ExtINT mode (the 8259s), LINT1 NMI. */
void lapic_reset(struct lapic *a, bool enable_virtual_wire);
/** A 32-bit read of the register at offset. */
uint32_t lapic_read(struct lapic *a, uint32_t offset, uint64_t now);
/** A 32-bit write of the register at offset. */
void lapic_write(struct lapic *a, uint32_t offset, uint32_t value, uint64_t now);
/** Runs the timer up to now: sets the IRR bit of an expiry (or the ESR). */
void lapic_advance(struct lapic *a, uint64_t now);
/** The timer's next expiry after now, or LAPIC_NEVER. */
uint64_t lapic_next_expiry(const struct lapic *a, uint64_t now);
/** Processor priority: TPR or the class of the highest in-service vector. */
uint32_t lapic_ppr(const struct lapic *a);
/** The vector the CPU would accept now (IRR above PPR), or -1. */
int lapic_deliverable(const struct lapic *a);
/** Accepts vector: IRR to ISR ("Interrupt Acceptance"). */
void lapic_acknowledge(struct lapic *a, unsigned vector);
/** True if LINT0 passes the 8259's INT on as ExtINT (virtual-wire mode). */
bool lapic_extint_open(const struct lapic *a);
/** True if requests wait in the IRR that in-service vectors block. */
bool lapic_blocked_by_in_service(const struct lapic *a);
/** A locally generated interrupt of vector (LVT, self-IPI): into the IRR,
 *  or an illegal vector into the ESR. */
void lapic_accept(struct lapic *a, unsigned vector);
/** IA32_TSC_DEADLINE: written only in TSC-deadline mode. */
void lapic_write_tsc_deadline(struct lapic *a, uint64_t value);
