/* SPDX-License-Identifier: MIT */
/* The 8254's counters computed from time instead of stepped: a counter
 * loaded with N at time t0 reads N - (now - t0) (modulo its period), and
 * its OUT follows from the same difference, per mode ("8254 Programmable
 * Interval Timer" data sheet, "Mode Definitions"). Pure logic: exits/io.c
 * calls it, tests/unit tests it. */
#include "pit8254.h"
#include "kstring.h"

#define CONTROL_CHANNEL_SHIFT 6
#define CONTROL_ACCESS_SHIFT 4
#define CONTROL_ACCESS_MASK 0x3u
#define CONTROL_MODE_SHIFT 1
#define CONTROL_MODE_MASK 0x7u
#define ACCESS_LATCH 0u
#define ACCESS_LSB 1u
#define ACCESS_MSB 2u
#define ACCESS_BOTH 3u
#define FULL_COUNT 65536u        /* a count of 0 */
#define BYTE_BITS 8
#define BYTE_MASK 0xFFu
#define MODE_ALIAS_BIT 4u        /* modes 6 and 7 are 2 and 3 */
#define PORT_B_WRITABLE 0x0Fu
/* Port 0x61 bit 4 toggles with each DRAM refresh, every 15 us or so. */
#define REFRESH_PERIOD 18u       /* PIT clocks */

void pit_reset(struct pit *p)
{
    memset(p, 0, sizeof *p);
    p->ch[0].gate = p->ch[1].gate = true;
}

static bool periodic(const struct pit_channel *c)
{
    return c->mode == PIT_RATE_GENERATOR || c->mode == PIT_SQUARE_WAVE;
}

static uint64_t elapsed(const struct pit_channel *c, uint64_t now)
{
    return now > c->start ? now - c->start : 0;
}

/* The counting element's value now. */
static uint16_t count(const struct pit_channel *c, uint64_t now)
{
    if (!c->counting)
        return c->held;
    uint64_t e = elapsed(c, now);
    if (periodic(c)) {
        uint64_t step = c->mode == PIT_SQUARE_WAVE ? 2 * e : e;
        return (uint16_t)(c->reload - step % c->reload);
    }
    return (uint16_t)(c->reload - e); /* wraps past 0 to 0xFFFF, as it does */
}

bool pit_output(const struct pit *p, unsigned n, uint64_t now)
{
    const struct pit_channel *c = &p->ch[n];
    if (!c->counting)
        return c->mode != PIT_INTERRUPT_ON_TERMINAL_COUNT || c->held == 0;
    uint64_t e = elapsed(c, now);
    switch (c->mode) {
    case PIT_INTERRUPT_ON_TERMINAL_COUNT:
        return e >= c->reload;
    case PIT_RATE_GENERATOR: /* low for one clock at the end of each period */
        return e % c->reload != c->reload - 1;
    case PIT_SQUARE_WAVE:    /* high for the first half (rounded up) */
        return e % c->reload < (c->reload + 1) / 2;
    default:
        return true;
    }
}

/* Rising edges of OUT up to now, since counting began. */
static uint64_t edges(const struct pit_channel *c, uint64_t now)
{
    if (!c->counting)
        return 0;
    uint64_t e = elapsed(c, now);
    if (c->mode == PIT_INTERRUPT_ON_TERMINAL_COUNT)
        return e >= c->reload;
    /* Mode 2: the edge ends the low clock; mode 3: the high half begins. */
    return periodic(c) ? e / c->reload : 0;
}

uint64_t pit_take_irq0_edges(struct pit *p, uint64_t now)
{
    struct pit_channel *c = &p->ch[0];
    uint64_t total = edges(c, now);
    uint64_t fresh = total > c->edges ? total - c->edges : 0;
    c->edges = total;
    return fresh;
}

uint64_t pit_next_irq0(const struct pit *p, uint64_t now)
{
    const struct pit_channel *c = &p->ch[0];
    if (!c->counting)
        return PIT_NEVER;
    if (c->mode == PIT_INTERRUPT_ON_TERMINAL_COUNT)
        return c->edges ? PIT_NEVER : c->start + c->reload;
    if (!periodic(c))
        return PIT_NEVER;
    uint64_t next = (edges(c, now) + 1) * c->reload;
    return c->start + next;
}

static void load(struct pit *p, unsigned n, uint32_t value, uint64_t now)
{
    struct pit_channel *c = &p->ch[n];
    c->reload = value ? value : FULL_COUNT;
    if (n == 0 && periodic(c) && c->reload < PIT_MIN_RELOAD) {
        c->reload = PIT_MIN_RELOAD; /* a storm of IRQ0 is bounded here */
        p->raised++;
    }
    c->start = now;
    c->edges = 0;
    c->held = (uint16_t)c->reload;
    c->counting = c->gate;
}

