// sources: chapters/05-irq/pic8259.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of the 8259A pair (chapter 5): the initialization
 * sequence as a PC operating system sends it, masks, fixed priorities and
 * rotation, the cascade through IRQ2, non-specific and specific EOI,
 * auto-EOI, IRR and ISR read through OCW3, special mask mode, and the
 * in-service block that a guest which never sends EOI runs into. The
 * "8259A Programmable Interrupt Controller" data sheet. */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "pic8259.h"

#define ICW1_ICW4 0x11
#define ICW4_8086 0x01
#define ICW4_AUTO_EOI 0x03
#define NON_SPECIFIC_EOI 0x20
#define SPECIFIC_EOI 0x60
#define READ_IRR 0x0A
#define READ_ISR 0x0B
#define ROTATE_ON_NON_SPECIFIC_EOI 0xA0
#define SET_SPECIAL_MASK 0x68

static void init(struct pic_pair *p, uint8_t icw4)
{
    pic_reset(p);
    pic_write(p, PIC_MASTER_COMMAND, ICW1_ICW4);
    pic_write(p, PIC_MASTER_DATA, 0x20);
    pic_write(p, PIC_MASTER_DATA, 0x04);
    pic_write(p, PIC_MASTER_DATA, icw4);
    pic_write(p, PIC_SLAVE_COMMAND, ICW1_ICW4);
    pic_write(p, PIC_SLAVE_DATA, 0x28);
    pic_write(p, PIC_SLAVE_DATA, 0x02);
    pic_write(p, PIC_SLAVE_DATA, icw4);
}

static void pulse(struct pic_pair *p, unsigned irq)
{
    pic_set_irq(p, irq, true);
    pic_set_irq(p, irq, false);
}

static void test_power_up_masks_everything(void)
{
    struct pic_pair p;
    pic_reset(&p);
    pulse(&p, 0);
    CHECK(!pic_int_output(&p));
    CHECK_EQ_U64(pic_read(&p, PIC_MASTER_DATA), 0xFF);
}

static void test_irq0_through_the_sequence(void)
{
    struct pic_pair p;
    init(&p, ICW4_8086);
    CHECK_EQ_U64(pic_read(&p, PIC_MASTER_DATA), 0); /* ICW1 cleared the mask */
    pic_write(&p, PIC_MASTER_DATA, 0xFE);           /* OCW1: IRQ0 only */
    pulse(&p, 1);
    CHECK(!pic_int_output(&p));
    pulse(&p, 0);
    CHECK(pic_int_output(&p));
    pic_write(&p, PIC_MASTER_COMMAND, READ_IRR);
    CHECK_EQ_U64(pic_read(&p, PIC_MASTER_COMMAND), 0x03);
    CHECK_EQ_U64(pic_acknowledge(&p), 0x20);
    pic_write(&p, PIC_MASTER_COMMAND, READ_ISR);
    CHECK_EQ_U64(pic_read(&p, PIC_MASTER_COMMAND), 0x01);
    pulse(&p, 0); /* a second edge waits behind the one in service */
    CHECK(!pic_int_output(&p));
    CHECK(pic_blocked_by_in_service(&p));
    pic_write(&p, PIC_MASTER_COMMAND, NON_SPECIFIC_EOI);
    CHECK(pic_int_output(&p));
    CHECK(!pic_blocked_by_in_service(&p));
}

static void test_priority_and_specific_eoi(void)
{
    struct pic_pair p;
    init(&p, ICW4_8086);
    pulse(&p, 5);
    CHECK_EQ_U64(pic_acknowledge(&p), 0x25);
    pulse(&p, 3); /* higher priority: interrupts the one in service */
    CHECK(pic_int_output(&p));
    CHECK_EQ_U64(pic_acknowledge(&p), 0x23);
    pulse(&p, 4); /* between them: waits */
    CHECK(!pic_int_output(&p));
    pic_write(&p, PIC_MASTER_COMMAND, SPECIFIC_EOI | 5);
    CHECK(!pic_int_output(&p)); /* 3 is still in service */
    pic_write(&p, PIC_MASTER_COMMAND, NON_SPECIFIC_EOI);
    CHECK_EQ_U64(pic_acknowledge(&p), 0x24);
}

static void test_rotation(void)
{
    struct pic_pair p;
    init(&p, ICW4_8086);
    pulse(&p, 0);
    CHECK_EQ_U64(pic_acknowledge(&p), 0x20);
    pic_write(&p, PIC_MASTER_COMMAND, ROTATE_ON_NON_SPECIFIC_EOI);
    pulse(&p, 0); /* IRQ0 is now the lowest: IRQ1 goes first */
    pulse(&p, 1);
    CHECK_EQ_U64(pic_acknowledge(&p), 0x21);
}

static void test_cascade_and_auto_eoi(void)
{
    struct pic_pair p;
    init(&p, ICW4_AUTO_EOI);
    pulse(&p, 12);
    CHECK(pic_int_output(&p));
    CHECK_EQ_U64(pic_acknowledge(&p), 0x2C);
    pic_write(&p, PIC_SLAVE_COMMAND, READ_ISR);
    CHECK_EQ_U64(pic_read(&p, PIC_SLAVE_COMMAND), 0); /* auto-EOI */
    CHECK_EQ_U64(p.master.isr, 0);
    pulse(&p, 12);
    CHECK(pic_int_output(&p));
}

static void test_spurious_and_special_mask(void)
{
    struct pic_pair p;
    init(&p, ICW4_8086);
    CHECK_EQ_U64(pic_acknowledge(&p), 0x27); /* nothing asked: IRQ7 */
    CHECK_EQ_U64(p.master.isr, 0);
    pulse(&p, 2 + 1);
    CHECK_EQ_U64(pic_acknowledge(&p), 0x23);
    pic_write(&p, PIC_MASTER_DATA, 0x08);             /* mask the one in service */
    pic_write(&p, PIC_MASTER_COMMAND, SET_SPECIAL_MASK);
    pulse(&p, 6);                                     /* lower, yet let through */
    CHECK(pic_int_output(&p));
}

int main(void)
{
    test_power_up_masks_everything();
    test_irq0_through_the_sequence();
    test_priority_and_specific_eoi();
    test_rotation();
    test_cascade_and_auto_eoi();
    test_spurious_and_special_mask();
    return CHECK_DONE("test_pic8259");
}
