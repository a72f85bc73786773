/* SPDX-License-Identifier: MIT */
/* The local APIC's logic, register by register ("Local APIC Register
 * Address Map"), with time passed in: lapic_mmio.c maps it at
 * IA32_APIC_BASE, tests/unit tests it alone. */
#include "lapic.h"
#include "kstring.h"

#define APIC_VERSION 0x14u        /* an integrated APIC */
#define MAX_LVT_SHIFT 16
#define PRIORITY_CLASS 0xF0u
#define BITS_PER_WORD 32
#define REGISTER_STRIDE 0x10u
#define ID_SHIFT 24
#define LDR_MASK 0xFF000000u
#define DFR_MODEL_MASK 0xF0000000u
#define DFR_RESERVED_ONES 0x0FFFFFFFu
#define DFR_FLAT_MODEL 0xFFFFFFFFu
#define SVR_WRITABLE 0x13FFu      /* vector, APIC enable, EOI-broadcast suppression */
#define SVR_RESET 0xFFu
#define TPR_MASK 0xFFu
#define DIVIDE_MASK 0xBu          /* bits 0, 1 and 3 */
#define DIVIDE_HIGH_BIT 3
#define DIVIDE_BY_ONE 7u
#define ICR_DELIVERY_STATUS (1u << 12)
#define ICR_SHORTHAND_SHIFT 18
#define ICR_SHORTHAND_MASK 0x3u
#define ICR_LOW_WRITABLE 0x000CCFFFu
#define SHORTHAND_NONE 0u
#define SHORTHAND_SELF 1u
#define SHORTHAND_ALL 2u
#define BROADCAST_ID 0xFFu
#define ESR_ERROR_BITS 0xEFu
/* LVT bits that can be written: vector, delivery mode (not for the timer
 * and the error entry), pin polarity and trigger (LINT0/1), mask, timer mode. */
static const uint32_t lvt_writable[LVT_COUNT] = {
    [LVT_TIMER] = 0x000610FFu, [LVT_THERMAL] = 0x000117FFu,
    [LVT_PERFORMANCE] = 0x000117FFu, [LVT_LINT0] = 0x0001A7FFu,
    [LVT_LINT1] = 0x0001A7FFu, [LVT_ERROR] = 0x000100FFu,
};

void lapic_reset(struct lapic *a, bool enable_virtual_wire)
{
    uint32_t raised = a->raised;
    memset(a, 0, sizeof *a);
    a->raised = raised;
    a->enabled = true;
    a->dfr = DFR_FLAT_MODEL;
    a->svr = SVR_RESET;
    for (unsigned i = 0; i < LVT_COUNT; i++)
        a->lvt[i] = LVT_MASKED;
    if (enable_virtual_wire) {
        a->svr |= SVR_APIC_ENABLED;
        a->lvt[LVT_LINT0] = DELIVERY_EXTINT << LVT_DELIVERY_MODE_SHIFT;
        a->lvt[LVT_LINT1] = DELIVERY_NMI << LVT_DELIVERY_MODE_SHIFT;
    }
}

static void set_bit(uint32_t *bits, unsigned v, bool on)
{
    uint32_t b = 1u << (v % BITS_PER_WORD);
    bits[v / BITS_PER_WORD] = on ? bits[v / BITS_PER_WORD] | b : bits[v / BITS_PER_WORD] & ~b;
}

static int highest(const uint32_t *bits)
{
    for (int w = LAPIC_VECTORS / BITS_PER_WORD - 1; w >= 0; w--)
        if (bits[w])
            return w * BITS_PER_WORD + (BITS_PER_WORD - 1 - __builtin_clz(bits[w]));
    return -1;
}

