/* SPDX-License-Identifier: MIT */
/* The chapter 5 guest. boot64.inc brings it from real mode (where
 * entry.asm has taken four exceptions already) to long mode; guest_main()
 * runs the program the hypervisor chose. The normal program shows every
 * exception case, then time: the TSC measured against the PIT, the PIT's
 * 100 Hz tick through the PIC for one virtual second, the exits an idle
 * and a busy tick cost, then the local APIC's cases (lapic.c). */
#include <stdbool.h>
#include "irq.h"
#include "guest.h"
#include "hypercall.h"
#include "programs.h"

#define ONE_SECOND_SLACK 200  /* stop 1/200 s past the second: 5 ms, half a tick */
#define IDLE_TICKS 100
#define BUSY_TICKS 10       /* the bench's busy measurement */
/* MEASURE_END takes a byte count and the hypervisor prints exits per KiB:
 * claiming 1024 "bytes" per tick makes that column exits per tick. */
#define MEASURE_UNITS_PER_TICK 1024

static void tick_start(void)
{
    pic_unmask_irq0();
    pit_periodic(PIT_COUNT_100HZ);
    sti();
}

/* Ticks of IRQ0 counted from one tick until the TSC says a second has
 * passed (and half a tick more, so that the hundredth tick, due exactly
 * at the second, is in and the hundred-and-first is not). */
static void one_second_of_ticks(uint64_t tsc_hz)
{
    wait_for_interrupt(VECTOR_IRQ0, irq_count[VECTOR_IRQ0]);
    uint64_t start = irq_tsc[VECTOR_IRQ0], first = irq_count[VECTOR_IRQ0];
    uint64_t end = start + tsc_hz + tsc_hz / ONE_SECOND_SLACK, counted = 0;
    for (;;) {
        wait_for_interrupt(VECTOR_IRQ0, irq_count[VECTOR_IRQ0]);
        if (irq_tsc[VECTOR_IRQ0] > end)
            break;
        counted = irq_count[VECTOR_IRQ0] - first;
    }
    line_start("PIT channel 0 at 100 Hz, IRQ0 through the PIC: ");
    line_dec(counted);
    line_add(" ticks in one second of virtual time");
    line_print();
}

/* Exits during ticks PIT ticks, asleep in HLT (idle) or spinning (busy). */
static void measure_ticks(const char *label, unsigned ticks, bool idle)
{
    hc_measure_begin(label);
    uint64_t until = irq_count[VECTOR_IRQ0] + ticks;
    while (irq_count[VECTOR_IRQ0] < until) {
        if (idle)
            wait_for_interrupt(VECTOR_IRQ0, irq_count[VECTOR_IRQ0]);
        else
            __asm__ volatile("pause");
    }
    hc_measure_end((uint64_t)ticks * MEASURE_UNITS_PER_TICK);
}

void measure_exits_per_tick(unsigned idle_ticks, unsigned busy_ticks)
{
    tick_start();
    wait_for_interrupt(VECTOR_IRQ0, irq_count[VECTOR_IRQ0]);
    measure_ticks("idle (HLT), per tick", idle_ticks, true);
    if (busy_ticks)
        measure_ticks("busy, per tick", busy_ticks, false);
    cli();
    pic_mask_all();
}

static int program_normal(void)
{
    uint64_t tsc_hz = tsc_calibrate();
    if (!tsc_hz) {
        hc_puts("PIT channel 2: the output never went high (port 0x61 bit 5)");
        return FAIL_NO_PIT_CHANNEL_2;
    }
    hc_report("TSC ticks per second, measured against PIT channel 2", tsc_hz);
    tick_start();
    one_second_of_ticks(tsc_hz);
    cli();
    pic_mask_all();
    measure_exits_per_tick(IDLE_TICKS, 0);
    lapic_show();
    hc_puts("interrupt and exception checks done");
    return 0;
}

static int program_bench(void)
{
    /* The timer row's one-shot timer: divide by 1, the vector unmasked. */
    lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
    lapic_write(LAPIC_LVT_TIMER, VECTOR_TIMER_ONE_SHOT);
    bench_run();
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VECTOR_TIMER_ONE_SHOT);
    measure_exits_per_tick(IDLE_TICKS, BUSY_TICKS);
    return 0;
}

int guest_main(uint32_t program, uint32_t ram_size)
{
    if (ram_size < GUEST_RAM_NEEDED) {
        hc_puts("guest RAM is smaller than the 16 MiB the guest uses");
        return FAIL_RAM_TOO_SMALL;
    }
    idt_init();
    if (program == GUEST_NORMAL)
        exceptions_show(); /* before any device: they need none */
    pic_init();
    lapic_init();
    if (program == GUEST_NORMAL)
        return program_normal();
    if (program == GUEST_BENCH)
        return program_bench();
    if (program >= GUEST_TIMER_STORM && program <= GUEST_HLT_CLI)
        return program_hostile(program);
    hc_report("unknown program", program);
    return FAIL_UNKNOWN_PROGRAM;
}
