/* SPDX-License-Identifier: MIT */
/* The 8259A pair: the bits the data sheet defines, in its order (ICW1-4,
 * then OCW1-3). Pure logic: exits/io.c calls it, tests/unit tests it. */
#include "pic8259.h"
#include "kstring.h"

#define ICW1 (1u << 4)        /* on the command port: start initialization */
#define ICW1_IC4 (1u << 0)    /* ICW4 follows */
#define ICW1_SNGL (1u << 1)   /* single chip, no ICW3 */
#define ICW2_VECTOR_MASK 0xF8u
#define ICW4_AEOI (1u << 1)
#define OCW3 (1u << 3)        /* bit 4 = 0 and bit 3 = 1: OCW3, else OCW2 */
#define OCW3_RIS (1u << 0)
#define OCW3_RR (1u << 1)
#define OCW3_SMM (1u << 5)
#define OCW3_ESMM (1u << 6)
#define OCW2_LEVEL_MASK 0x07u
#define OCW2_EOI (1u << 5)
#define OCW2_SL (1u << 6)
#define OCW2_R (1u << 7)
#define SPURIOUS_IRQ 7
#define ALL_MASKED 0xFFu
enum icw_step { ICW_DONE, ICW_2, ICW_3, ICW_4 };

static void chip_reset(struct pic8259 *c)
{
    memset(c, 0, sizeof *c);
    c->imr = ALL_MASKED;
    c->lowest = PIC_LINES - 1;
}

void pic_reset(struct pic_pair *p)
{
    chip_reset(&p->master);
    chip_reset(&p->slave);
}

/* Priority rank of input irq: 0 is highest, after the lowest one. */
static unsigned rank(const struct pic8259 *c, unsigned irq)
{
    return (irq + PIC_LINES - c->lowest - 1) % PIC_LINES;
}

/* The highest-priority input set in bits, or -1. */
static int highest(const struct pic8259 *c, uint8_t bits)
{
    for (unsigned r = 0; r < PIC_LINES; r++) {
        unsigned irq = (c->lowest + 1 + r) % PIC_LINES;
        if (bits & (1u << irq))
            return (int)irq;
    }
    return -1;
}

/* The request this chip would raise INT for, or -1: unmasked, and of
 * higher priority than everything in service (special mask mode: than
 * everything in service that is not masked). */
static int chip_request(const struct pic8259 *c, bool slave_int)
{
    uint8_t irr = c->irr;
    if (slave_int)
        irr |= 1u << PIC_CASCADE_IRQ;
    int req = highest(c, irr & (uint8_t)~c->imr);
    if (req < 0)
        return -1;
    uint8_t in_service = c->special_mask ? c->isr & (uint8_t)~c->imr : c->isr;
    int serving = highest(c, in_service);
    if (serving >= 0 && rank(c, (unsigned)serving) <= rank(c, (unsigned)req))
        return -1;
    return req;
}

static bool slave_int(const struct pic_pair *p)
{
    return !p->master.single && chip_request(&p->slave, false) >= 0;
}

bool pic_int_output(const struct pic_pair *p)
{
    return chip_request(&p->master, slave_int(p)) >= 0;
}

bool pic_blocked_by_in_service(const struct pic_pair *p)
{
    const struct pic8259 *m = &p->master, *s = &p->slave;
    return (((m->irr & ~m->imr) && m->isr) || ((s->irr & ~s->imr) && s->isr)) &&
           !pic_int_output(p);
}

static void end_of_interrupt(struct pic8259 *c, int irq, bool rotate)
{
    if (irq < 0)
        return;
    c->isr &= (uint8_t)~(1u << irq);
    if (rotate)
        c->lowest = (uint8_t)irq;
}

/* INTA on one chip: in service, out of the request register. */
static unsigned chip_acknowledge(struct pic8259 *c, int irq)
{
    if (irq < 0)
        return SPURIOUS_IRQ;
    c->irr &= (uint8_t)~(1u << irq);
    if (c->auto_eoi)
        end_of_interrupt(c, irq, c->rotate_on_auto_eoi);
    else
        c->isr |= (uint8_t)(1u << irq);
    return (unsigned)irq;
}