static void write_count(struct pit *p, unsigned n, uint8_t value, uint64_t now)
{
    struct pit_channel *c = &p->ch[n];
    switch (c->access) {
    case ACCESS_LSB:
        load(p, n, value, now);
        break;
    case ACCESS_MSB:
        load(p, n, (uint32_t)value << BYTE_BITS, now);
        break;
    default:
        if (!c->write_msb) {
            c->write_lsb = value;
            c->write_msb = true;
        } else {
            c->write_msb = false;
            load(p, n, c->write_lsb | (uint32_t)value << BYTE_BITS, now);
        }
    }
}

static uint8_t read_count(struct pit_channel *c, uint64_t now)
{
    uint16_t v = c->latched ? c->latch : count(c, now);
    uint8_t byte;
    switch (c->access) {
    case ACCESS_LSB: byte = v & BYTE_MASK; c->latched = false; break;
    case ACCESS_MSB: byte = v >> BYTE_BITS; c->latched = false; break;
    default:
        byte = c->read_msb ? v >> BYTE_BITS : v & BYTE_MASK;
        if (c->read_msb)
            c->latched = false;
        c->read_msb = !c->read_msb;
    }
    return byte;
}

static void latch(struct pit_channel *c, uint64_t now)
{
    if (!c->latched) {
        c->latch = count(c, now);
        c->latched = true;
        c->read_msb = false;
    }
}

static void write_control(struct pit *p, uint8_t value, uint64_t now)
{
    unsigned n = value >> CONTROL_CHANNEL_SHIFT;
    if (n >= PIT_CHANNELS)
        return; /* the read-back command (channel field 3): not emulated */
    struct pit_channel *c = &p->ch[n];
    unsigned access = (value >> CONTROL_ACCESS_SHIFT) & CONTROL_ACCESS_MASK;
    if (access == ACCESS_LATCH) {
        latch(c, now);
        return;
    }
    unsigned mode = (value >> CONTROL_MODE_SHIFT) & CONTROL_MODE_MASK;
    mode = mode > PIT_HARDWARE_STROBE ? mode - MODE_ALIAS_BIT : mode;
    /* A control word stops the channel until its new count arrives; OUT
     * goes low in mode 0, high in the others. */
    c->mode = (uint8_t)mode;
    c->access = (uint8_t)access;
    c->counting = false;
    c->held = c->mode == PIT_INTERRUPT_ON_TERMINAL_COUNT ? 1 : 0;
    c->write_msb = c->read_msb = c->latched = false;
}

/* Channel 2's gate: low stops the count (held); a rising edge restarts
 * the periodic modes from their count and resumes mode 0. */
static void set_gate2(struct pit *p, bool gate, uint64_t now)
{
    struct pit_channel *c = &p->ch[2];
    if (gate == c->gate)
        return;
    c->gate = gate;
    if (!c->reload)
        return;
    if (!gate && c->counting) {
        c->held = count(c, now);
        c->counting = false;
    } else if (gate && (periodic(c) || c->mode == PIT_INTERRUPT_ON_TERMINAL_COUNT)) {
        /* Periodic modes start a new period; mode 0 goes on from the count
         * it held. */
        uint64_t done = periodic(c) ? 0 : (uint16_t)(c->reload - c->held);
        c->start = now - (done < now ? done : now);
        c->counting = true;
    }
}

void pit_write(struct pit *p, uint16_t port, uint8_t value, uint64_t now)
{
    if (port == PORT_B) {
        p->port_b = value & PORT_B_WRITABLE;
        set_gate2(p, value & PORT_B_GATE2, now);
    } else if (port == PIT_MODE_COMMAND) {
        write_control(p, value, now);
    } else if (port >= PIT_CHANNEL0 && port <= PIT_CHANNEL2) {
        write_count(p, port - PIT_CHANNEL0, value, now);
    }
}

uint8_t pit_read(struct pit *p, uint16_t port, uint64_t now)
{
    if (port == PORT_B) {
        uint8_t v = p->port_b;
        if (now / REFRESH_PERIOD % 2)
            v |= PORT_B_REFRESH;
        if (pit_output(p, 2, now))
            v |= PORT_B_OUT2;
        return v;
    }
    if (port >= PIT_CHANNEL0 && port <= PIT_CHANNEL2)
        return read_count(&p->ch[port - PIT_CHANNEL0], now);
    return 0xFF; /* the mode register cannot be read */
}
