// sources: chapters/05-irq/pit8254.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of the 8254 (chapter 5), time given in PIT clocks:
 * channel 0 as a rate generator and a square wave at 100 Hz (IRQ0 edges
 * and the next deadline), mode 0's one edge, counter latch and LSB/MSB
 * reads, channel 2 gated by port 0x61 with its output on bit 5 (the way
 * operating systems calibrate the TSC), and the least period a guest gets. */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "pit8254.h"

#define CH0_MODE2 0x34
#define CH0_MODE3 0x36
#define CH0_MODE0 0x30
#define CH0_LATCH 0x00
#define CH2_MODE0 0xB0
#define HZ100 11932

static void load(struct pit *p, uint16_t port, uint8_t control, uint32_t count, uint64_t now)
{
    pit_write(p, PIT_MODE_COMMAND, control, now);
    pit_write(p, port, count & 0xFF, now);
    pit_write(p, port, count >> 8, now);
}

static void test_rate_generator(void)
{
    struct pit p;
    pit_reset(&p);
    CHECK_EQ_U64(pit_next_irq0(&p, 0), PIT_NEVER);
    load(&p, PIT_CHANNEL0, CH0_MODE2, HZ100, 1000);
    CHECK_EQ_U64(pit_next_irq0(&p, 1000), 1000 + HZ100);
    CHECK_EQ_U64(pit_take_irq0_edges(&p, 1000 + HZ100 - 1), 0);
    CHECK_EQ_U64(pit_take_irq0_edges(&p, 1000 + HZ100), 1);
    CHECK_EQ_U64(pit_next_irq0(&p, 1000 + HZ100), 1000 + 2 * HZ100);
    /* A second of PIT clocks: 100 edges (the first one taken already). */
    CHECK_EQ_U64(pit_take_irq0_edges(&p, 1000 + 100 * HZ100), 99);
    CHECK(!pit_output(&p, 0, 1000 + HZ100 - 1)); /* low for the last clock */
    CHECK(pit_output(&p, 0, 1000 + HZ100));
}

static void test_square_wave_and_reads(void)
{
    struct pit p;
    pit_reset(&p);
    load(&p, PIT_CHANNEL0, CH0_MODE3, 1000, 0);
    CHECK(pit_output(&p, 0, 499));
    CHECK(!pit_output(&p, 0, 500));
    CHECK_EQ_U64(pit_take_irq0_edges(&p, 3000), 3);
    pit_write(&p, PIT_MODE_COMMAND, CH0_LATCH, 100); /* counts by two: 1000 - 200 */
    uint8_t lsb = pit_read(&p, PIT_CHANNEL0, 400), msb = pit_read(&p, PIT_CHANNEL0, 400);
    CHECK_EQ_U64(lsb | msb << 8, 800);
}

static void test_mode0_one_edge(void)
{
    struct pit p;
    pit_reset(&p);
    load(&p, PIT_CHANNEL0, CH0_MODE0, 500, 0);
    CHECK(!pit_output(&p, 0, 499));
    CHECK(pit_output(&p, 0, 500));
    CHECK_EQ_U64(pit_next_irq0(&p, 10), 500);
    CHECK_EQ_U64(pit_take_irq0_edges(&p, 5000), 1);
    CHECK_EQ_U64(pit_next_irq0(&p, 5000), PIT_NEVER);
}

static void test_channel2_gate_and_port_b(void)
{
    struct pit p;
    pit_reset(&p);
    load(&p, PIT_CHANNEL2, CH2_MODE0, 0xFFFF, 0); /* gate low: not counting */
    CHECK(!(pit_read(&p, PORT_B, 100000) & PORT_B_OUT2));
    pit_write(&p, PORT_B, PORT_B_GATE2, 1000);
    CHECK_EQ_U64(pit_read(&p, PORT_B, 1000) & (PORT_B_GATE2 | PORT_B_SPEAKER), PORT_B_GATE2);
    CHECK(!(pit_read(&p, PORT_B, 1000 + 0xFFFE) & PORT_B_OUT2));
    CHECK(pit_read(&p, PORT_B, 1000 + 0xFFFF) & PORT_B_OUT2);
    /* The gate low holds the count; high again, it goes on from there. */
    load(&p, PIT_CHANNEL2, CH2_MODE0, 1000, 200000);
    pit_write(&p, PORT_B, 0, 200400);
    pit_write(&p, PORT_B, PORT_B_GATE2, 300000);
    CHECK(!(pit_read(&p, PORT_B, 300599) & PORT_B_OUT2));
    CHECK(pit_read(&p, PORT_B, 300600) & PORT_B_OUT2);
}

static void test_read_back_is_ignored(void)
{
    /* The read-back command names channel field 3: no channel 3 exists
     * (a fuzzer found the model indexing one). */
    struct pit p;
    pit_reset(&p);
    pit_write(&p, PIT_MODE_COMMAND, 0xC2, 0);
    CHECK_EQ_U64(p.port_b, 0);
    CHECK_EQ_U64(pit_next_irq0(&p, 0), PIT_NEVER);
}

static void test_least_period(void)
{
    struct pit p;
    pit_reset(&p);
    load(&p, PIT_CHANNEL0, CH0_MODE2, 2, 0);
    CHECK_EQ_U64(p.raised, 1);
    CHECK_EQ_U64(pit_next_irq0(&p, 0), PIT_MIN_RELOAD);
}

int main(void)
{
    test_rate_generator();
    test_square_wave_and_reads();
    test_mode0_one_edge();
    test_channel2_gate_and_port_b();
    test_read_back_is_ignored();
    test_least_period();
    return CHECK_DONE("test_pit8254");
}
