/* virtio-console ("Console Device"): queue 0 receives (device to driver),
 * queue 1 transmits (driver to device). No features beyond VERSION_1: one
 * port, no size or multiport configuration. Nothing is ever typed, so the
 * receive queue's buffers simply wait. */
#include "virtio_console.h"
#include "printf.h"

#define CONSOLE_RECEIVEQ 0
#define CONSOLE_QUEUES 2
#define VIRTIO_ID_CONSOLE 3
#define LINE_MAX 120
#define CHUNK 64

struct virtio_device virtio_console;
static char line[LINE_MAX + 1];
static unsigned line_len;
static uint64_t bytes;

static void output(char c)
{
    bytes++;
    if (c != '\n' && c != '\r')
        line[line_len++] = c;
    if (c == '\n' || line_len == LINE_MAX) {
        line[line_len] = '\0';
        kprintf("guest virtio-console: %s\n", line);
        line_len = 0;
    }
}

static void console_notify(struct virtio_device *d, unsigned queue)
{
    if (queue == CONSOLE_RECEIVEQ)
        return; /* buffers for input that never comes: they wait */
    struct virtq *q = &d->queue[queue];
    struct virtq_chain chain;
    enum virtq_error e;
    while ((e = virtq_pop(q, &virtio_guest_ram, &chain)) == VIRTQ_OK) {
        char buf[CHUNK];
        for (uint64_t off = 0; off < chain.readable;) {
            size_t n = virtq_read(&chain, &virtio_guest_ram, off, buf, sizeof buf);
            if (!n)
                break;
            for (size_t i = 0; i < n; i++)
                output(buf[i]);
            off += n;
        }
        e = virtq_push(q, &virtio_guest_ram, chain.head, 0);
        if (e != VIRTQ_OK)
            break;
        d->interrupt_status |= VIRTIO_INTERRUPT_USED_BUFFER;
    }
    if (e != VIRTQ_EMPTY)
        virtio_device_fail(d, queue, e);
}

static uint64_t console_config_read(struct virtio_device *d, uint64_t offset, unsigned size)
{
    (void)d, (void)offset, (void)size;
    return 0; /* no VIRTIO_CONSOLE_F_SIZE or _MULTIPORT: nothing to read */
}

static const struct virtio_device_ops console_ops = {console_notify, console_config_read};

void virtio_console_init(void)
{
    virtio_device_init(&virtio_console, "virtio-console", VIRTIO_CONSOLE_BASE);
    virtio_console.device_id = VIRTIO_ID_CONSOLE;
    virtio_console.offered = VIRTIO_F_VERSION_1;
    virtio_console.queue_count = CONSOLE_QUEUES;
    virtio_console.ops = &console_ops;
}

uint64_t virtio_console_bytes(void)
{
    return bytes;
}
