/* SPDX-License-Identifier: MIT */
/* libFuzzer target: chapter 5's 8259A pair, 8254 and local APIC, which
 * take every value the guest writes. The input is a program of 8-byte
 * steps: an operation, a selector, a 16-bit offset and a 32-bit value
 * (port writes and reads, IRQ edges, APIC register accesses, INTA, EOI,
 * time passing). The invariants: acknowledged vectors come from the
 * programmed bases, the APIC never offers a vector below 16, and after
 * the timers have run up to now, their next deadlines lie ahead. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lapic.h"
#include "pic8259.h"
#include "pit8254.h"

#define REQUIRE(cond)            \
    do {                         \
        if (!(cond))             \
            __builtin_trap();    \
    } while (0)

#define STEP 8
#define PIC_PORT_COUNT 4
#define PIT_PORT_COUNT 5

static const uint16_t pic_ports[PIC_PORT_COUNT] = {PIC_MASTER_COMMAND, PIC_MASTER_DATA,
                                                   PIC_SLAVE_COMMAND, PIC_SLAVE_DATA};
static const uint16_t pit_ports[PIT_PORT_COUNT] = {PIT_CHANNEL0, PIT_CHANNEL0 + 1,
                                                   PIT_CHANNEL2, PIT_MODE_COMMAND, PORT_B};

static bool from_base(uint8_t vector, const struct pic_pair *p)
{
    return (uint8_t)(vector - p->master.vector_base) < PIC_LINES ||
           (uint8_t)(vector - p->slave.vector_base) < PIC_LINES;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct pic_pair pic;
    static struct pit pit;
    static struct lapic apic;
    uint64_t now = 0;
    pic_reset(&pic);
    pit_reset(&pit);
    memset(&apic, 0, sizeof apic);
    lapic_reset(&apic, true);

    for (size_t at = 0; at + STEP <= size; at += STEP) {
        uint8_t op = data[at], sel = data[at + 1];
        uint16_t offset = (uint16_t)(data[at + 2] | data[at + 3] << 8);
        uint32_t value;
        memcpy(&value, data + at + 4, sizeof value);
        switch (op % 8) {
        case 0: pic_write(&pic, pic_ports[sel % PIC_PORT_COUNT], (uint8_t)value); break;
        case 1: (void)pic_read(&pic, pic_ports[sel % PIC_PORT_COUNT]); break;
        case 2: pic_set_irq(&pic, sel % (PIC_IRQS + 1), value & 1); break;
        case 3:
            if (pic_int_output(&pic))
                REQUIRE(from_base(pic_acknowledge(&pic), &pic));
            break;
        case 4: pit_write(&pit, pit_ports[sel % PIT_PORT_COUNT], (uint8_t)value,
                          now * PIT_HZ / 80000000u); break;
        case 5: (void)pit_read(&pit, pit_ports[sel % PIT_PORT_COUNT],
                               now * PIT_HZ / 80000000u); break;
        case 6:
            if (sel & 1)
                lapic_write(&apic, offset & (LAPIC_PAGE_SIZE - 1) & ~0xFu, value, now);
            else
                (void)lapic_read(&apic, offset & (LAPIC_PAGE_SIZE - 1) & ~0xFu, now);
            if (sel & 2)
                lapic_write_tsc_deadline(&apic, now + value);
            break;
        default: {
            now += value;
            uint64_t pit_now = now * PIT_HZ / 80000000u;
            (void)pit_take_irq0_edges(&pit, pit_now);
            uint64_t next = pit_next_irq0(&pit, pit_now);
            REQUIRE(next == PIT_NEVER || next > pit_now);
            lapic_advance(&apic, now);
            uint64_t expiry = lapic_next_expiry(&apic, now);
            REQUIRE(expiry == LAPIC_NEVER || expiry > now);
            int v = lapic_deliverable(&apic);
            REQUIRE(v == -1 || (v >= LAPIC_FIRST_LEGAL_VECTOR && v < LAPIC_VECTORS));
            if (v >= 0 && (sel & 1)) {
                lapic_acknowledge(&apic, (unsigned)v);
                REQUIRE(lapic_ppr(&apic) >= ((unsigned)v & 0xF0u));
            }
        }
        }
    }
    return 0;
}
