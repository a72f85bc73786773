/* SPDX-License-Identifier: MIT */
/* Masking the 8259s: OCW1, the interrupt mask register, at each chip's
 * data port ("8259A Programmable Interrupt Controller" data sheet). */
#include "pic.h"
#include "cpu.h"

#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_DATA 0xA1
#define PIC_MASK_ALL 0xFF

void pic_mask_all(void)
{
    outb(PIC_MASTER_DATA, PIC_MASK_ALL);
    outb(PIC_SLAVE_DATA, PIC_MASK_ALL);
}
