/* SPDX-License-Identifier: MIT */
/** @file pc.h
 *  The PC chapter 6 presents to a guest that was not written for it: where
 *  the I/O APIC is and which interrupt line each device raises. The
 *  devices raise these lines; the MP table and the kernel command line
 *  tell the guest about them, from these same numbers. */
#pragma once

/** The I/O APIC's register window (its index and data registers), where
 *  PCs and QEMU put it. */
#define IOAPIC_BASE 0xFEC00000ull
#define IOAPIC_ID 1 /**< the local APIC is 0 */
#define IOAPIC_INPUTS 24

/** ISA interrupt lines, as on a PC. ISA IRQ n is I/O APIC input n, except
 *  IRQ 0 (PIT channel 0), which reaches input 2: input 0 is the 8259's
 *  INTR ("ExtINT"), as on PCs and in QEMU's MP table. */
#define IRQ_PIT 0
#define IRQ_I8042_KEYBOARD 1
#define IRQ_COM1 4
#define IRQ_RTC 8
#define IRQ_VIRTIO_CONSOLE 10
#define IRQ_VIRTIO_BLK 11
#define IRQ_I8042_MOUSE 12
#define IOAPIC_INPUT_OF_IRQ_PIT 2
#define IOAPIC_INPUT_EXTINT 0
#define ISA_IRQS 16
