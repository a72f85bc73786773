/* SPDX-License-Identifier: MIT */
/* The virtio-mmio transport. Each register access by the driver is one VM
 * exit (an EPT violation in the device's window, emulated by mmio.c); the
 * data itself never passes through here, it sits in guest RAM, in the
 * queues. virtio 1.x, "Virtio Over MMIO" and "Device Initialization".
 * The device interrupts on its ISA line (pc.h) while InterruptStatus is
 * not 0: "used buffer" after it returns buffers, "configuration change"
 * when it needs a reset; the driver's InterruptACK lowers it. */
#include "virtio_mmio.h"
#include "guest_memory.h"
#include "exit_log.h"
#include "printf.h"
#include "vpc.h"
#include "x86.h"

const struct guest_ram virtio_guest_ram = {.map = guest_ram_map, .ctx = 0};

static struct virtio_device *as_virtio(struct mmio_device *m)
{
    return (struct virtio_device *)m; /* mmio is the first member */
}

static void update_irq(struct virtio_device *d)
{
    vpc_set_irq(d->irq, d->interrupt_status != 0);
}

static struct virtq *selected_queue(struct virtio_device *d)
{
    return d->queue_sel < d->queue_count ? &d->queue[d->queue_sel] : 0;
}

/* Writing 0 to Status resets the device: everything the driver set up is
 * forgotten, including a DEVICE_NEEDS_RESET ("Device Reset"). */
static void reset(struct virtio_device *d)
{
    d->status = 0;
    d->device_features_sel = d->driver_features_sel = d->queue_sel = 0;
    d->driver_features = 0;
    d->interrupt_status = 0;
    for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++)
        d->queue[i] = (struct virtq){0};
    update_irq(d);
}

/* "Device Status Field": the device tells the driver it is broken by
 * setting DEVICE_NEEDS_RESET, and a configuration-change interrupt. */
static void needs_reset(struct virtio_device *d, unsigned queue, const char *why)
{
    exit_log("%s: queue %u: %s; the device needs a reset (DEVICE_NEEDS_RESET)\n",
         d->mmio.name, queue, why);
    d->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
    d->interrupt_status |= VIRTIO_INTERRUPT_CONFIG_CHANGE;
    update_irq(d);
}

void virtio_device_fail(struct virtio_device *d, unsigned queue, enum virtq_error e)
{
    needs_reset(d, queue, virtq_error_name(e));
}

void virtio_process_queue(struct virtio_device *d, unsigned queue, virtio_request_fn serve)
{
    struct virtq *q = &d->queue[queue];
    struct virtq_chain chain;
    enum virtq_error e;
    while ((e = virtq_pop(q, &virtio_guest_ram, &chain)) == VIRTQ_OK) {
        uint32_t written;
        e = serve(&chain, &written);
        if (e == VIRTQ_OK)
            e = virtq_push(q, &virtio_guest_ram, chain.head, written);
        if (e != VIRTQ_OK)
            break;
        d->interrupt_status |= VIRTIO_INTERRUPT_USED_BUFFER;
    }
    if (e != VIRTQ_EMPTY)
        virtio_device_fail(d, queue, e);
    update_irq(d);
}

/* FEATURES_OK sticks only if the driver accepted nothing we did not offer,
 * and VIRTIO_F_VERSION_1 among it ("Feature Bits"); the driver reads Status
 * back to learn whether it did. */
static void write_status(struct virtio_device *d, uint32_t value)
{
    if (value == 0) {
        reset(d);
        return;
    }
    if ((value & VIRTIO_STATUS_FEATURES_OK) && !(d->status & VIRTIO_STATUS_FEATURES_OK) &&
        ((d->driver_features & ~d->offered) || !(d->driver_features & VIRTIO_F_VERSION_1))) {
        exit_log("%s: driver features 0x%lx refused (offered 0x%lx)\n", d->mmio.name,
                d->driver_features, d->offered);
        value &= ~VIRTIO_STATUS_FEATURES_OK;
    }
    /* DEVICE_NEEDS_RESET is the device's to set, and only a reset clears it. */
    d->status = (value & ~VIRTIO_STATUS_DEVICE_NEEDS_RESET) |
                (d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET);
}

static void set_half(uint64_t *field, bool high, uint32_t value)
{
    *field = high ? (*field & LOW_32_BITS) | ((uint64_t)value << 32)
                  : (*field & ~LOW_32_BITS) | value;
}

