/* SPDX-License-Identifier: MIT */
/** @file vpc.h
 *  The virtual PC's interrupt controllers and timers: the 8259A pair, the
 *  8254, the I/O APIC and the local APIC, wired as on a PC (pc.h): each
 *  ISA interrupt line goes to an 8259 input and to an I/O APIC input; the
 *  master 8259's INT reaches the CPU through LINT0 in ExtINT mode
 *  ("virtual-wire mode", as the BIOS leaves it) or through the I/O APIC's
 *  ExtINT input; the I/O APIC sends its messages to the local APIC. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "ioapic.h"
#include "lapic.h"
#include "mmio.h"
#include "pic8259.h"
#include "pit8254.h"
#include "vcpu.h"

/* The guest's TSC rate, which fixes the PIT's clock against it: Bochs's
 * configured instructions per second (clock: sync=none counts one tick
 * each). Virtual time is the guest's own: a guest that calibrates its TSC
 * with PIT channel 2 finds this rate, whatever the host's. */
#define VIRTUAL_TSC_HZ 80000000ull

/** The devices, and the IA32_APIC_BASE the guest sees. */
struct vpc {
    struct pic_pair pic;
    struct pit pit;
    struct lapic lapic;
    struct ioapic ioapic;
    uint32_t irq_lines; /**< the ISA lines' levels, bit n for IRQ n */
    uint64_t apic_base; /**< IA32_APIC_BASE */
    struct vcpu *vcpu;  /**< woken up (v->event_check) by every change */
};

extern struct vpc vpc;
/** The local APIC's MMIO window at IA32_APIC_BASE. */
extern struct mmio_device lapic_mmio;

/** Resets the devices as a PC BIOS leaves them, maps the local APIC. */
void vpc_init(struct vcpu *v);
/** A byte IN from a port of the 8259s, the 8254 or port 0x61. */
uint8_t vpc_port_in(uint16_t port);
/** A byte OUT to one of them. */
void vpc_port_out(uint16_t port, uint8_t value);
/** Drives ISA interrupt line irq (pc.h) to level, at the 8259s and the
 *  I/O APIC alike. */
void vpc_set_irq(unsigned irq, bool level);
/** Something changed: recompute the alarm and look for interrupts. */
void vpc_changed(void);
/** Guest TSC to PIT clocks, and back (rounded up). */
uint64_t vpc_pit_clock(uint64_t tsc);
uint64_t vpc_tsc_of_pit_clock(uint64_t clock);
/** What a write of IA32_APIC_BASE did. */
enum apic_base_write { APIC_BASE_WRITTEN, APIC_BASE_RESERVED, APIC_BASE_MOVED };
/** IA32_APIC_BASE: reserved bits and x2APIC mode (absent) fault; moving
 *  the page is not emulated. */
enum apic_base_write vpc_write_apic_base(uint64_t value);
/** Prints the devices' counters at the end of the run. */
void vpc_print_summary(void);