uint32_t lapic_ppr(const struct lapic *a)
{
    /* "Processor Priority Register (PPR)". */
    /* LAB lapic-priority (30 points): the processor priority is the TPR or
     * the class (bits 7:4) of the highest vector in service, whichever is
     * higher; an interrupt is delivered only above it. EOI (below) ends the
     * highest vector in service.
     * Graded by: test_ch05_irq.py::test_self_ipi_is_in_service_until_eoi,
     *   test_ch05_irq.py::test_tpr_and_cr8_hold_lower_priorities,
     *   test_ch05_irq.py::test_normal_run_ends_with_pass
     * Student stub:
     *     (void)a;
     *     run_fail("lab lapic-priority is not done yet");
     */
    int isrv = highest(a->isr);
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & PRIORITY_CLASS;
    if ((a->tpr & PRIORITY_CLASS) >= isr_class)
        return a->tpr & TPR_MASK;
    return isr_class;
    /* END LAB lapic-priority */
}

int lapic_deliverable(const struct lapic *a)
{
    if (!a->enabled)
        return -1;
    int irrv = highest(a->irr);
    if (irrv < 0 || ((uint32_t)irrv & PRIORITY_CLASS) <= (lapic_ppr(a) & PRIORITY_CLASS))
        return -1;
    return irrv;
}

bool lapic_blocked_by_in_service(const struct lapic *a)
{
    return a->enabled && highest(a->irr) >= 0 && highest(a->isr) >= 0 &&
           lapic_deliverable(a) < 0;
}

void lapic_acknowledge(struct lapic *a, unsigned vector)
{
    set_bit(a->irr, vector, false);
    set_bit(a->isr, vector, true);
}

bool lapic_extint_open(const struct lapic *a)
{
    /* Globally disabled, LINT0 is the CPU's INTR pin itself. */
    if (!a->enabled)
        return true;
    uint32_t lint0 = a->lvt[LVT_LINT0];
    return !(lint0 & LVT_MASKED) &&
           (lint0 & LVT_DELIVERY_MODE_MASK) >> LVT_DELIVERY_MODE_SHIFT == DELIVERY_EXTINT;
}

/* "Error Handling": a new error raises the error LVT's interrupt. */
static void error(struct lapic *a, uint32_t bits)
{
    bool fresh = bits & ~a->esr_pending;
    a->esr_pending |= bits;
    uint32_t lvt = a->lvt[LVT_ERROR];
    unsigned vector = lvt & LVT_VECTOR_MASK;
    if (fresh && !(lvt & LVT_MASKED) && vector >= LAPIC_FIRST_LEGAL_VECTOR)
        set_bit(a->irr, vector, true);
}

void lapic_accept(struct lapic *a, unsigned vector)
{
    if (vector < LAPIC_FIRST_LEGAL_VECTOR) /* vectors 0-15 are illegal */
        error(a, ESR_RECEIVE_ILLEGAL_VECTOR);
    else
        set_bit(a->irr, vector, true);
}

/* --- the timer ("APIC Timer") ------------------------------------------ */

static unsigned timer_mode(const struct lapic *a)
{
    return (a->lvt[LVT_TIMER] & LVT_TIMER_MODE_MASK) >> LVT_TIMER_MODE_SHIFT;
}

static unsigned divide_shift(const struct lapic *a)
{
    /* "Divide Configuration Register": bits 3, 1:0 encode 2^(n+1), 7 = 1. */
    unsigned n = (a->divide & 0x3u) | ((a->divide >> DIVIDE_HIGH_BIT) & 1u) << 2;
    return n == DIVIDE_BY_ONE ? 0 : n + 1;
}

/* The period in TSC ticks, never below LAPIC_MIN_PERIOD_TICKS. */
static uint64_t period(const struct lapic *a)
{
    uint64_t p = (uint64_t)a->initial << divide_shift(a);
    return p < LAPIC_MIN_PERIOD_TICKS ? LAPIC_MIN_PERIOD_TICKS : p;
}

static bool counting(const struct lapic *a)
{
    return a->initial && timer_mode(a) != TIMER_TSC_DEADLINE;
}

