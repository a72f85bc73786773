/* SPDX-License-Identifier: MIT */
/** @file ioapic.h
 *  The I/O APIC (Intel 82093AA data sheet), as a model with no VMX in it:
 *  the index/data register pair, the ID, version and arbitration
 *  registers, and a redirection table entry per input that sends an
 *  interrupt message to the local APIC: fixed or lowest priority (to the
 *  one local APIC, when the destination names it), NMI, ExtINT; edge or
 *  level triggered, with the remote IRR that a level interrupt holds until
 *  the local APIC's EOI of its vector comes back ("EOI broadcast"). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "lapic.h"
#include "pc.h"

#define IOAPIC_WINDOW_SIZE 0x1000ull
#define IOAPIC_REGSEL 0x00 /**< offset of IOREGSEL, the index register */
#define IOAPIC_WIN 0x10    /**< offset of IOWIN, the data register */
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VERSION 0x01
#define IOAPIC_REG_ARBITRATION 0x02
#define IOAPIC_REG_REDIRECTION 0x10 /**< entry n: low half 0x10+2n, high 0x11+2n */

/* Redirection table entry bits ("IOREDTBL[23:0]"). */
#define IOAPIC_VECTOR_MASK 0xFFull
#define IOAPIC_DELIVERY_SHIFT 8
#define IOAPIC_DELIVERY_MASK (0x7ull << 8)
#define IOAPIC_DEST_LOGICAL (1ull << 11)
#define IOAPIC_DELIVERY_STATUS (1ull << 12)
#define IOAPIC_ACTIVE_LOW (1ull << 13)
#define IOAPIC_REMOTE_IRR (1ull << 14)
#define IOAPIC_LEVEL (1ull << 15)
#define IOAPIC_MASKED (1ull << 16)
#define IOAPIC_DEST_SHIFT 56
#define IOAPIC_DELIVERY_LOWEST 1u

struct ioapic {
    uint32_t regsel;                    /**< IOREGSEL */
    uint32_t id;                        /**< the ID register, bits 27:24 */
    uint64_t redir[IOAPIC_INPUTS];      /**< the redirection table */
    uint32_t lines;                     /**< the inputs' levels, bit n for input n */
    uint32_t illegal;                   /**< messages refused: vector below 16 */
    uint32_t unsupported;               /**< SMI and INIT messages, not emulated */
};

/** As after reset: every entry masked, edge, active high. */
void ioapic_reset(struct ioapic *io);
/** A read of the register window at offset (IOREGSEL or IOWIN). */
uint32_t ioapic_read(struct ioapic *io, uint64_t offset);
/** A write to the window; may deliver a level interrupt to a. */
void ioapic_write(struct ioapic *io, struct lapic *a, uint64_t offset, uint32_t value);
/** Input pin driven to level: an edge or a level interrupt to a. */
void ioapic_set_irq(struct ioapic *io, struct lapic *a, unsigned pin, bool level);
/** The local APIC ended vector (EOI of a level interrupt): remote IRR of
 *  each level entry with it clears, and a line still active delivers again. */
void ioapic_eoi(struct ioapic *io, struct lapic *a, unsigned vector);
/** True if input pin is an unmasked ExtINT entry: the 8259's INT reaches
 *  the CPU through it. */
bool ioapic_extint_open(const struct ioapic *io, unsigned pin);
