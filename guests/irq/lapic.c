/* SPDX-License-Identifier: MIT */
/* The local APIC, the interrupt controller of every x86 CPU since the
 * Pentium, seen by the guest at 0xFEE00000: its timer in each mode, an
 * interrupt sent to itself, the task priority (TPR, and CR8 which is the
 * same register), and the interrupt window an STI opens one instruction
 * late. Every access is one MOV (io.h): the hypervisor emulates the page. */
#include "irq.h"
#include "guest.h"
#include "io.h"
#include "programs.h"

#define ONE_SHOT_COUNT 100000u
#define PERIODIC_COUNT 100000u
#define PERIODIC_INTERRUPTS 6
#define DEADLINE_DELTA 400000u     /* TSC ticks */
#define WAIT_AFTER_PERIODS 3       /* a one-shot timer stays quiet this long after */
#define BRIEF_TSC 100000u          /* long enough for a pending interrupt to arrive */
#define PERCENT 100
#define TPR_CLASS_5 0x50
#define CR8_CLASS_5 5
#define ISR_REGISTER_STRIDE 0x10
#define VECTORS_PER_REGISTER 32

uint32_t lapic_read(uint32_t reg)
{
    return mmio_read32(LAPIC_BASE + reg);
}

void lapic_write(uint32_t reg, uint32_t value)
{
    mmio_write32(LAPIC_BASE + reg, value);
}

void self_ipi(unsigned vector)
{
    lapic_write(LAPIC_ICR_LOW, ICR_SHORTHAND_SELF | vector);
}

/* Software-enabled, the PIC on LINT0 as ExtINT (virtual-wire mode: a PC
 * without an I/O APIC), NMI on LINT1, the timer and error entries masked. */
void lapic_init(void)
{
    lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VECTOR_SPURIOUS);
    lapic_write(LAPIC_LVT_LINT0, LVT_DELIVERY_EXTINT);
    lapic_write(LAPIC_LVT_LINT1, LVT_DELIVERY_NMI);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VECTOR_TIMER_ONE_SHOT);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED | VECTOR_APIC_ERROR);
    lapic_write(LAPIC_TPR, 0);
}

/* One bit of the ISR or IRR. */
static unsigned vector_bit(uint32_t reg, unsigned vector)
{
    return lapic_read(reg + vector / VECTORS_PER_REGISTER * ISR_REGISTER_STRIDE) >>
           (vector % VECTORS_PER_REGISTER) & 1;
}

/* Waits a little for an interrupt that should come at once; true if it came. */
static bool arrives(unsigned vector, uint64_t seen)
{
    uint64_t start = rdtsc();
    while (irq_count[vector] == seen && rdtsc() - start < BRIEF_TSC)
        __asm__ volatile("pause");
    return irq_count[vector] != seen;
}

static void one_shot(void)
{
    unsigned v = VECTOR_TIMER_ONE_SHOT;
    lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
    lapic_write(LAPIC_LVT_TIMER, v);
    uint64_t seen = irq_count[v], start = rdtsc();
    lapic_write(LAPIC_TIMER_INITIAL, ONE_SHOT_COUNT);
    wait_for_interrupt(v, seen);
    uint64_t period = rdtsc() - start;
    uint32_t current = lapic_read(LAPIC_TIMER_CURRENT);
    spin_tsc(WAIT_AFTER_PERIODS * period);
    line_start("LAPIC timer one-shot: ");
    line_dec(irq_count[v] - seen);
    line_add(" interrupt on vector ");
    line_hex(v);
    line_add(" in ");
    line_dec(WAIT_AFTER_PERIODS + 1);
    line_add(" periods, current count ");
    line_dec(current);
    line_add(" after it");
    line_print();
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | v);
}

static void periodic(void)
{
    unsigned v = VECTOR_TIMER_PERIODIC;
    uint64_t at[PERIODIC_INTERRUPTS];
    lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_PERIODIC | v);
    lapic_write(LAPIC_TIMER_INITIAL, PERIODIC_COUNT);
    for (int i = 0; i < PERIODIC_INTERRUPTS; i++) {
        wait_for_interrupt(v, irq_count[v]);
        at[i] = irq_tsc[v];
    }
    uint32_t current = lapic_read(LAPIC_TIMER_CURRENT);
    lapic_write(LAPIC_TIMER_INITIAL, 0); /* stops the timer */
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | v);
    uint64_t lo = ~0ull, hi = 0;
    for (int i = 1; i < PERIODIC_INTERRUPTS; i++) {
        uint64_t d = at[i] - at[i - 1];
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    line_start("LAPIC timer periodic: ");
    line_dec(PERIODIC_INTERRUPTS);
    line_add(" interrupts on vector ");
    line_hex(v);
    line_add(", the ");
    line_dec(PERIODIC_INTERRUPTS - 1);
    line_add((hi - lo) * PERCENT <= lo ? " intervals within 1% of each other"
                                       : " intervals, differing by more than 1%");
    line_add(current ? ", the count reloaded" : ", the count stuck at 0");
    line_print();
}