uint64_t lapic_next_expiry(const struct lapic *a, uint64_t now)
{
    (void)now;
    if (!a->enabled)
        return LAPIC_NEVER;
    if (timer_mode(a) == TIMER_TSC_DEADLINE)
        return a->tsc_deadline ? a->tsc_deadline : LAPIC_NEVER;
    /* A guest that set its TSC near 2^64 never sees the count run out. */
    if (!counting(a) || a->timer_start > LAPIC_NEVER - period(a))
        return LAPIC_NEVER;
    return a->timer_start + period(a);
}

static void timer_fires(struct lapic *a)
{
    uint32_t lvt = a->lvt[LVT_TIMER];
    if (!(lvt & LVT_MASKED))
        lapic_accept(a, lvt & LVT_VECTOR_MASK);
}

void lapic_advance(struct lapic *a, uint64_t now)
{
    if (!a->enabled)
        return;
    if (timer_mode(a) == TIMER_TSC_DEADLINE) {
        if (a->tsc_deadline && now >= a->tsc_deadline) {
            a->tsc_deadline = 0;
            timer_fires(a);
        }
        return;
    }
    if (!counting(a) || now < a->timer_start || now - a->timer_start < period(a))
        return;
    timer_fires(a); /* expiries since the last look coalesce into one IRR bit */
    if (timer_mode(a) == TIMER_PERIODIC) {
        uint64_t p = period(a);
        a->timer_start += (now - a->timer_start) / p * p;
    } else {
        a->initial = 0; /* one-shot: the count stays at 0 */
    }
}

static uint32_t current_count(const struct lapic *a, uint64_t now)
{
    if (!counting(a) || now < a->timer_start)
        return counting(a) ? a->initial : 0;
    uint64_t ticks = (now - a->timer_start) >> divide_shift(a);
    if (timer_mode(a) == TIMER_PERIODIC)
        return a->initial - (uint32_t)(ticks % a->initial);
    return ticks >= a->initial ? 0 : a->initial - (uint32_t)ticks;
}

void lapic_write_tsc_deadline(struct lapic *a, uint64_t value)
{
    if (timer_mode(a) == TIMER_TSC_DEADLINE)
        a->tsc_deadline = value;
}

/* --- registers ---------------------------------------------------------- */

static void send_ipi(struct lapic *a, uint32_t icr)
{
    unsigned shorthand = (icr >> ICR_SHORTHAND_SHIFT) & ICR_SHORTHAND_MASK;
    unsigned destination = a->icr_high >> ID_SHIFT;
    bool to_self = shorthand == SHORTHAND_SELF || shorthand == SHORTHAND_ALL ||
                   (shorthand == SHORTHAND_NONE &&
                    (destination == a->id >> ID_SHIFT || destination == BROADCAST_ID));
    unsigned mode = (icr & LVT_DELIVERY_MODE_MASK) >> LVT_DELIVERY_MODE_SHIFT;
    unsigned vector = icr & LVT_VECTOR_MASK;
    if (mode == DELIVERY_FIXED && vector < LAPIC_FIRST_LEGAL_VECTOR) {
        error(a, ESR_SEND_ILLEGAL_VECTOR | (to_self ? ESR_RECEIVE_ILLEGAL_VECTOR : 0));
        return;
    }
    if (!to_self)
        return; /* no other processors */
    if (mode == DELIVERY_FIXED)
        lapic_accept(a, vector);
    else if (mode == DELIVERY_NMI)
        a->nmi = true;
    /* INIT, SIPI, SMI to itself: nothing this model does. */
}

