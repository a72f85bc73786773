/* SPDX-License-Identifier: MIT */
/* The hostile programs: a guest that misuses its interrupt controllers and
 * timers. Each does its one wrong thing and reports what it saw; a correct
 * hypervisor bounds it (and where it must, ends the guest by name: then
 * the guest's last lines never print). */
#include "irq.h"
#include "guest.h"
#include "hypercall.h"
#include "programs.h"

#define STORM_TSC 4000000        /* how long a storm is let run, in TSC ticks */
#define TEXT(x) #x
#define DECIMAL(x) TEXT(x)        /* STORM_TSC as it reads in a label */
#define NO_EOI_COUNT 100000u
#define ILLEGAL_LVT_COUNT 100000u
#define PIT_MINIMUM_COUNT 2      /* mode 2 cannot count 1 */

/* Periodic at the smallest count: an interrupt per bus clock, asked for. */
static int timer_storm(void)
{
    unsigned v = VECTOR_TIMER_PERIODIC;
    lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
    lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | v);
    lapic_write(LAPIC_TIMER_INITIAL, 1);
    sti();
    spin_tsc(STORM_TSC);
    cli();
    lapic_write(LAPIC_TIMER_INITIAL, 0);
    hc_report("timer storm: interrupts taken in " DECIMAL(STORM_TSC) " TSC ticks", irq_count[v]);
    return 0;
}

/* Interrupts taken and never acknowledged: the controller keeps the
 * vector in service, so nothing of its priority (the PIC: nothing at all
 * below it) arrives again. One each, then silence, as on hardware; then
 * HLT, waiting for a timer that can no longer interrupt: a halt nothing
 * can end, which the hypervisor must recognize. */
static int no_eoi(void)
{
    send_eoi = false;
    pic_unmask_irq0();
    pit_periodic(PIT_COUNT_100HZ);
    sti();
    spin_tsc(STORM_TSC);
    cli();
    pic_mask_all();
    hc_report("no EOI: PIC IRQ0 interrupts taken", irq_count[VECTOR_IRQ0]);
    unsigned v = VECTOR_TIMER_PERIODIC;
    lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
    lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | v);
    lapic_write(LAPIC_TIMER_INITIAL, NO_EOI_COUNT);
    sti();
    spin_tsc(STORM_TSC);
    hc_report("no EOI: LAPIC timer interrupts taken", irq_count[v]);
    sti_hlt();
    hc_puts("no EOI: HLT came back");
    return FAIL_HOSTILE_SURVIVED;
}

/* The IDT moved to an address with no RAM behind it, then a self-IPI:
 * the CPU reads the gate during delivery and the access exits. */
static int idt_unmapped(void)
{
    load_idt(IDT_UNMAPPED_GPA, IDT_VECTORS * 16 - 1);
    self_ipi(VECTOR_SELF_IPI);
    sti();
    spin_tsc(STORM_TSC);
    cli();
    load_idt(IDT_GPA, IDT_VECTORS * 16 - 1);
    hc_puts("IDT unmapped: the interrupt was never delivered, and the guest goes on");
    return FAIL_HOSTILE_SURVIVED;
}

/* Vector 5 in the timer's LVT entry: the APIC refuses to deliver it and
 * says so in the ESR (receive illegal vector), raising its error
 * interrupt. */
static int bad_lvt_vector(void)
{
    lapic_write(LAPIC_LVT_ERROR, VECTOR_APIC_ERROR);
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
    lapic_write(LAPIC_LVT_TIMER, VECTOR_ILLEGAL);
    lapic_write(LAPIC_TIMER_INITIAL, ILLEGAL_LVT_COUNT);
    sti();
    spin_tsc(STORM_TSC);
    cli();
    lapic_write(LAPIC_ESR, 0); /* a write latches the errors seen since */
    hc_report("bad LVT vector: ESR", lapic_read(LAPIC_ESR));
    hc_report("bad LVT vector: error interrupts", irq_count[VECTOR_APIC_ERROR]);
    return 0;
}

/* PIT channel 0 at its smallest count: IRQ0 as fast as the PIC can take it. */
static int pic_storm(void)
{
    pic_unmask_irq0();
    pit_periodic(PIT_MINIMUM_COUNT);
    sti();
    spin_tsc(STORM_TSC);
    cli();
    pic_mask_all();
    hc_report("PIC storm: IRQ0 interrupts taken in " DECIMAL(STORM_TSC) " TSC ticks",
              irq_count[VECTOR_IRQ0]);
    return 0;
}

static int hlt_cli(void)
{
    __asm__ volatile("cli; hlt" ::: "memory");
    hc_puts("CLI; HLT came back");
    return FAIL_HOSTILE_SURVIVED;
}

int program_hostile(uint32_t program)
{
    switch (program) {
    case GUEST_TIMER_STORM:
        return timer_storm();
    case GUEST_NO_EOI:
        return no_eoi();
    case GUEST_IDT_UNMAPPED:
        return idt_unmapped();
    case GUEST_BAD_LVT_VECTOR:
        return bad_lvt_vector();
    case GUEST_PIC_STORM:
        return pic_storm();
    default:
        return hlt_cli();
    }
}
