/* SPDX-License-Identifier: MIT */
/** @file pic8259.h
 *  The PC's two 8259A programmable interrupt controllers, master at ports
 *  0x20/0x21 and slave at 0xA0/0xA1 cascaded on the master's IRQ2, as a
 *  model with no VMX in it ("8259A Programmable Interrupt Controller" data
 *  sheet): the initialization command words ICW1-ICW4, the operation
 *  command words OCW1 (mask), OCW2 (EOI, rotation) and OCW3 (register
 *  read, special mask; not the poll command), fixed and rotating priorities, auto-EOI. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define PIC_MASTER_COMMAND 0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_COMMAND 0xA0
#define PIC_SLAVE_DATA 0xA1
#define PIC_LINES 8     /**< IRQ inputs per chip */
#define PIC_CASCADE_IRQ 2 /**< the master input the slave's INT drives */
#define PIC_IRQS 16     /**< both chips */

/** One 8259A. */
struct pic8259 {
    uint8_t irr;       /**< interrupt request register */
    uint8_t isr;       /**< in-service register */
    uint8_t imr;       /**< interrupt mask register (OCW1) */
    uint8_t lines;     /**< input levels, to find rising edges */
    uint8_t vector_base; /**< ICW2, bits 7:3 */
    uint8_t lowest;    /**< the input of lowest priority (rotation) */
    uint8_t icw_next;  /**< 0: initialized; else the ICW expected next */
    bool icw4_needed;  /**< ICW1.IC4 */
    bool single;       /**< ICW1.SNGL: no cascade */
    bool auto_eoi;     /**< ICW4.AEOI */
    bool rotate_on_auto_eoi; /**< OCW2 R in auto-EOI mode */
    bool read_isr;     /**< OCW3 RR/RIS: the command port reads ISR, else IRR */
    bool special_mask; /**< OCW3 SMM */
};

/** The master and the slave. */
struct pic_pair {
    struct pic8259 master, slave;
};

/** Both chips as after power-up, not yet initialized (all masked). */
void pic_reset(struct pic_pair *p);
/** An OUT to one of the four ports. */
void pic_write(struct pic_pair *p, uint16_t port, uint8_t value);
/** An IN from one of the four ports. */
uint8_t pic_read(struct pic_pair *p, uint16_t port);
/** Drives IRQ line irq (0-15) to level; a rising edge is a request. */
void pic_set_irq(struct pic_pair *p, unsigned irq, bool level);
/** The master's INT output: an unmasked request outranks what is in service. */
bool pic_int_output(const struct pic_pair *p);
/** The INTA cycle: the vector of the request now in service (the
 *  spurious IRQ7 vector if the request went away). */
uint8_t pic_acknowledge(struct pic_pair *p);
/** True if an unmasked request waits behind an in-service one that has
 *  not been ended (no EOI). */
bool pic_blocked_by_in_service(const struct pic_pair *p);
