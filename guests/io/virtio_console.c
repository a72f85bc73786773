/* SPDX-License-Identifier: MIT */
/* virtio-console ("Console Device"), without VIRTIO_CONSOLE_F_MULTIPORT:
 * one port, whose output goes through the transmitq. The point of this
 * driver is what it costs: whatever the length of the text, one write to
 * QueueNotify, so one VM exit, where COM1 takes two per byte. */
#include "virtio_console.h"
#include "guest.h"

/* The text goes out as buffers of this size (the last may be shorter),
 * all made available before a single notification: a device takes any
 * number of buffers per notification. */
#define CONSOLE_TX_CHUNK 1024

enum virtio_error virtio_console_init(struct virtio_console *c)
{
    c->dev = (struct virtio_dev){.base = VIRTIO_CONSOLE_BASE, .device_id = VIRTIO_ID_CONSOLE};
    enum virtio_error e = virtio_begin_init(&c->dev, 0); /* VERSION_1 only */
    /* Both queues of port 0 are set up, as the device expects; the guest
     * reads no input, so the receiveq gets no buffers. */
    if (e == VIRTIO_OK)
        e = virtq_setup(&c->dev, &c->receiveq, VIRTIO_CONSOLE_RECEIVEQ, CONSOLE_RECEIVEQ_GPA);
    if (e == VIRTIO_OK)
        e = virtq_setup(&c->dev, &c->transmitq, VIRTIO_CONSOLE_TRANSMITQ, CONSOLE_TRANSMITQ_GPA);
    if (e != VIRTIO_OK)
        return e;
    virtio_driver_ok(&c->dev);
    return VIRTIO_OK;
}

bool virtio_console_write(struct virtio_console *c, uint64_t buf, uint32_t len)
{
    struct virtq *q = &c->transmitq;
    uint16_t n = 0;
    /* One single-descriptor chain per chunk; the transmitq only takes
     * device-readable buffers ("Driver Requirements: Device Operation"). */
    for (uint32_t off = 0; off < len; off += CONSOLE_TX_CHUNK, n++) {
        if (n == q->size)
            return false;
        uint32_t chunk = len - off < CONSOLE_TX_CHUNK ? len - off : CONSOLE_TX_CHUNK;
        virtq_set_desc(q, n, buf + off, chunk, 0, 0);
        virtq_make_available(q, n);
    }
    virtq_notify(&c->dev, q);

    struct virtq_used_elem used;
    for (uint16_t i = 0; i < n; i++)
        if (!virtq_get_used(q, &used))
            return false;
    return true;
}
