/* SPDX-License-Identifier: MIT */
/** @file host_timer.h
 *  The host keeps its own interrupts: its 8259s and 8254 tick for the
 *  hypervisor, and with "external-interrupt exiting" and "acknowledge
 *  interrupt on exit" every host interrupt that comes while the guest runs
 *  is a VM exit that hands its vector to the hypervisor, never to the
 *  guest. */
#pragma once
#include <stdint.h>

/** The host's timer: PIT channel 0 on IRQ0 at this rate. */
#define HOST_TIMER_HZ 100u
/** Where the host's 8259s put IRQ0-7 and IRQ8-15 (above the exceptions). */
#define HOST_MASTER_VECTOR_BASE 0x20u
#define HOST_SLAVE_VECTOR_BASE 0x28u

/** Programs the host's 8259s (only IRQ0 unmasked) and its PIT. */
void host_timer_start(void);
/** Handles host interrupt vector, acknowledged on exit: counts it and
 *  sends the 8259 its EOI. */
void host_interrupt(unsigned vector);
/** Prints the host's interrupts handled. */
void host_timer_print_summary(void);
