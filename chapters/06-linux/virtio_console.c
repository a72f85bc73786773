/* SPDX-License-Identifier: MIT */
/* virtio-console ("Console Device"): queue 0 receives (device to driver),
 * queue 1 transmits (driver to device). No features beyond VERSION_1: one
 * port, no size or multiport configuration. Nothing is ever typed, so the
 * receive queue's buffers simply wait. */
#include "virtio_console.h"
#include "exit_log.h"
#include "line_buffer.h"
#include "pc.h"

#define CONSOLE_RECEIVEQ 0
#define CONSOLE_QUEUES 2
#define VIRTIO_ID_CONSOLE 3
#define CHUNK 64
/* The work one doorbell can cause is bounded: at most a queue's worth of
 * chains (VIRTQ_MAX_SIZE), and of each chain this many bytes are shown. */
#define SHOWN_PER_CHAIN 0x4000u

struct virtio_device virtio_console;
static struct line_buffer output = {.prefix = "guest virtio-console"};
static uint64_t bytes;

/* One chain of the transmit queue: print what the driver sent. */
static enum virtq_error transmit(const struct virtq_chain *c, uint32_t *written)
{
    char buf[CHUNK];
    size_t n;
    uint64_t shown = c->readable < SHOWN_PER_CHAIN ? c->readable : SHOWN_PER_CHAIN;
    if (shown < c->readable)
        exit_log("virtio-console: a %lu-byte buffer; only its first %u bytes are shown\n",
                 c->readable, SHOWN_PER_CHAIN);
    bytes += c->readable - shown;
    for (uint64_t off = 0; off < shown; off += n) {
        n = virtq_read(c, &virtio_guest_ram, off, buf,
                       shown - off < sizeof buf ? shown - off : sizeof buf);
        if (!n)
            break;
        for (size_t i = 0; i < n; i++)
            line_buffer_putc(&output, buf[i]);
        bytes += n;
    }
    *written = 0;
    return VIRTQ_OK;
}

static void console_notify(struct virtio_device *d, unsigned queue)
{
    if (queue == CONSOLE_RECEIVEQ)
        return; /* buffers for input that never comes: they wait */
    virtio_process_queue(d, queue, transmit);
}

static uint64_t console_config_read(struct virtio_device *d, uint64_t offset, unsigned size)
{
    (void)d, (void)offset, (void)size;
    return 0; /* no VIRTIO_CONSOLE_F_SIZE or _MULTIPORT: nothing to read */
}

static const struct virtio_device_ops console_ops = {console_notify, console_config_read};

void virtio_console_init(void)
{
    virtio_device_init(&virtio_console, "virtio-console", VIRTIO_CONSOLE_BASE,
                       IRQ_VIRTIO_CONSOLE);
    virtio_console.device_id = VIRTIO_ID_CONSOLE;
    virtio_console.offered = VIRTIO_F_VERSION_1;
    virtio_console.queue_count = CONSOLE_QUEUES;
    virtio_console.ops = &console_ops;
}

uint64_t virtio_console_bytes(void)
{
    return bytes;
}
