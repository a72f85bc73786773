/* SPDX-License-Identifier: MIT */
/* The virtual PC's interrupt hardware, wired together: ports to the 8259s
 * and the 8254, the interrupt lines to the 8259s and the I/O APIC, the
 * local APIC's page and IA32_APIC_BASE ("Local APIC Status and Location"),
 * the I/O APIC's window, time converted for the PIT. */
#include "vpc.h"
#include "printf.h"
#include "uart.h"
#include "virtual_time.h"

#define APIC_BASE_BSP (1ull << 8)
#define APIC_BASE_EXTD (1ull << 10) /* x2APIC mode: this APIC has none */
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_ADDRESS_MASK 0xFFFFFF000ull /* bits 35:12, MAXPHYADDR 36 */
#define ALL_ONES 0xFFFFFFFFu
/* Of the ports claimed, the 8259s' lie below and above the 8254's and 0x61. */
#define IS_PIC_PORT(port) ((port) <= PIC_MASTER_DATA || (port) >= PIC_SLAVE_COMMAND)
#define REGISTER_ALIGNMENT 0x10u
#define REGISTER_SIZE 4u
struct vpc vpc;

uint64_t vpc_pit_clock(uint64_t tsc)
{
    /* tsc * PIT_HZ / tsc_hz without overflowing 64 bits. */
    return tsc / VIRTUAL_TSC_HZ * PIT_HZ + tsc % VIRTUAL_TSC_HZ * PIT_HZ / VIRTUAL_TSC_HZ;
}

uint64_t vpc_tsc_of_pit_clock(uint64_t clock)
{
    uint64_t whole = clock / PIT_HZ * VIRTUAL_TSC_HZ;
    return whole + (clock % PIT_HZ * VIRTUAL_TSC_HZ + PIT_HZ - 1) / PIT_HZ;
}

void vpc_changed(void)
{
    virtual_time_rearm(vpc.vcpu);
    vpc.vcpu->event_check = true;
}

void uart_irq(bool level)
{
    vpc_set_irq(IRQ_COM1, level);
}

void vpc_set_irq(unsigned irq, bool level)
{
    uint32_t bit = irq < ISA_IRQS ? 1u << irq : 0;
    if (!vpc.vcpu || !bit || !!(vpc.irq_lines & bit) == level)
        return; /* not wired yet (a device reset before vpc_init), or no change */
    vpc.irq_lines = level ? vpc.irq_lines | bit : vpc.irq_lines & ~bit;
    pic_set_irq(&vpc.pic, irq, level);
    unsigned pin = irq == IRQ_PIT ? IOAPIC_INPUT_OF_IRQ_PIT : irq;
    ioapic_set_irq(&vpc.ioapic, &vpc.lapic, pin, level);
    vpc.vcpu->event_check = true;
}

uint8_t vpc_port_in(uint16_t port)
{
    if (IS_PIC_PORT(port)) {
        uint8_t value = pic_read(&vpc.pic, port); /* a poll acknowledges */
        vpc.vcpu->event_check = true;
        return value;
    }
    return pit_read(&vpc.pit, port, vpc_pit_clock(virtual_time_now()));
}

void vpc_port_out(uint16_t port, uint8_t value)
{
    if (IS_PIC_PORT(port))
        pic_write(&vpc.pic, port, value);
    else
        pit_write(&vpc.pit, port, value, vpc_pit_clock(virtual_time_now()));
    vpc_changed();
}

/* --- the local APIC's page -------------------------------------------- */

/* "Local APIC Register Address Map": 32-bit accesses to 16-byte aligned
 * registers; other accesses read 0 and write nothing, and globally
 * disabled, the page is no longer the APIC's: the bus floats. */
static uint64_t lapic_mmio_read(struct mmio_device *d, uint64_t offset, unsigned size)
{
    (void)d;
    if (!vpc.lapic.enabled)
        return ALL_ONES;
    if (size != REGISTER_SIZE || offset % REGISTER_ALIGNMENT)
        return 0;
    return lapic_read(&vpc.lapic, (uint32_t)offset, virtual_time_now());
}