uint8_t pic_acknowledge(struct pic_pair *p)
{
    bool cascade = slave_int(p);
    int irq = chip_request(&p->master, cascade);
    if (irq == PIC_CASCADE_IRQ && cascade) {
        chip_acknowledge(&p->master, irq);
        unsigned s = chip_acknowledge(&p->slave, chip_request(&p->slave, false));
        return (uint8_t)(p->slave.vector_base + s);
    }
    return (uint8_t)(p->master.vector_base + chip_acknowledge(&p->master, irq));
}

void pic_set_irq(struct pic_pair *p, unsigned irq, bool level)
{
    struct pic8259 *c = irq < PIC_LINES ? &p->master : &p->slave;
    uint8_t bit = (uint8_t)(1u << (irq % PIC_LINES));
    if (irq >= PIC_IRQS)
        return;
    if (level && !(c->lines & bit))
        c->irr |= bit; /* edge-triggered: the rising edge requests */
    c->lines = level ? c->lines | bit : c->lines & (uint8_t)~bit;
}

static void write_command(struct pic8259 *c, uint8_t value)
{
    if (value & ICW1) {
        /* ICW1 clears the mask and in-service registers and the edge
         * sense, and starts the ICW sequence. */
        uint8_t lines = c->lines;
        chip_reset(c);
        c->imr = 0;
        c->lines = lines;
        c->icw_next = ICW_2;
        c->icw4_needed = value & ICW1_IC4;
        c->single = value & ICW1_SNGL;
        return;
    }
    if (value & OCW3) {
        if (value & OCW3_RR)
            c->read_isr = value & OCW3_RIS;
        if (value & OCW3_ESMM)
            c->special_mask = value & OCW3_SMM;
        return;
    }
    /* OCW2: R, SL, EOI and the level L2-L0. */
    unsigned level = value & OCW2_LEVEL_MASK;
    bool rotate = value & OCW2_R, specific = value & OCW2_SL;
    if (value & OCW2_EOI)
        end_of_interrupt(c, specific ? (int)level : highest(c, c->isr), rotate);
    else if (specific && rotate) /* set priority: L becomes the lowest */
        c->lowest = (uint8_t)level;
    else if (!specific)          /* rotate in automatic EOI mode, set or clear */
        c->rotate_on_auto_eoi = rotate;
}

static void write_data(struct pic8259 *c, uint8_t value)
{
    switch (c->icw_next) {
    case ICW_2:
        c->vector_base = value & ICW2_VECTOR_MASK;
        c->icw_next = c->single ? (c->icw4_needed ? ICW_4 : ICW_DONE) : ICW_3;
        return;
    case ICW_3: /* the cascade wiring: fixed on a PC */
        c->icw_next = c->icw4_needed ? ICW_4 : ICW_DONE;
        return;
    case ICW_4:
        c->auto_eoi = value & ICW4_AEOI;
        c->icw_next = ICW_DONE;
        return;
    default:
        c->imr = value; /* OCW1 */
    }
}

static struct pic8259 *chip(struct pic_pair *p, uint16_t port)
{
    return port == PIC_SLAVE_COMMAND || port == PIC_SLAVE_DATA ? &p->slave : &p->master;
}

void pic_write(struct pic_pair *p, uint16_t port, uint8_t value)
{
    struct pic8259 *c = chip(p, port);
    if (port == PIC_MASTER_COMMAND || port == PIC_SLAVE_COMMAND)
        write_command(c, value);
    else
        write_data(c, value);
}

uint8_t pic_read(struct pic_pair *p, uint16_t port)
{
    struct pic8259 *c = chip(p, port);
    if (port == PIC_MASTER_COMMAND || port == PIC_SLAVE_COMMAND)
        return c->read_isr ? c->isr : c->irr;
    return c->imr;
}
