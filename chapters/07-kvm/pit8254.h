/* SPDX-License-Identifier: MIT */
/** @file pit8254.h
 *  The PC's 8254 programmable interval timer at ports 0x40-0x43, as a
 *  model with no VMX in it ("8254 Programmable Interval Timer" data
 *  sheet): channel 0 drives IRQ0, channel 2's gate and output are bits 0
 *  and 5 of port 0x61 (which operating systems use to calibrate the TSC).
 *  Time is counted in PIT input clocks (PIT_HZ), given by the caller. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ 1193182u  /**< the PC's PIT input clock */
#define PIT_CHANNEL0 0x40
#define PIT_CHANNEL2 0x42
#define PIT_MODE_COMMAND 0x43
#define PORT_B 0x61      /**< the PC's system control port B */
#define PORT_B_GATE2 (1u << 0)
#define PORT_B_SPEAKER (1u << 1)
#define PORT_B_REFRESH (1u << 4)
#define PORT_B_OUT2 (1u << 5)
#define PIT_CHANNELS 3
#define PIT_NEVER UINT64_MAX
/** Channel 0's least period: a guest that asks for less gets this, and
 *  is counted in raised ("interrupt storm"). */
#define PIT_MIN_RELOAD 100u

enum pit_mode {
    PIT_INTERRUPT_ON_TERMINAL_COUNT = 0,
    PIT_ONE_SHOT = 1,
    PIT_RATE_GENERATOR = 2,
    PIT_SQUARE_WAVE = 3,
    PIT_SOFTWARE_STROBE = 4,
    PIT_HARDWARE_STROBE = 5,
};

/** One counter. */
struct pit_channel {
    uint32_t reload;    /**< the count written, 1-65536 (0 written = 65536) */
    uint64_t start;     /**< when counting began, in PIT clocks */
    uint8_t mode;       /**< enum pit_mode */
    uint8_t access;     /**< RW bits of the control word: 1 LSB, 2 MSB, 3 both */
    bool counting;      /**< a count is loaded and the gate lets it run */
    bool gate;
    bool write_msb;     /**< the next write of an LSB-then-MSB pair is the MSB */
    bool read_msb;
    bool latched;       /**< a counter latch command holds latch */
    uint16_t latch;
    uint16_t held;      /**< the count where a gate low stopped it */
    uint8_t write_lsb;  /**< the LSB of a pair being written */
    uint64_t edges;     /**< rising edges of OUT already reported */
};

/** The three channels and port 0x61's writable bits. */
struct pit {
    struct pit_channel ch[PIT_CHANNELS];
    uint8_t port_b;
    uint32_t raised;     /**< reloads raised to min_reload */
};

/** Power-up: no count loaded; channel 0's gate is high, channel 2's low. */
void pit_reset(struct pit *p);
/** An OUT to 0x40-0x43 or 0x61 at time now. */
void pit_write(struct pit *p, uint16_t port, uint8_t value, uint64_t now);
/** An IN from 0x40-0x42 or 0x61 at time now. */
uint8_t pit_read(struct pit *p, uint16_t port, uint64_t now);
/** Channel c's OUT at time now. */
bool pit_output(const struct pit *p, unsigned c, uint64_t now);
/** Rising edges of channel 0's OUT up to now, not yet counted (IRQ0). */
uint64_t pit_take_irq0_edges(struct pit *p, uint64_t now);
/** The time of channel 0's next rising edge after now, or PIT_NEVER. */
uint64_t pit_next_irq0(const struct pit *p, uint64_t now);
