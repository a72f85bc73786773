/* SPDX-License-Identifier: MIT */
/* The PC's first interrupt controller and timer: the 8259A pair, set up
 * the way every PC operating system does (ICW1-ICW4, vectors 0x20-0x2F),
 * and the 8254: channel 0 as the 100 Hz tick on IRQ0, channel 2 (gated
 * through port 0x61, its output readable there) to measure the TSC against
 * a clock of known rate, as Linux calibrates the TSC. */
#include "irq.h"
#include "guest.h"
#include "io.h"
#include "programs.h"

#define CALIBRATION_COUNT 59659u /* 50 ms of the PIT's 1193182 Hz */
#define CALIBRATION_POLLS 1000000u

void pic_init(void)
{
    outb(PIC_MASTER_COMMAND, PIC_ICW1_INIT_ICW4);
    outb(PIC_SLAVE_COMMAND, PIC_ICW1_INIT_ICW4);
    outb(PIC_MASTER_DATA, VECTOR_PIC_BASE);     /* ICW2: the vector of IRQ0 */
    outb(PIC_SLAVE_DATA, VECTOR_PIC_BASE + 8);
    outb(PIC_MASTER_DATA, PIC_ICW3_SLAVE_ON_IRQ2);
    outb(PIC_SLAVE_DATA, PIC_ICW3_SLAVE_ID);
    outb(PIC_MASTER_DATA, PIC_ICW4_8086);
    outb(PIC_SLAVE_DATA, PIC_ICW4_8086);
    pic_mask_all();
}

void pic_mask_all(void)
{
    outb(PIC_MASTER_DATA, PIC_MASK_ALL);
    outb(PIC_SLAVE_DATA, PIC_MASK_ALL);
}

void pic_unmask_irq0(void)
{
    outb(PIC_MASTER_DATA, PIC_MASK_ALL_BUT_IRQ0);
}

void pit_periodic(uint16_t count)
{
    outb(PIT_COMMAND, PIT_CH0_MODE2_LOHI);
    outb(PIT_CHANNEL0, (uint8_t)count);
    outb(PIT_CHANNEL0, (uint8_t)(count >> 8));
}

uint64_t tsc_calibrate(void)
{
    uint8_t gate = (uint8_t)((inb(PORT_61) & ~PORT_61_SPEAKER) | PORT_61_GATE2);
    outb(PORT_61, gate & ~PORT_61_GATE2);
    outb(PIT_COMMAND, PIT_CH2_MODE0_LOHI);
    outb(PIT_CHANNEL2, (uint8_t)CALIBRATION_COUNT);
    outb(PIT_CHANNEL2, (uint8_t)(CALIBRATION_COUNT >> 8));
    uint64_t start = rdtsc();
    outb(PORT_61, gate);                 /* the count starts with the gate */
    for (unsigned i = 0; i < CALIBRATION_POLLS; i++) {
        if (inb(PORT_61) & PORT_61_OUT2) {
            uint64_t elapsed = rdtsc() - start;
            outb(PORT_61, gate & ~PORT_61_GATE2);
            return elapsed * PIT_HZ / CALIBRATION_COUNT;
        }
    }
    return 0;
}
