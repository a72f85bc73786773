/* SPDX-License-Identifier: MIT */
/** @file abi/guest_irq.h
 *  The programs of chapter 5's guest, guests/irq/, chosen by the value in
 *  RDI at entry. The guest talks to the virtual PC's own devices (the
 *  8259A pair, the 8254 and the local APIC, at the addresses a PC has
 *  them) and prints through the hypercalls of abi/hypercall.h. */
#pragma once

enum guest_program {
    GUEST_NORMAL = 0,      /**< every injection case, the timers, HLT idling */
    GUEST_BENCH = 1,       /**< time each kind of VM exit (guests/bench.inc and timers) */
    GUEST_TIMER_STORM = 2, /**< a LAPIC timer at its minimum period */
    GUEST_NO_EOI = 3,      /**< interrupts taken and never acknowledged */
    GUEST_IDT_UNMAPPED = 4, /**< an IDT outside guest RAM while an interrupt is delivered */
    GUEST_BAD_LVT_VECTOR = 5, /**< an LVT entry with an illegal vector (0-15) */
    GUEST_PIC_STORM = 6,   /**< an interrupt storm through the PIC */
    GUEST_HLT_CLI = 7,     /**< CLI; HLT */
};
