/* SPDX-License-Identifier: MIT */
/* The virtio-mmio transport and split virtqueues, from the driver's side.
 * Every register access is one MOV (io.h); the rings are ordinary guest
 * RAM that the device (the hypervisor) reads and writes directly. The
 * device here works synchronously: it processes a queue during the VM exit
 * of the QueueNotify write, so by the time the write "returns" the used
 * ring is up to date. A real device may take its time; the driver still
 * polls with a bound, as it would have to there. */
#include "virtio.h"
#include "io.h"
#include "kstring.h"

/* How many times to look at the used ring, or at Status after a reset,
 * before giving up. Reads of RAM cost no VM exit. */
#define POLL_LIMIT 1000000
#define CONFIG_GENERATION_TRIES 10

static uint32_t reg_read(struct virtio_dev *d, uint32_t offset)
{
    return mmio_read32(d->base + offset);
}

static void reg_write(struct virtio_dev *d, uint32_t offset, uint32_t value)
{
    mmio_write32(d->base + offset, value);
}

static void set_status(struct virtio_dev *d, uint32_t bit)
{
    reg_write(d, VIRTIO_MMIO_STATUS, reg_read(d, VIRTIO_MMIO_STATUS) | bit);
}

const char *virtio_error_text(enum virtio_error e)
{
    switch (e) {
    case VIRTIO_OK: return "no error";
    case VIRTIO_BAD_MAGIC: return "MagicValue is not 0x74726976 (\"virt\")";
    case VIRTIO_BAD_VERSION: return "Version is not 2 (virtio-mmio 1.x)";
    case VIRTIO_WRONG_DEVICE: return "DeviceID is not the expected device";
    case VIRTIO_RESET_STUCK: return "Status did not read 0 after a reset";
    case VIRTIO_NO_VERSION_1: return "the device does not offer VIRTIO_F_VERSION_1";
    case VIRTIO_FEATURES_REFUSED: return "FEATURES_OK did not stick: features refused";
    case VIRTIO_QUEUE_IN_USE: return "QueueReady was already 1";
    case VIRTIO_QUEUE_TOO_SMALL: return "QueueNumMax is below the queue size we use";
    }
    return "unknown error";
}

/* "Driver Requirements: Device Reset": the reset is complete when Status
 * reads 0. */
enum virtio_error virtio_reset(struct virtio_dev *d)
{
    reg_write(d, VIRTIO_MMIO_STATUS, 0);
    for (int i = 0; i < POLL_LIMIT; i++)
        if (reg_read(d, VIRTIO_MMIO_STATUS) == 0)
            return VIRTIO_OK;
    return VIRTIO_RESET_STUCK;
}

/* "Driver Requirements: Device Initialization", steps 1 to 6, with the
 * checks "MMIO-specific Initialization And Device Operation" asks for
 * first. */
