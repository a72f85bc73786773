// sources: chapters/06-linux/ioapic.c chapters/06-linux/lapic.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of the I/O APIC (chapter 6) delivering to the local
 * APIC: the register window (ID, version, redirection entries and their
 * read-only bits), masked inputs, edge and level triggering, remote IRR
 * and the EOI broadcast that clears it and delivers again while the line
 * stays up, physical and logical destinations, NMI and ExtINT, and an
 * illegal vector refused as the local APIC does (ESR receive illegal
 * vector). 82093AA data sheet; Intel SDM Vol. 3A, "Advanced Programmable
 * Interrupt Controller (APIC)". */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "ioapic.h"

static int logged;
void exit_log(const char *fmt, ...)
{
    (void)fmt;
    logged++;
}

#define EOI_WRITE(a) lapic_write((a), LAPIC_EOI, 0, 0)

static void setup(struct ioapic *io, struct lapic *a)
{
    *io = (struct ioapic){0};
    *a = (struct lapic){0};
    ioapic_reset(io);
    lapic_reset(a, true);
}

static void set_entry(struct ioapic *io, struct lapic *a, unsigned pin, uint64_t e)
{
    ioapic_write(io, a, IOAPIC_REGSEL, IOAPIC_REG_REDIRECTION + 2 * pin + 1);
    ioapic_write(io, a, IOAPIC_WIN, (uint32_t)(e >> 32));
    ioapic_write(io, a, IOAPIC_REGSEL, IOAPIC_REG_REDIRECTION + 2 * pin);
    ioapic_write(io, a, IOAPIC_WIN, (uint32_t)e);
}

static uint32_t reg(struct ioapic *io, uint32_t r)
{
    ioapic_write(io, 0, IOAPIC_REGSEL, r);
    return ioapic_read(io, IOAPIC_WIN);
}

/* The local APIC takes the highest vector waiting, as the CPU would. */
static int take(struct lapic *a)
{
    int v = lapic_deliverable(a);
    if (v >= 0)
        lapic_acknowledge(a, (unsigned)v);
    return v;
}

/* The EOI, passed on to the I/O APIC as vpc.c does. */
static void eoi(struct ioapic *io, struct lapic *a)
{
    EOI_WRITE(a);
    if (a->eoi_level) {
        unsigned v = a->eoi_level;
        a->eoi_level = 0;
        ioapic_eoi(io, a, v);
    }
}

static void test_registers(void)
{
    struct ioapic io;
    struct lapic a;
    setup(&io, &a);
    CHECK_EQ_U64(reg(&io, IOAPIC_REG_ID), (uint32_t)IOAPIC_ID << 24);
    CHECK_EQ_U64(reg(&io, IOAPIC_REG_VERSION), 0x00170011);
    CHECK_EQ_U64(reg(&io, IOAPIC_REG_REDIRECTION + 4), IOAPIC_MASKED);
    /* Delivery status and remote IRR do not take writes. */
    set_entry(&io, &a, 2, 0xFF00000000000000ull | IOAPIC_REMOTE_IRR | IOAPIC_DELIVERY_STATUS |
                              IOAPIC_MASKED | 0x30);
    CHECK_EQ_U64(reg(&io, IOAPIC_REG_REDIRECTION + 4), IOAPIC_MASKED | 0x30);
    CHECK_EQ_U64(reg(&io, IOAPIC_REG_REDIRECTION + 5), 0xFF000000);
    CHECK_EQ_U64(reg(&io, IOAPIC_REG_REDIRECTION + 2 * IOAPIC_INPUTS), 0); /* no such entry */
    ioapic_write(&io, &a, IOAPIC_REGSEL, 0x1FF);
    CHECK_EQ_U64(ioapic_read(&io, IOAPIC_REGSEL), 0xFF); /* an 8-bit index */
}

static void test_edge_and_mask(void)
{
    struct ioapic io;
    struct lapic a;
    setup(&io, &a);
    ioapic_set_irq(&io, &a, 2, true); /* masked: the edge is lost */
    ioapic_set_irq(&io, &a, 2, false);
    set_entry(&io, &a, 2, 0x30);
    CHECK_EQ_U64(take(&a), (uint64_t)-1);
    ioapic_set_irq(&io, &a, 2, true);
    ioapic_set_irq(&io, &a, 2, true); /* no new edge */
    CHECK_EQ_U64(take(&a), 0x30);
    CHECK_EQ_U64(a.tmr[1], 0); /* edge: TMR clear */
    CHECK_EQ_U64(take(&a), (uint64_t)-1);
    ioapic_set_irq(&io, &a, 2, false);
    ioapic_set_irq(&io, &a, 2, true); /* a new edge while 0x30 is in service */
    CHECK_EQ_U64(take(&a), (uint64_t)-1);
    eoi(&io, &a);
    CHECK_EQ_U64(take(&a), 0x30);
}