static void tsc_deadline(void)
{
    uint32_t a = 1, b, c, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d) : "c"(0));
    if (!(c & CPUID_1_ECX_TSC_DEADLINE)) {
        line_start("LAPIC timer TSC-deadline: CPUID.1:ECX.TSC_Deadline is 0");
        line_print();
        return;
    }
    unsigned v = VECTOR_TIMER_DEADLINE;
    lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | v);
    uint64_t seen = irq_count[v], deadline = rdtsc() + DEADLINE_DELTA;
    wrmsr(IA32_TSC_DEADLINE, deadline);
    wait_for_interrupt(v, seen);
    uint64_t after = rdmsr(IA32_TSC_DEADLINE);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | v);
    line_start("LAPIC timer TSC-deadline: ");
    line_dec(irq_count[v] - seen);
    line_add(" interrupt on vector ");
    line_hex(v);
    line_add(irq_tsc[v] >= deadline ? ", not before the deadline" : ", BEFORE the deadline");
    line_add(", IA32_TSC_DEADLINE then ");
    line_hex(after);
    line_print();
}

static void self_ipi_case(void)
{
    unsigned v = VECTOR_SELF_IPI;
    uint64_t seen = irq_count[v];
    self_ipi_in_service = 0;
    self_ipi(v);
    arrives(v, seen);
    line_start("self-IPI: ");
    line_dec(irq_count[v] - seen);
    line_add(" interrupt on vector ");
    line_hex(v);
    line_add(self_ipi_in_service ? ", in service (ISR) in its handler"
                                 : ", NOT in service in its handler");
    line_add(vector_bit(LAPIC_ISR, v) ? ", still in service after EOI" : ", ISR clear after EOI");
    line_print();
}

/* CLI; a self-IPI (pending: IF is 0); STI; then two stores to a marker.
 * STI enables interrupts after the instruction that follows it, so the
 * handler must find the marker 2, and return to the second store. */
static void interrupt_window(void)
{
    unsigned v = VECTOR_WINDOW;
    uint64_t seen = irq_count[v], resume;
    cli();
    self_ipi(v);
    spin_tsc(BRIEF_TSC);
    unsigned pending = vector_bit(LAPIC_IRR, v);
    bool early = irq_count[v] != seen;
    window_marker = 0;
    __asm__ volatile("movl $1, window_marker(%%rip)\n\t"
                     "sti\n\t"
                     "movl $2, window_marker(%%rip)\n"
                     "1:\n\t"
                     "movl $3, window_marker(%%rip)\n\t"
                     "leaq 1b(%%rip), %0"
                     : "=r"(resume) :: "memory");
    line_start("interrupt window: vector ");
    line_hex(v);
    line_add(early ? " delivered while IF = 0" : " held while IF = 0");
    line_add(pending ? ", pending in IRR" : ", not in IRR");
    line_add("; delivered after the instruction following STI: marker ");
    line_dec(window_marker_seen);
    line_add(window_rip == resume ? ", RIP at the next store" : ", RIP elsewhere");
    line_print();
}

/* TPR: a vector is delivered only if its priority class (vector / 16) is
 * above the TPR's; the rest wait in the IRR. CR8 is TPR bits 7:4. */
static void task_priority(void)
{
    unsigned low = VECTOR_TPR_LOW, high = VECTOR_TPR_HIGH;
    uint64_t seen_low = irq_count[low], seen_high = irq_count[high];
    lapic_write(LAPIC_TPR, TPR_CLASS_5);
    self_ipi(low);
    self_ipi(high);
    bool high_came = arrives(high, seen_high);
    bool low_held = !arrives(low, seen_low) && vector_bit(LAPIC_IRR, low);
    uint32_t ppr = lapic_read(LAPIC_PPR);
    lapic_write(LAPIC_TPR, 0);
    bool low_came = arrives(low, seen_low);
    line_start("TPR ");
    line_hex(TPR_CLASS_5);
    line_add(": vector ");
    line_hex(high);
    line_add(high_came ? " delivered" : " NOT delivered");
    line_add(", vector ");
    line_hex(low);
    line_add(" ");
    line_add(low_held ? "held in IRR" : "NOT held");
    line_add(", PPR ");
    line_hex(ppr);
    line_add("; TPR 0: vector ");
    line_hex(low);
    line_add(low_came ? " delivered" : " NOT delivered");
    line_print();

    seen_low = irq_count[low];
    __asm__ volatile("movq %0, %%cr8" ::"r"((uint64_t)CR8_CLASS_5) : "memory");
    uint32_t tpr = lapic_read(LAPIC_TPR);
    self_ipi(low);
    low_held = !arrives(low, seen_low);
    __asm__ volatile("movq %0, %%cr8" ::"r"(0ul) : "memory");
    low_came = arrives(low, seen_low);
    line_start("CR8 ");
    line_dec(CR8_CLASS_5);
    line_add(": TPR reads ");
    line_hex(tpr);
    line_add(", vector ");
    line_hex(low);
    line_add(low_held ? " held" : " NOT held");
    line_add("; CR8 0: ");
    line_add(low_came ? "delivered" : "NOT delivered");
    line_print();
}

void lapic_show(void)
{
    sti();
    one_shot();
    periodic();
    tsc_deadline();
    self_ipi_case();
    interrupt_window();
    task_priority();
    cli();
}
