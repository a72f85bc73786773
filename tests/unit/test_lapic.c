// sources: chapters/05-irq/lapic.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of the local APIC (chapter 5), time given in TSC ticks:
 * power-up and virtual-wire state, TPR/PPR and the IRR/ISR priority rule,
 * EOI, self-IPI and NMI through the ICR, the illegal-vector errors in the
 * ESR with the error interrupt, the timer in one-shot, periodic and
 * TSC-deadline modes with the divide register, and the least period.
 * Intel SDM Vol. 3A, "Advanced Programmable Interrupt Controller (APIC)". */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "lapic.h"

#define ICR_SELF (1u << 18)
#define ICR_NMI (4u << 8)
#define DIVIDE_BY_2 0x0
#define DIVIDE_BY_16 0x3
#define DIVIDE_BY_1 0xB

static void test_reset_states(void)
{
    struct lapic a = {0};
    lapic_reset(&a, false);
    CHECK_EQ_U64(lapic_read(&a, LAPIC_SVR, 0), 0xFF);
    CHECK_EQ_U64(lapic_read(&a, LAPIC_DFR, 0), 0xFFFFFFFF);
    CHECK_EQ_U64(lapic_read(&a, LAPIC_LVT_LINT0, 0), LVT_MASKED);
    CHECK(!lapic_extint_open(&a));
    CHECK_EQ_U64(lapic_read(&a, LAPIC_VERSION, 0), 0x50014);
    lapic_reset(&a, true);
    CHECK(lapic_extint_open(&a)); /* virtual-wire mode */
    a.enabled = false;            /* globally disabled: LINT0 is INTR */
    CHECK(lapic_extint_open(&a));
}

static void test_priorities_and_eoi(void)
{
    struct lapic a = {0};
    lapic_reset(&a, true);
    lapic_write(&a, LAPIC_ICR_LOW, ICR_SELF | 0x45, 0);
    lapic_write(&a, LAPIC_TPR, 0x50, 0);
    CHECK_EQ_U64(lapic_deliverable(&a), (uint64_t)-1); /* class 4 <= TPR class 5 */
    CHECK_EQ_U64(lapic_read(&a, LAPIC_IRR + 0x20, 0), 1u << 5);
    lapic_write(&a, LAPIC_TPR, 0, 0);
    CHECK_EQ_U64(lapic_deliverable(&a), 0x45);
    lapic_acknowledge(&a, 0x45);
    CHECK_EQ_U64(lapic_read(&a, LAPIC_ISR + 0x20, 0), 1u << 5);
    CHECK_EQ_U64(lapic_ppr(&a), 0x40);
    lapic_accept(&a, 0x41); /* same class: waits for the EOI */
    CHECK_EQ_U64(lapic_deliverable(&a), (uint64_t)-1);
    CHECK(lapic_blocked_by_in_service(&a));
    lapic_accept(&a, 0x61); /* higher class: through */
    CHECK_EQ_U64(lapic_deliverable(&a), 0x61);
    lapic_write(&a, LAPIC_EOI, 0, 0);
    CHECK_EQ_U64(lapic_read(&a, LAPIC_ISR + 0x20, 0), 0);
    CHECK_EQ_U64(lapic_ppr(&a), 0);
    lapic_write(&a, LAPIC_ICR_LOW, ICR_SELF | ICR_NMI, 0);
    CHECK(a.nmi);
}

static void test_illegal_vectors(void)
{
    struct lapic a = {0};
    lapic_reset(&a, true);
    lapic_write(&a, LAPIC_LVT_ERROR, 0x4E, 0);
    lapic_write(&a, LAPIC_LVT_TIMER, 5, 0);
    lapic_write(&a, LAPIC_TIMER_DIVIDE, DIVIDE_BY_1, 0);
    lapic_write(&a, LAPIC_TIMER_INITIAL_COUNT, 20000, 0);
    lapic_advance(&a, 20000);
    CHECK_EQ_U64(lapic_read(&a, LAPIC_ESR, 20000), 0); /* not latched yet */
    lapic_write(&a, LAPIC_ESR, 0, 20000);
    CHECK_EQ_U64(lapic_read(&a, LAPIC_ESR, 20000), ESR_RECEIVE_ILLEGAL_VECTOR);
    CHECK_EQ_U64(lapic_deliverable(&a), 0x4E); /* the error interrupt */
    lapic_write(&a, LAPIC_ICR_LOW, ICR_SELF | 3, 0);
    lapic_write(&a, LAPIC_ESR, 0, 0);
    CHECK_EQ_U64(lapic_read(&a, LAPIC_ESR, 0),
                 ESR_SEND_ILLEGAL_VECTOR | ESR_RECEIVE_ILLEGAL_VECTOR);
}

