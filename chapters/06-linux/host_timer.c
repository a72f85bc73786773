/* SPDX-License-Identifier: MIT */
/* The host's own 8259s and 8254, programmed by the hypervisor as a PC
 * operating system does ("8259A" and "8254" data sheets): the 8259s moved
 * above the exception vectors, IRQ0 alone unmasked, the PIT's channel 0 a
 * rate generator at HOST_TIMER_HZ. The hypervisor runs with interrupts
 * off; a host interrupt arriving while the guest runs exits ("external-
 * interrupt exiting") already acknowledged ("acknowledge interrupt on
 * exit"), and exits/external_interrupt.c passes it here. The host's COM1
 * interrupts when the user types (its receive interrupt, on IRQ4), and
 * each tick looks there too: the input goes to the guest's UART. */
#include "host_timer.h"
#include "console.h"
#include "cpu.h"
#include "pic8259.h"
#include "pit8254.h"
#include "printf.h"
#include "uart16550.h"
#include "uart.h"

#define ICW1_INIT_ICW4 0x11u   /* ICW1, edge-triggered, cascaded, ICW4 follows */
#define ICW3_SLAVE_ON_IRQ2 0x04u
#define ICW3_SLAVE_ID 0x02u
#define ICW4_8086 0x01u
#define HOST_COM1_IRQ 4u       /* the host's COM1: the user's input */
#define MASK_ALL_BUT_IRQ0_AND_COM1 ((uint8_t)~(1u | 1u << HOST_COM1_IRQ))
#define UART_IER_RX_DATA 0x01u
#define MASK_ALL 0xFFu
#define OCW2_NON_SPECIFIC_EOI 0x20u
#define PIT_CHANNEL0_RATE_GENERATOR_LSB_MSB 0x34u /* channel 0, LSB then MSB, mode 2 */
#define BYTE_BITS 8
#define BYTE_MASK 0xFFu
#define HOST_TIMER_DIVISOR (PIT_HZ / HOST_TIMER_HZ)

static uint64_t timer_ticks, input_interrupts, other_interrupts;

void host_timer_start(void)
{
    /* ICW1-ICW4 to each chip, then OCW1; then the PIT's control word and
     * its count, LSB first. */
    static const uint8_t writes[][2] = {
        {PIC_MASTER_COMMAND, ICW1_INIT_ICW4}, {PIC_MASTER_DATA, HOST_MASTER_VECTOR_BASE},
        {PIC_MASTER_DATA, ICW3_SLAVE_ON_IRQ2}, {PIC_MASTER_DATA, ICW4_8086},
        {PIC_SLAVE_COMMAND, ICW1_INIT_ICW4}, {PIC_SLAVE_DATA, HOST_SLAVE_VECTOR_BASE},
        {PIC_SLAVE_DATA, ICW3_SLAVE_ID}, {PIC_SLAVE_DATA, ICW4_8086},
        {PIC_MASTER_DATA, MASK_ALL_BUT_IRQ0_AND_COM1}, {PIC_SLAVE_DATA, MASK_ALL},
        {PIT_MODE_COMMAND, PIT_CHANNEL0_RATE_GENERATOR_LSB_MSB},
        {PIT_CHANNEL0, HOST_TIMER_DIVISOR & BYTE_MASK},
        {PIT_CHANNEL0, HOST_TIMER_DIVISOR >> BYTE_BITS},
    };
    for (unsigned i = 0; i < sizeof writes / sizeof writes[0]; i++)
        outb(writes[i][0], writes[i][1]);
    outb(COM1_BASE + UART_IER, UART_IER_RX_DATA); /* MCR.OUT2 (console_init) gates it */
    kprintf("host timer: 8259s at vectors 0x%x/0x%x, PIT channel 0 at %u Hz on IRQ0, COM1's "
            "input on IRQ%u; host interrupts exit, acknowledged\n", HOST_MASTER_VECTOR_BASE,
            HOST_SLAVE_VECTOR_BASE, HOST_TIMER_HZ, HOST_COM1_IRQ);
}

void host_interrupt(unsigned vector)
{
    /* Every host interrupt is ended at once, so a non-specific EOI ends
     * this one; after a spurious IRQ7 nothing is in service, and it ends
     * nothing. */
    if (vector == HOST_MASTER_VECTOR_BASE) {
        timer_ticks++;
        uart_poll_host(); /* what the user typed: uart.c says why here too */
    } else if (vector == HOST_MASTER_VECTOR_BASE + HOST_COM1_IRQ) {
        input_interrupts++;
        uart_poll_host();
    } else {
        other_interrupts++;
    }
    if (vector >= HOST_SLAVE_VECTOR_BASE && vector < HOST_SLAVE_VECTOR_BASE + PIC_LINES)
        outb(PIC_SLAVE_COMMAND, OCW2_NON_SPECIFIC_EOI);
    outb(PIC_MASTER_COMMAND, OCW2_NON_SPECIFIC_EOI);
}

void host_timer_print_summary(void)
{
    kprintf("host timer: %lu tick(s) of the host's own timer handled by the hypervisor, "
            "%lu input interrupt(s) from its COM1, %lu other host interrupt(s); none reached "
            "the guest\n", timer_ticks, input_interrupts, other_interrupts);
}