static void lapic_mmio_write(struct mmio_device *d, uint64_t offset, unsigned size,
                             uint64_t value)
{
    (void)d;
    if (!vpc.lapic.enabled || size != REGISTER_SIZE || offset % REGISTER_ALIGNMENT)
        return;
    lapic_advance(&vpc.lapic, virtual_time_now());
    lapic_write(&vpc.lapic, (uint32_t)offset, (uint32_t)value, virtual_time_now());
    if (vpc.lapic.eoi_level) { /* the EOI message to the I/O APIC */
        unsigned vector = vpc.lapic.eoi_level;
        vpc.lapic.eoi_level = 0;
        ioapic_eoi(&vpc.ioapic, &vpc.lapic, vector);
    }
    vpc_changed();
}

struct mmio_device lapic_mmio = {
    .name = "local APIC", .base = LAPIC_DEFAULT_BASE, .size = LAPIC_PAGE_SIZE,
    .quiet = true, .read = lapic_mmio_read, .write = lapic_mmio_write,
};

/* --- the I/O APIC's window ---------------------------------------------- */

static uint64_t ioapic_mmio_read(struct mmio_device *d, uint64_t offset, unsigned size)
{
    (void)d, (void)size;
    return ioapic_read(&vpc.ioapic, offset);
}

static void ioapic_mmio_write(struct mmio_device *d, uint64_t offset, unsigned size,
                              uint64_t value)
{
    (void)d, (void)size;
    ioapic_write(&vpc.ioapic, &vpc.lapic, offset, (uint32_t)value);
    vpc.vcpu->event_check = true;
}

static struct mmio_device ioapic_mmio = {
    .name = "I/O APIC", .base = IOAPIC_BASE, .size = IOAPIC_WINDOW_SIZE,
    .quiet = true, .read = ioapic_mmio_read, .write = ioapic_mmio_write,
};

enum apic_base_write vpc_write_apic_base(uint64_t value)
{
    uint64_t writable = APIC_BASE_BSP | APIC_BASE_ENABLE | APIC_BASE_ADDRESS_MASK;
    if (value & ~writable)
        return APIC_BASE_RESERVED;
    if ((value & APIC_BASE_ADDRESS_MASK) != LAPIC_DEFAULT_BASE)
        return APIC_BASE_MOVED;
    value = (value & ~APIC_BASE_BSP) | (vpc.apic_base & APIC_BASE_BSP); /* read-only */
    bool was = vpc.apic_base & APIC_BASE_ENABLE, now = value & APIC_BASE_ENABLE;
    vpc.apic_base = value;
    if (was && !now) {
        lapic_reset(&vpc.lapic, false);
        vpc.lapic.enabled = false; /* LINT0 is INTR itself now */
    } else if (!was && now) {
        /* Re-enabled, the APIC is as after power-up ("Local APIC State
         * After It Has Been Software Disabled", "... Power-Up Reset"). */
        lapic_reset(&vpc.lapic, false);
        kprintf("lapic: IA32_APIC_BASE.EN set again: the local APIC is back, in its "
                "power-up state\n");
    }
    vpc_changed();
    return APIC_BASE_WRITTEN;
}

void vpc_init(struct vcpu *v)
{
    vpc.vcpu = v;
    pic_reset(&vpc.pic);
    pit_reset(&vpc.pit);
    lapic_reset(&vpc.lapic, true);
    ioapic_reset(&vpc.ioapic);
    vpc.apic_base = LAPIC_DEFAULT_BASE | APIC_BASE_BSP | APIC_BASE_ENABLE;
    mmio_register(&lapic_mmio);
    mmio_register(&ioapic_mmio);
    kprintf("vpc: 8259A pair at 0x20/0xA0, 8254 at 0x40 (IRQ0), local APIC at 0x%llx in "
            "virtual-wire mode, I/O APIC at 0x%llx (IRQ0 at its input %u); guest TSC at "
            "%llu Hz\n", LAPIC_DEFAULT_BASE, IOAPIC_BASE, IOAPIC_INPUT_OF_IRQ_PIT,
            VIRTUAL_TSC_HZ);
}

void vpc_print_summary(void)
{
    kprintf("vpc: timers asked for a period under the minimum: PIT %u time(s), local APIC "
            "%u time(s)\n", vpc.pit.raised, vpc.lapic.raised);
    kprintf("ioapic: %u message(s) with an illegal vector refused, %u of a delivery mode "
            "not emulated\n", vpc.ioapic.illegal, vpc.ioapic.unsupported);
}