static void test_level_remote_irr_and_eoi(void)
{
    struct ioapic io;
    struct lapic a;
    setup(&io, &a);
    set_entry(&io, &a, 11, IOAPIC_LEVEL | 0x41);
    ioapic_set_irq(&io, &a, 11, true);
    CHECK_EQ_U64(reg(&io, IOAPIC_REG_REDIRECTION + 22) & IOAPIC_REMOTE_IRR, IOAPIC_REMOTE_IRR);
    CHECK_EQ_U64(take(&a), 0x41);
    CHECK_EQ_U64(a.tmr[2] >> 1 & 1, 1); /* level: TMR set */
    eoi(&io, &a);                       /* the line is still up: again */
    CHECK_EQ_U64(take(&a), 0x41);
    ioapic_set_irq(&io, &a, 11, false);
    eoi(&io, &a);
    CHECK_EQ_U64(reg(&io, IOAPIC_REG_REDIRECTION + 22) & IOAPIC_REMOTE_IRR, 0);
    CHECK_EQ_U64(take(&a), (uint64_t)-1);
    /* Masked while the line is up, then unmasked: it delivers then. */
    set_entry(&io, &a, 11, IOAPIC_MASKED | IOAPIC_LEVEL | 0x41);
    ioapic_set_irq(&io, &a, 11, true);
    CHECK_EQ_U64(take(&a), (uint64_t)-1);
    set_entry(&io, &a, 11, IOAPIC_LEVEL | 0x41);
    CHECK_EQ_U64(take(&a), 0x41);
    /* Rewriting the entry edge-triggered clears a stuck remote IRR. */
    set_entry(&io, &a, 11, IOAPIC_MASKED | 0x41);
    CHECK_EQ_U64(reg(&io, IOAPIC_REG_REDIRECTION + 22) & IOAPIC_REMOTE_IRR, 0);
}

static void test_destinations(void)
{
    struct ioapic io;
    struct lapic a;
    setup(&io, &a);
    set_entry(&io, &a, 4, (1ull << IOAPIC_DEST_SHIFT) | 0x34); /* physical ID 1: nobody */
    ioapic_set_irq(&io, &a, 4, true);
    CHECK_EQ_U64(take(&a), (uint64_t)-1);
    lapic_write(&a, LAPIC_LDR, 1u << 24, 0);                     /* logical, flat model */
    set_entry(&io, &a, 4, (1ull << IOAPIC_DEST_SHIFT) | IOAPIC_DEST_LOGICAL | 0x34);
    ioapic_set_irq(&io, &a, 4, false);
    ioapic_set_irq(&io, &a, 4, true);
    CHECK_EQ_U64(take(&a), 0x34);
    eoi(&io, &a);
    /* Lowest priority, physical broadcast. */
    set_entry(&io, &a, 5, (0xFFull << IOAPIC_DEST_SHIFT) | (1u << IOAPIC_DELIVERY_SHIFT) | 0x35);
    ioapic_set_irq(&io, &a, 5, true);
    CHECK_EQ_U64(take(&a), 0x35);
}

static void test_nmi_extint_and_illegal_vector(void)
{
    struct ioapic io;
    struct lapic a;
    setup(&io, &a);
    set_entry(&io, &a, 3, 4u << IOAPIC_DELIVERY_SHIFT);
    ioapic_set_irq(&io, &a, 3, true);
    CHECK(a.nmi);
    CHECK(!ioapic_extint_open(&io, 0));
    set_entry(&io, &a, 0, 7u << IOAPIC_DELIVERY_SHIFT);
    CHECK(ioapic_extint_open(&io, 0));
    /* Vector 5: refused, counted, logged, the ESR says why. */
    lapic_write(&a, LAPIC_LVT_ERROR, 0xFE, 0);
    set_entry(&io, &a, 9, IOAPIC_LEVEL | 5);
    logged = 0;
    ioapic_set_irq(&io, &a, 9, true);
    CHECK_EQ_U64(io.illegal, 1);
    CHECK_EQ_U64(logged, 1);
    CHECK_EQ_U64(reg(&io, IOAPIC_REG_REDIRECTION + 18) & IOAPIC_REMOTE_IRR, 0);
    lapic_write(&a, LAPIC_ESR, 0, 0);
    CHECK_EQ_U64(lapic_read(&a, LAPIC_ESR, 0), ESR_RECEIVE_ILLEGAL_VECTOR);
    CHECK_EQ_U64(take(&a), 0xFE); /* the error interrupt */
}

int main(void)
{
    test_registers();
    test_edge_and_mask();
    test_level_remote_irr_and_eoi();
    test_destinations();
    test_nmi_extint_and_illegal_vector();
    return CHECK_DONE("test_ioapic");
}