enum virtio_error virtio_begin_init(struct virtio_dev *d, uint64_t wanted)
{
    /* Is it a virtio-mmio 1.x device, and the one we expect? A device
     * that is not one is left alone: no reset, no FAILED. */
    if (reg_read(d, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC)
        return VIRTIO_BAD_MAGIC;
    if (reg_read(d, VIRTIO_MMIO_VERSION) != VIRTIO_MMIO_TRANSPORT_VERSION)
        return VIRTIO_BAD_VERSION;
    if (reg_read(d, VIRTIO_MMIO_DEVICE_ID) != d->device_id)
        return VIRTIO_WRONG_DEVICE;

    enum virtio_error e = virtio_reset(d);
    if (e != VIRTIO_OK)
        return e;
    set_status(d, VIRTIO_STATUS_ACKNOWLEDGE);
    set_status(d, VIRTIO_STATUS_DRIVER);

    /* The 64 feature bits, 32 at a time through the selector. */
    reg_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t offered = reg_read(d, VIRTIO_MMIO_DEVICE_FEATURES);
    reg_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    offered |= (uint64_t)reg_read(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
    if (!(offered & VIRTIO_F_VERSION_1)) {
        virtio_fail(d);
        return VIRTIO_NO_VERSION_1;
    }
    d->features = offered & (wanted | VIRTIO_F_VERSION_1);
    reg_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    reg_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)d->features);
    reg_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    reg_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(d->features >> 32));

    /* The device says whether it accepts this subset by keeping
     * FEATURES_OK set; it is the driver's last chance to find out. */
    set_status(d, VIRTIO_STATUS_FEATURES_OK);
    if (!(reg_read(d, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
        virtio_fail(d);
        return VIRTIO_FEATURES_REFUSED;
    }
    return VIRTIO_OK;
}

/* "Virtqueue Configuration" (virtio-mmio). The three parts of a split
 * virtqueue need 16-, 2- and 4-byte alignment ("Virtqueues"); a page each
 * is more than enough, and easy to find in a memory dump. */
enum virtio_error virtq_setup(struct virtio_dev *d, struct virtq *q, uint16_t index,
                              uintptr_t gpa)
{
    reg_write(d, VIRTIO_MMIO_QUEUE_SEL, index);
    if (reg_read(d, VIRTIO_MMIO_QUEUE_READY) != 0) {
        virtio_fail(d);
        return VIRTIO_QUEUE_IN_USE;
    }
    if (reg_read(d, VIRTIO_MMIO_QUEUE_NUM_MAX) < VIRTQ_SIZE) {
        virtio_fail(d);
        return VIRTIO_QUEUE_TOO_SMALL;
    }

    /* The rings must start out zeroed: in particular both idx fields, and
     * this memory may hold an earlier run's rings. */
    memset((void *)gpa, 0, VIRTQ_BYTES);
    q->index = index;
    q->size = VIRTQ_SIZE;
    q->desc = (volatile struct virtq_desc *)gpa;
    q->avail = (volatile struct virtq_avail *)(gpa + PAGE_SIZE);
    q->used = (volatile struct virtq_used *)(gpa + 2 * PAGE_SIZE);
    q->last_used = 0;
    q->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT; /* we poll */

    reg_write(d, VIRTIO_MMIO_QUEUE_NUM, q->size);
    uint64_t desc = (uintptr_t)q->desc, avail = (uintptr_t)q->avail, used = (uintptr_t)q->used;
    reg_write(d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    reg_write(d, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    reg_write(d, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    reg_write(d, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    reg_write(d, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    reg_write(d, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    reg_write(d, VIRTIO_MMIO_QUEUE_READY, 1);
    return VIRTIO_OK;
}

void virtio_driver_ok(struct virtio_dev *d)
{
    set_status(d, VIRTIO_STATUS_DRIVER_OK);
}

void virtio_fail(struct virtio_dev *d)
{
    set_status(d, VIRTIO_STATUS_FAILED);
}

uint32_t virtio_status(struct virtio_dev *d)
{
    return reg_read(d, VIRTIO_MMIO_STATUS);
}

uint32_t virtio_interrupt_status(struct virtio_dev *d)
{
    return reg_read(d, VIRTIO_MMIO_INTERRUPT_STATUS);
}

void virtio_interrupt_ack(struct virtio_dev *d, uint32_t reasons)
{
    reg_write(d, VIRTIO_MMIO_INTERRUPT_ACK, reasons);
}

uint32_t virtio_config_read32(struct virtio_dev *d, uint32_t offset)
{
    return reg_read(d, VIRTIO_MMIO_CONFIG + offset);
}

/* "Driver Requirements: Device Configuration Space": a 64-bit field takes
 * two reads, and the device may change it in between; ConfigGeneration
 * changes when it does, so read until it is the same before and after. */
uint64_t virtio_config_read64(struct virtio_dev *d, uint32_t offset)
{
    uint64_t value = 0;
    for (int i = 0; i < CONFIG_GENERATION_TRIES; i++) {
        uint32_t before = reg_read(d, VIRTIO_MMIO_CONFIG_GENERATION);
        value = virtio_config_read32(d, offset);
        value |= (uint64_t)virtio_config_read32(d, offset + 4) << 32;
        if (reg_read(d, VIRTIO_MMIO_CONFIG_GENERATION) == before)
            break;
    }
    return value;
}

void virtq_set_desc(struct virtq *q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
                    uint16_t next)
{
    q->desc[i].addr = addr;
    q->desc[i].len = len;
    q->desc[i].flags = flags;
    q->desc[i].next = next;
}

/* "Updating idx": the ring entry must be visible before the index that
 * publishes it. The index runs freely and wraps at 2^16; the slot is the
 * index modulo the queue size. */
void virtq_make_available(struct virtq *q, uint16_t head)
{
    uint16_t idx = q->avail->idx;
    q->avail->ring[idx % q->size] = head;
    barrier();
    q->avail->idx = (uint16_t)(idx + 1);
}

void virtq_notify(struct virtio_dev *d, struct virtq *q)
{
    /* The memory clobber of mmio_write32 makes every ring write above
     * happen before this one. */
    reg_write(d, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}

bool virtq_get_used(struct virtq *q, struct virtq_used_elem *out)
{
    for (int i = 0; i < POLL_LIMIT; i++) {
        if (q->used->idx != q->last_used) {
            barrier(); /* read the entry only after seeing the index */
            volatile struct virtq_used_elem *e = &q->used->ring[q->last_used % q->size];
            out->id = e->id;
            out->len = e->len;
            q->last_used++;
            return true;
        }
    }
    return false;
}
