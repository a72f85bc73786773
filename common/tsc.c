/* SPDX-License-Identifier: MIT */
/* Measuring the TSC's rate with the 8254 PIT, whose input clock every PC
 * has at the same frequency. Channel 2 is the one software may use: its
 * gate and its output are bits of port 0x61 and it raises no interrupt.
 * Counting a known number of PIT ticks in mode 0 ("interrupt on terminal
 * count") and reading the TSC at both ends gives TSC ticks per second, on
 * hardware, under KVM and under Bochs (whose TSC counts instructions and
 * whose PIT follows its emulated clock) alike. CPUID leaf 15H/16H would
 * say it too, but many CPUs and emulators leave them out. */
#include "tsc.h"
#include "cpu.h"
#include "printf.h"

#define PIT_INPUT_HZ 1193182u       /**< the 8254's input clock on a PC */
#define PIT_CHANNEL_2_DATA 0x42
#define PIT_MODE_COMMAND 0x43
/* Channel 2, lobyte then hibyte, mode 0, binary count. */
#define PIT_CHANNEL_2_MODE_0 0xB0
#define SYSTEM_CONTROL_PORT_B 0x61
#define PORT_B_TIMER_2_GATE (1u << 0)
#define PORT_B_SPEAKER_DATA (1u << 1)
#define PORT_B_TIMER_2_OUTPUT (1u << 5)
#define CALIBRATION_PER_SECOND 100u /**< measure 1/100 s */
/* A machine without a working PIT never raises the output: give up after
 * this many polls (far more than 1/100 s takes) and assume FALLBACK_HZ. */
#define MAX_POLLS 100000000u
#define FALLBACK_HZ 3000000000ull
#define PIT_COUNT (PIT_INPUT_HZ / CALIBRATION_PER_SECOND)
_Static_assert(PIT_COUNT <= 0xFFFF, "the count fits the 16-bit counter");

static uint64_t measured;

uint64_t tsc_hz(void)
{
    if (measured)
        return measured;
    /* Gate on, speaker off; program the count, which starts it. */
    uint8_t port_b = inb(SYSTEM_CONTROL_PORT_B);
    outb(SYSTEM_CONTROL_PORT_B,
         (uint8_t)((port_b & ~PORT_B_SPEAKER_DATA) | PORT_B_TIMER_2_GATE));
    outb(PIT_MODE_COMMAND, PIT_CHANNEL_2_MODE_0);
    outb(PIT_CHANNEL_2_DATA, (uint8_t)PIT_COUNT);
    uint64_t start = rdtsc();
    outb(PIT_CHANNEL_2_DATA, (uint8_t)(PIT_COUNT >> 8));
    /* The output goes high at terminal count. */
    uint32_t polls = 0;
    while (!(inb(SYSTEM_CONTROL_PORT_B) & PORT_B_TIMER_2_OUTPUT) && polls < MAX_POLLS)
        polls++;
    if (polls < MAX_POLLS) {
        measured = (rdtsc() - start) * CALIBRATION_PER_SECOND;
    } else {
        measured = FALLBACK_HZ;
        kprintf("tsc: PIT channel 2 never reached its terminal count; assuming %lu TSC "
                "ticks per second\n", measured);
    }
    outb(SYSTEM_CONTROL_PORT_B, port_b);
    return measured;
}
