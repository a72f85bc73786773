/* SPDX-License-Identifier: MIT */
/* The MP table of Intel's MultiProcessor Specification 1.4 (chapter 4,
 * "MP Configuration Table"): a floating pointer a kernel finds by its
 * signature, and a configuration table with one entry per processor, bus,
 * I/O APIC and interrupt line. This machine: one processor (local APIC
 * 0), one ISA bus, the I/O APIC of pc.h, and the PC's wiring: the 8259's
 * INTR on input 0 (ExtINT), ISA IRQ 0 on input 2, IRQ n on input n, and
 * the local APIC's LINT0 as ExtINT, LINT1 as NMI. */
#include "mptable.h"
#include "kstring.h"
#include "lapic.h"
#include "pc.h"

#define MP_SPEC_REV 4 /* version 1.4 */
#define MP_ENTRY_PROCESSOR 0
#define MP_ENTRY_BUS 1
#define MP_ENTRY_IOAPIC 2
#define MP_ENTRY_IO_INTERRUPT 3
#define MP_ENTRY_LOCAL_INTERRUPT 4
#define MP_CPU_ENABLED (1u << 0)
#define MP_CPU_BOOTSTRAP (1u << 1)
#define MP_IOAPIC_ENABLED (1u << 0)
#define MP_INTERRUPT_INT 0
#define MP_INTERRUPT_NMI 1
#define MP_INTERRUPT_EXTINT 3
#define MP_FLAGS_CONFORM_TO_BUS 0 /* ISA: edge-triggered, active high */
#define MP_ALL_LOCAL_APICS 0xFF
#define IOAPIC_VERSION 0x11 /* the 82093AA's */
#define LAPIC_VERSION_INTEGRATED 0x14 /* what lapic.c's version register says */
#define ISA_BUS_ID 0
#define ISA_IRQ_CASCADE 2   /* the second 8259: no interrupt of its own */
#define LINT0 0
#define LINT1 1
#define MP_PARAGRAPH 16 /* the floating pointer's length unit */

struct __attribute__((packed)) mp_floating_pointer {
    char signature[4];     /* "_MP_" */
    uint32_t config_table; /* physical address */
    uint8_t length;        /* in 16-byte units */
    uint8_t spec_rev, checksum;
    uint8_t features[5];   /* 0: a configuration table is present */
};

struct __attribute__((packed)) mp_config_header {
    char signature[4]; /* "PCMP" */
    uint16_t length;   /* header and entries */
    uint8_t spec_rev, checksum;
    char oem_id[8], product_id[12];
    uint32_t oem_table;
    uint16_t oem_table_size, entry_count;
    uint32_t lapic_address;
    uint16_t extended_length;
    uint8_t extended_checksum, reserved;
};

struct __attribute__((packed)) mp_processor {
    uint8_t type, lapic_id, lapic_version, flags;
    uint32_t signature, features, reserved[2];
};

struct __attribute__((packed)) mp_bus {
    uint8_t type, id;
    char name[6];
};

struct __attribute__((packed)) mp_ioapic {
    uint8_t type, id, version, flags;
    uint32_t address;
};

struct __attribute__((packed)) mp_interrupt {
    uint8_t type, kind;
    uint16_t flags;
    uint8_t bus, irq, dest_apic, dest_input;
};

/* Every byte of a structure, checksum included, sums to 0. */
static uint8_t checksum(const void *p, size_t n)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += ((const uint8_t *)p)[i];
    return (uint8_t)-sum;
}

/* Entries go right after the header; h counts them and their bytes. */
static void add(struct mp_config_header *h, const void *entry, size_t n)
{
    memcpy((uint8_t *)h + h->length, entry, n);
    h->length = (uint16_t)(h->length + n);
    h->entry_count++;
}

static void add_interrupt(struct mp_config_header *h, uint8_t type, uint8_t kind, uint8_t irq,
                          uint8_t dest, uint8_t input)
{
    struct mp_interrupt e = {type, kind, MP_FLAGS_CONFORM_TO_BUS, ISA_BUS_ID, irq, dest, input};
    add(h, &e, sizeof e);
}

size_t mptable_write(uint8_t *buf, uint32_t gpa)
{
    struct mp_floating_pointer *fp = (struct mp_floating_pointer *)buf;
    struct mp_config_header *h = (struct mp_config_header *)(fp + 1);
    *fp = (struct mp_floating_pointer){.signature = {'_', 'M', 'P', '_'},
                                       .config_table = gpa + sizeof *fp,
                                       .length = sizeof *fp / MP_PARAGRAPH,
                                       .spec_rev = MP_SPEC_REV};
    fp->checksum = checksum(fp, sizeof *fp);
    *h = (struct mp_config_header){.signature = {'P', 'C', 'M', 'P'}, .length = sizeof *h,
                                   .spec_rev = MP_SPEC_REV,
                                   .lapic_address = (uint32_t)LAPIC_DEFAULT_BASE};
    memcpy(h->oem_id, "STEPVISR", sizeof h->oem_id);
    memcpy(h->product_id, "stepvisor PC", sizeof h->product_id);

    struct mp_processor cpu = {MP_ENTRY_PROCESSOR, 0, LAPIC_VERSION_INTEGRATED,
                               MP_CPU_ENABLED | MP_CPU_BOOTSTRAP, 0, 0, {0, 0}};
    struct mp_bus isa = {MP_ENTRY_BUS, ISA_BUS_ID, {'I', 'S', 'A', ' ', ' ', ' '}};
    struct mp_ioapic ioapic = {MP_ENTRY_IOAPIC, IOAPIC_ID, IOAPIC_VERSION, MP_IOAPIC_ENABLED,
                               (uint32_t)IOAPIC_BASE};
    add(h, &cpu, sizeof cpu);
    add(h, &isa, sizeof isa);
    add(h, &ioapic, sizeof ioapic);
    add_interrupt(h, MP_ENTRY_IO_INTERRUPT, MP_INTERRUPT_EXTINT, 0, IOAPIC_ID,
                  IOAPIC_INPUT_EXTINT);
    for (uint8_t irq = 0; irq < ISA_IRQS; irq++)
        if (irq != ISA_IRQ_CASCADE)
            add_interrupt(h, MP_ENTRY_IO_INTERRUPT, MP_INTERRUPT_INT, irq, IOAPIC_ID,
                          irq == IRQ_PIT ? IOAPIC_INPUT_OF_IRQ_PIT : irq);
    add_interrupt(h, MP_ENTRY_LOCAL_INTERRUPT, MP_INTERRUPT_EXTINT, 0, MP_ALL_LOCAL_APICS, LINT0);
    add_interrupt(h, MP_ENTRY_LOCAL_INTERRUPT, MP_INTERRUPT_NMI, 0, MP_ALL_LOCAL_APICS, LINT1);
    h->checksum = checksum(h, h->length);
    return sizeof *fp + h->length;
}