uint32_t lapic_read(struct lapic *a, uint32_t offset, uint64_t now)
{
    switch (offset) {
    case LAPIC_ID: return a->id;
    case LAPIC_VERSION: return APIC_VERSION | (LVT_COUNT - 1) << MAX_LVT_SHIFT;
    case LAPIC_TPR: return a->tpr;
    case LAPIC_PPR: return lapic_ppr(a);
    case LAPIC_LDR: return a->ldr;
    case LAPIC_DFR: return a->dfr;
    case LAPIC_SVR: return a->svr;
    case LAPIC_ESR: return a->esr;
    case LAPIC_ICR_LOW: return a->icr_low; /* delivery status: idle */
    case LAPIC_ICR_HIGH: return a->icr_high;
    case LAPIC_TIMER_INITIAL_COUNT: return a->initial;
    case LAPIC_TIMER_CURRENT_COUNT: return current_count(a, now);
    case LAPIC_TIMER_DIVIDE: return a->divide;
    default: break;
    }
    if (offset >= LAPIC_LVT_TIMER && offset <= LAPIC_LVT_ERROR)
        return a->lvt[(offset - LAPIC_LVT_TIMER) / REGISTER_STRIDE];
    if (offset >= LAPIC_ISR && offset < LAPIC_ESR) /* ISR, TMR, IRR: 8 words each */
        return (offset >= LAPIC_IRR ? a->irr : offset >= LAPIC_TMR ? a->tmr : a->isr)
            [(offset - LAPIC_ISR) / REGISTER_STRIDE % (LAPIC_VECTORS / BITS_PER_WORD)];
    return 0; /* write-only and reserved registers */
}

static void write_lvt(struct lapic *a, unsigned i, uint32_t value)
{
    uint32_t v = value & lvt_writable[i];
    if (!(a->svr & SVR_APIC_ENABLED))
        v |= LVT_MASKED; /* a software-disabled APIC keeps its LVT masked */
    if (i == LVT_TIMER && ((v ^ a->lvt[i]) & LVT_TIMER_MODE_MASK)) {
        a->tsc_deadline = 0; /* a mode change disarms the timer */
        a->initial = 0;
    }
    a->lvt[i] = v;
}

void lapic_write(struct lapic *a, uint32_t offset, uint32_t value, uint64_t now)
{
    switch (offset) {
    case LAPIC_ID: a->id = value & (TPR_MASK << ID_SHIFT); return;
    case LAPIC_TPR: a->tpr = value & TPR_MASK; return;
    case LAPIC_EOI: { /* "EOI Register": ends the highest in-service vector */
        /* LAB lapic-priority (continued): the EOI write clears the highest
         * bit set in the ISR.
         * Student stub:
         *     run_fail("lab lapic-priority is not done yet");
         *     return;
         */
        int v = highest(a->isr);
        if (v >= 0)
            set_bit(a->isr, (unsigned)v, false);
        return;
        /* END LAB lapic-priority */
    }
    case LAPIC_LDR: a->ldr = value & LDR_MASK; return;
    case LAPIC_DFR: a->dfr = (value & DFR_MODEL_MASK) | DFR_RESERVED_ONES; return;
    case LAPIC_SVR:
        a->svr = value & SVR_WRITABLE;
        if (!(a->svr & SVR_APIC_ENABLED))
            for (unsigned i = 0; i < LVT_COUNT; i++)
                a->lvt[i] |= LVT_MASKED;
        return;
    case LAPIC_ESR: /* a write latches the errors since the last one */
        a->esr = a->esr_pending & ESR_ERROR_BITS;
        a->esr_pending = 0;
        return;
    case LAPIC_ICR_LOW:
        a->icr_low = value & ICR_LOW_WRITABLE;
        send_ipi(a, a->icr_low);
        return;
    case LAPIC_ICR_HIGH: a->icr_high = value & (TPR_MASK << ID_SHIFT); return;
    case LAPIC_TIMER_INITIAL_COUNT:
        if (timer_mode(a) == TIMER_TSC_DEADLINE)
            return; /* ignored in TSC-deadline mode */
        a->initial = value;
        a->timer_start = now;
        if (value && ((uint64_t)value << divide_shift(a)) < LAPIC_MIN_PERIOD_TICKS)
            a->raised++;
        return;
    case LAPIC_TIMER_DIVIDE: a->divide = value & DIVIDE_MASK; return;
    default: break;
    }
    /* The rest are read-only or reserved: writes do nothing. */
    if (offset >= LAPIC_LVT_TIMER && offset <= LAPIC_LVT_ERROR)
        write_lvt(a, (offset - LAPIC_LVT_TIMER) / REGISTER_STRIDE, value);
}