static void write_queue_address(struct virtio_device *d, uint64_t offset, uint32_t value)
{
    struct virtq *q = selected_queue(d);
    if (!q || q->ready)
        return; /* the driver must not move a live queue */
    bool high = offset & 4;
    if (offset <= VIRTIO_MMIO_QUEUE_DESC_HIGH)
        set_half(&q->desc, high, value);
    else if (offset <= VIRTIO_MMIO_QUEUE_DRIVER_HIGH)
        set_half(&q->driver, high, value);
    else
        set_half(&q->device, high, value);
}

static void notify(struct virtio_device *d, uint32_t queue)
{
    if (d->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
        return; /* broken until reset */
    uint32_t live = VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK;
    if ((d->status & live) != live || queue >= d->queue_count || !d->queue[queue].ready)
        return; /* a doorbell for nothing: ignored, as hardware would */
    d->ops->notify(d, queue);
}

static uint64_t transport_read(struct mmio_device *m, uint64_t offset, unsigned size)
{
    struct virtio_device *d = as_virtio(m);
    struct virtq *q = selected_queue(d);
    if (offset >= VIRTIO_MMIO_CONFIG)
        return d->ops->config_read(d, offset - VIRTIO_MMIO_CONFIG, size);
    switch (offset) {
    case VIRTIO_MMIO_MAGIC_VALUE: return VIRTIO_MMIO_MAGIC;
    case VIRTIO_MMIO_VERSION: return VIRTIO_MMIO_TRANSPORT_VERSION;
    case VIRTIO_MMIO_DEVICE_ID: return d->device_id;
    case VIRTIO_MMIO_VENDOR_ID: return VIRTIO_VENDOR_STEPVISOR;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        return d->device_features_sel > 1
                   ? 0
                   : (d->offered >> (32 * d->device_features_sel)) & LOW_32_BITS;
    case VIRTIO_MMIO_QUEUE_NUM_MAX: return q ? VIRTQ_MAX_SIZE : 0;
    case VIRTIO_MMIO_QUEUE_READY: return q ? q->ready : 0;
    case VIRTIO_MMIO_INTERRUPT_STATUS: return d->interrupt_status;
    case VIRTIO_MMIO_STATUS: return d->status;
    case VIRTIO_MMIO_CONFIG_GENERATION: return 0; /* the configuration never changes */
    default: return 0;
    }
}

static void transport_write(struct mmio_device *m, uint64_t offset, unsigned size,
                            uint64_t value64)
{
    (void)size;
    struct virtio_device *d = as_virtio(m);
    struct virtq *q = selected_queue(d);
    uint32_t value = (uint32_t)value64;
    switch (offset) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL: d->device_features_sel = value; break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        /* Once FEATURES_OK is set, the features are agreed and fixed. */
        if (d->driver_features_sel <= 1 && !(d->status & VIRTIO_STATUS_FEATURES_OK))
            set_half(&d->driver_features, d->driver_features_sel == 1, value);
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL: d->driver_features_sel = value; break;
    case VIRTIO_MMIO_QUEUE_SEL: d->queue_sel = value; break;
    case VIRTIO_MMIO_QUEUE_NUM:
        /* Kept whole: a value past 16 bits is invalid, not a smaller size. */
        if (q && !q->ready)
            q->size = value <= VIRTQ_MAX_SIZE ? (uint16_t)value : 0;
        break;
    case VIRTIO_MMIO_QUEUE_READY:
        if (!q)
            break;
        if (value && !virtq_size_valid(q->size)) {
            needs_reset(d, d->queue_sel, "QueueNum is not a power of 2 up to QueueNumMax");
            break;
        }
        q->ready = value & 1;
        break;
    case VIRTIO_MMIO_QUEUE_NOTIFY: notify(d, value); break;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        d->interrupt_status &= ~value;
        update_irq(d);
        break;
    case VIRTIO_MMIO_STATUS: write_status(d, value); break;
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
    case VIRTIO_MMIO_QUEUE_DESC_HIGH:
    case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
    case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
    case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
    case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
        write_queue_address(d, offset, value);
        break;
    default: break; /* read-only or unknown: ignored */
    }
}

void virtio_device_init(struct virtio_device *d, const char *name, uint64_t base,
                        unsigned irq)
{
    d->irq = irq;
    d->mmio = (struct mmio_device){.name = name, .base = base, .size = VIRTIO_MMIO_WINDOW,
                                   .quiet = true, .read = transport_read,
                                   .write = transport_write};
    reset(d);
}
