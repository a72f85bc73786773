/* SPDX-License-Identifier: MIT */
/** @file guest.h
 *  The chapter 5 guest's machine: the devices a PC has for interrupts and
 *  time, at the addresses a PC has them (the 8259A pair, the 8254, the
 *  local APIC), the vectors the guest gives them, and its own memory map.
 *  The program numbers are the hypervisor's (abi/guest_irq.h). */
#pragma once
#include <stdint.h>
#include "abi/guest_irq.h"

/* --- the 8259A programmable interrupt controllers ------------------------ */
#define PIC_MASTER_COMMAND 0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_COMMAND 0xA0
#define PIC_SLAVE_DATA 0xA1
#define PIC_ICW1_INIT_ICW4 0x11  /**< edge triggered, cascaded, ICW4 follows */
#define PIC_ICW3_SLAVE_ON_IRQ2 0x04
#define PIC_ICW3_SLAVE_ID 0x02
#define PIC_ICW4_8086 0x01
#define PIC_OCW2_EOI 0x20        /**< non-specific end of interrupt */
#define PIC_MASK_ALL 0xFF
#define PIC_MASK_ALL_BUT_IRQ0 0xFE

/* --- the 8254 programmable interval timer -------------------------------- */
#define PIT_CHANNEL0 0x40
#define PIT_CHANNEL2 0x42
#define PIT_COMMAND 0x43
#define PIT_HZ 1193182u
#define PIT_CH0_MODE2_LOHI 0x34  /**< channel 0, low then high byte, rate generator */
#define PIT_CH2_MODE0_LOHI 0xB0  /**< channel 2, low then high byte, interrupt on terminal count */
#define PORT_61 0x61             /**< NMI status and control: channel 2's gate and output */
#define PORT_61_GATE2 0x01
#define PORT_61_SPEAKER 0x02
#define PORT_61_OUT2 0x20
#define TICK_HZ 100u
#define PIT_COUNT_100HZ ((PIT_HZ + TICK_HZ / 2) / TICK_HZ) /**< 11932 */

/* --- the local APIC (xAPIC, memory-mapped) -------------------------------- */
#define LAPIC_BASE 0xFEE00000ul
#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_TPR 0x080
#define LAPIC_PPR 0x0A0
#define LAPIC_EOI 0x0B0
#define LAPIC_SVR 0x0F0
#define LAPIC_ISR 0x100          /**< 8 registers, 0x10 apart, 32 vectors each */
#define LAPIC_IRR 0x200
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LOW 0x300
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3E0
#define LAPIC_SVR_ENABLE 0x100
#define LVT_MASKED (1u << 16)
#define LVT_TIMER_PERIODIC (1u << 17)
#define LVT_TIMER_TSC_DEADLINE (2u << 17)
#define LVT_DELIVERY_NMI (4u << 8)
#define LVT_DELIVERY_EXTINT (7u << 8)
#define ICR_SHORTHAND_SELF (1u << 18)
#define TIMER_DIVIDE_BY_1 0xB
#define ESR_RECEIVE_ILLEGAL_VECTOR 0x40
#define IA32_TSC_DEADLINE 0x6E0
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)

/* --- the guest's vectors ------------------------------------------------- */
#define VECTOR_PIC_BASE 0x20     /**< IRQ0-7 at 0x20-0x27, IRQ8-15 at 0x28-0x2F */
#define VECTOR_IRQ0 0x20
#define VECTOR_TIMER_ONE_SHOT 0x40
#define VECTOR_TIMER_PERIODIC 0x41
#define VECTOR_TIMER_DEADLINE 0x42
#define VECTOR_TPR_LOW 0x45      /**< priority class 4 */
#define VECTOR_APIC_ERROR 0x4E
#define VECTOR_SELF_IPI 0x50
#define VECTOR_WINDOW 0x51
#define VECTOR_TPR_HIGH 0x65     /**< priority class 6 */
#define VECTOR_SPURIOUS 0xFF
#define VECTOR_ILLEGAL 5         /**< vectors 0-15 are illegal for the APIC */

/* --- the guest's memory map (guest-physical = virtual: identity paging) --
 *   0x07C00  this image, below 0x10000
 *   0x10000  boot64.inc's page tables: PML4, PDPT, 4 PDs of 2 MiB pages
 *   0x30000  the IDT, 0x31000 the GDT, 0x31800 the TSS
 *   0x80000  top of the stack, growing down
 *   0x600000 a 2 MiB page the guest marks not present for its #PF cases */
#define GUEST_STACK_TOP 0x80000ul
#define GUEST_RAM_NEEDED 0x1000000ul
#define IDT_GPA 0x30000ul
#define GDT_GPA 0x31000ul
#define TSS_GPA 0x31800ul
#define PD_GPA 0x12000ul
#define PAGE_SIZE_2M 0x200000ul
#define HOLE_GPA 0x600000ul      /**< the 2 MiB page made not present */
#define HOLE_IST_TOP 0x800000ul  /**< a stack whose first push lands in the hole */
#define IDT_UNMAPPED_GPA 0xC0000000ul /**< mapped by the guest, no RAM behind it */