static void test_timer_modes(void)
{
    struct lapic a = {0};
    lapic_reset(&a, true);
    /* One-shot, divide by 16: 1000 counts are 16000 ticks. */
    lapic_write(&a, LAPIC_TIMER_DIVIDE, DIVIDE_BY_16, 0);
    lapic_write(&a, LAPIC_LVT_TIMER, 0x40, 0);
    lapic_write(&a, LAPIC_TIMER_INITIAL_COUNT, 1000, 100);
    CHECK_EQ_U64(lapic_read(&a, LAPIC_TIMER_CURRENT_COUNT, 100 + 1600), 900);
    CHECK_EQ_U64(lapic_next_expiry(&a, 100), 16100);
    lapic_advance(&a, 16099);
    CHECK_EQ_U64(lapic_deliverable(&a), (uint64_t)-1);
    lapic_advance(&a, 16100);
    CHECK_EQ_U64(lapic_deliverable(&a), 0x40);
    CHECK_EQ_U64(lapic_read(&a, LAPIC_TIMER_CURRENT_COUNT, 20000), 0);
    CHECK_EQ_U64(lapic_next_expiry(&a, 20000), LAPIC_NEVER);
    lapic_acknowledge(&a, 0x40);
    lapic_write(&a, LAPIC_EOI, 0, 0);
    /* Periodic, divide by 2: every 20000 ticks, the count reloaded. */
    lapic_write(&a, LAPIC_TIMER_DIVIDE, DIVIDE_BY_2, 0);
    lapic_write(&a, LAPIC_LVT_TIMER, (TIMER_PERIODIC << LVT_TIMER_MODE_SHIFT) | 0x41, 0);
    lapic_write(&a, LAPIC_TIMER_INITIAL_COUNT, 10000, 0);
    lapic_advance(&a, 20000);
    CHECK_EQ_U64(lapic_deliverable(&a), 0x41);
    CHECK_EQ_U64(lapic_next_expiry(&a, 20000), 40000);
    CHECK_EQ_U64(lapic_read(&a, LAPIC_TIMER_CURRENT_COUNT, 30000), 5000);
    lapic_acknowledge(&a, 0x41);
    lapic_write(&a, LAPIC_EOI, 0, 0);
    /* TSC-deadline: the mode change disarms; the MSR arms, fires, reads 0. */
    lapic_write(&a, LAPIC_LVT_TIMER, (TIMER_TSC_DEADLINE << LVT_TIMER_MODE_SHIFT) | 0x42, 0);
    CHECK_EQ_U64(lapic_next_expiry(&a, 40000), LAPIC_NEVER);
    lapic_write_tsc_deadline(&a, 50000);
    lapic_advance(&a, 49999);
    CHECK_EQ_U64(lapic_deliverable(&a), (uint64_t)-1);
    lapic_advance(&a, 50000);
    CHECK_EQ_U64(lapic_deliverable(&a), 0x42);
    CHECK_EQ_U64(a.tsc_deadline, 0);
}

static void test_least_period(void)
{
    struct lapic a = {0};
    lapic_reset(&a, true);
    lapic_write(&a, LAPIC_TIMER_DIVIDE, DIVIDE_BY_1, 0);
    lapic_write(&a, LAPIC_LVT_TIMER, (TIMER_PERIODIC << LVT_TIMER_MODE_SHIFT) | 0x41, 0);
    lapic_write(&a, LAPIC_TIMER_INITIAL_COUNT, 1, 0);
    CHECK_EQ_U64(a.raised, 1);
    CHECK_EQ_U64(lapic_next_expiry(&a, 0), LAPIC_MIN_PERIOD_TICKS);
}

int main(void)
{
    test_reset_states();
    test_priorities_and_eoi();
    test_illegal_vectors();
    test_timer_modes();
    test_least_period();
    return CHECK_DONE("test_lapic");
}
