/* SPDX-License-Identifier: MIT */
/* The device side of a split virtqueue (virtio 1.x, "Split Virtqueues").
 * The driver writes the descriptor table and the available ring; the
 * device reads them and writes the used ring. The driver is the guest, so
 * every value read from the rings is checked, and read exactly once (into
 * a local), so that a second vCPU rewriting the ring cannot change a value
 * between its check and its use. Multi-byte fields are little-endian, as
 * is x86: they are read and written with memcpy, which needs no
 * alignment. */
#include "virtqueue.h"
#include "kstring.h"

/* Byte sizes and offsets of the three parts ("Split Virtqueues"). */
#define DESC_SIZE 16u
#define DESC_ADDR 0
#define DESC_LEN 8
#define DESC_FLAGS 12
#define DESC_NEXT 14
#define RING_IDX 2     /* le16 idx, after le16 flags, in both rings */
#define RING_ENTRIES 4 /* where ring[] starts in both rings */
#define USED_ELEM_SIZE 8u
#define CHAIN_MAX_BYTES (1ull << 32)

/* Stops the compiler from moving guest-memory accesses across it. x86
 * keeps loads in order and stores in order, so this is the only barrier
 * the device needs ("Supplying Buffers to The Device", "The Virtqueue
 * Used Ring"). */
#define compiler_barrier() __asm__ volatile("" ::: "memory")

static const char *const names[] = {
    [VIRTQ_OK] = "ok",
    [VIRTQ_EMPTY] = "empty: no chain is available",
    [VIRTQ_NOT_READY] = "queue not ready",
    [VIRTQ_BAD_RING_ADDRESS] = "bad ring address: a ring is not all in guest RAM",
    [VIRTQ_BAD_AVAIL_INDEX] = "bad avail index: more than the queue size ahead",
    [VIRTQ_BAD_DESCRIPTOR_INDEX] = "bad descriptor index: not below the queue size",
    [VIRTQ_DESCRIPTOR_LOOP] = "descriptor loop: the chain is longer than the queue",
    [VIRTQ_BAD_BUFFER_ADDRESS] = "bad buffer address: a buffer is not all in guest RAM",
    [VIRTQ_LENGTH_OVERFLOW] = "length overflow: a buffer or the chain is too long",
    [VIRTQ_INDIRECT_NOT_NEGOTIATED] =
        "indirect descriptor, but VIRTIO_F_INDIRECT_DESC was not offered",
    [VIRTQ_READABLE_AFTER_WRITABLE] = "device-readable buffer after a device-writable one",
    [VIRTQ_WRITE_TO_READ_ONLY] =
        "write to read-only: the device must write into a buffer the driver made read-only",
    [VIRTQ_SHORT_BUFFER] = "short buffer: the device-writable part is too small",
};

const char *virtq_error_name(enum virtq_error e)
{
    if ((unsigned)e < sizeof(names) / sizeof(names[0]) && names[e])
        return names[e];
    return "unknown virtqueue error";
}

bool virtq_size_valid(uint16_t size)
{
    return size >= 1 && size <= VIRTQ_MAX_SIZE && (size & (size - 1)) == 0;
}

static uint16_t get16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, sizeof(v)); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, sizeof(v)); }

/* The three rings, mapped. */
struct rings {
    uint8_t *desc, *avail, *used;
};

/* Maps the rings of a ready queue; all of each must be guest RAM. */
static enum virtq_error map_rings(const struct virtq *q, const struct guest_ram *ram,
                                  struct rings *r)
{
    if (!q->ready || !virtq_size_valid(q->size))
        return VIRTQ_NOT_READY;
    r->desc = ram->map(ram->ctx, q->desc, DESC_SIZE * q->size);
    r->avail = ram->map(ram->ctx, q->driver, RING_ENTRIES + 2u * q->size + 2);
    r->used = ram->map(ram->ctx, q->device, RING_ENTRIES + USED_ELEM_SIZE * q->size + 2);
    if (!r->desc || !r->avail || !r->used)
        return VIRTQ_BAD_RING_ADDRESS;
    return VIRTQ_OK;
}

enum virtq_error virtq_pop(struct virtq *q, const struct guest_ram *ram, struct virtq_chain *out)
{
    struct rings r;
    enum virtq_error e = map_rings(q, ram, &r);
    if (e != VIRTQ_OK)
        return e;

    /* "The Virtqueue Available Ring": idx only grows, wrapping at 65536;
     * the driver can be at most size chains ahead of the device. */
    uint16_t pending = (uint16_t)(get16(r.avail + RING_IDX) - q->last_avail);
    if (pending == 0)
        return VIRTQ_EMPTY;
    if (pending > q->size)
        return VIRTQ_BAD_AVAIL_INDEX;
    compiler_barrier(); /* read the ring entry only after idx */
    uint16_t slot = q->last_avail & (q->size - 1);
    uint16_t i = get16(r.avail + RING_ENTRIES + 2u * slot);

    /* "The Virtqueue Descriptor Table": follow next while NEXT is set.
     * A chain has at most size descriptors, so a longer one loops. */
    /* LAB virtq-pop (40 points): follow the chain from descriptor I while
     * NEXT is set, filling OUT (address, length, device-writable) and the
     * readable and writable totals. The guest is untrusted: refuse an index
     * past the table, a chain longer than the queue (a loop), INDIRECT, a
     * length that wraps or leaves guest RAM, a readable buffer after a
     * writable one, and a chain over 4 GiB.
     * Graded by: test_ch04_io.py::test_uart_and_virtio_carry_the_same_text,
     *   test_ch04_io.py::test_virtio_blk_reads_back_what_it_wrote
     * Student stub:
     *     (void)i;
     *     (void)out;
     *     run_fail("lab virtq-pop is not done yet");
     */
    out->head = i;
    out->count = 0;
    out->readable = out->writable = 0;
    for (;;) {
        if (i >= q->size)
            return VIRTQ_BAD_DESCRIPTOR_INDEX;
        if (out->count == q->size)
            return VIRTQ_DESCRIPTOR_LOOP;
        const uint8_t *d = r.desc + DESC_SIZE * i;
        struct virtq_buffer *b = &out->buf[out->count++];
        uint16_t flags, next;
        memcpy(&b->addr, d + DESC_ADDR, sizeof(b->addr));
        memcpy(&b->len, d + DESC_LEN, sizeof(b->len));
        memcpy(&flags, d + DESC_FLAGS, sizeof(flags));
        memcpy(&next, d + DESC_NEXT, sizeof(next));
        b->device_writable = flags & VIRTQ_DESC_F_WRITE;

        /* "Indirect Descriptors": only with VIRTIO_F_INDIRECT_DESC, which
         * these devices do not offer. */
        if (flags & VIRTQ_DESC_F_INDIRECT)
            return VIRTQ_INDIRECT_NOT_NEGOTIATED;
        if (b->addr + b->len < b->addr)
            return VIRTQ_LENGTH_OVERFLOW;
        if (!ram->map(ram->ctx, b->addr, b->len))
            return VIRTQ_BAD_BUFFER_ADDRESS;
        /* "Message Framing": device-writable buffers come last, even
         * empty ones. */
        if (!b->device_writable && out->count > 1 && out->buf[out->count - 2].device_writable)
            return VIRTQ_READABLE_AFTER_WRITABLE;
        if (b->device_writable)
            out->writable += b->len;
        else
            out->readable += b->len;
        /* "Driver Requirements: The Virtqueue Descriptor Table": no chain
         * longer than 2^32 bytes in total. */
        if (out->readable + out->writable > CHAIN_MAX_BYTES)
            return VIRTQ_LENGTH_OVERFLOW;
        if (!(flags & VIRTQ_DESC_F_NEXT))
            break;
        i = next;
    }
    /* END LAB virtq-pop */
    q->last_avail++;
    return VIRTQ_OK;
}

enum virtq_error virtq_push(struct virtq *q, const struct guest_ram *ram, uint16_t head,
                            uint32_t written)
{
    struct rings r;
    enum virtq_error e = map_rings(q, ram, &r);
    if (e != VIRTQ_OK)
        return e;
    if (head >= q->size)
        return VIRTQ_BAD_DESCRIPTOR_INDEX;

    /* "Device Requirements: The Virtqueue Used Ring": the entry, len
     * included, is written before idx is updated. */
    uint8_t *elem = r.used + RING_ENTRIES + USED_ELEM_SIZE * (q->used_idx & (q->size - 1));
    put32(elem, head);
    put32(elem + 4, written);
    compiler_barrier();
    q->used_idx++;
    put16(r.used + RING_IDX, q->used_idx);
    return VIRTQ_OK;
}

/* Copies len bytes out of the chain's readable part (into dst) or, if src
 * is given, into its writable part, at offset within that part. Returns
 * the count copied: short if the part ends first or a buffer is no longer
 * guest RAM. */
static size_t copy_chain(const struct virtq_chain *c, const struct guest_ram *ram,
                         uint64_t offset, uint8_t *dst, const uint8_t *src, size_t len)
{
    bool writable = src != NULL;
    size_t done = 0;
    for (unsigned k = 0; k < c->count && done < len; k++) {
        const struct virtq_buffer *b = &c->buf[k];
        if (b->device_writable != writable)
            continue;
        if (offset >= b->len) {
            offset -= b->len;
            continue;
        }
        uint64_t n = b->len - offset;
        if (n > len - done)
            n = len - done;
        uint8_t *p = ram->map(ram->ctx, b->addr + offset, n);
        if (!p)
            break;
        if (writable)
            memcpy(p, src + done, n);
        else
            memcpy(dst + done, p, n);
        done += n;
        offset = 0;
    }
    return done;
}

size_t virtq_read(const struct virtq_chain *c, const struct guest_ram *ram, uint64_t offset,
                  void *dst, size_t len)
{
    /* "Device Requirements: The Virtqueue Descriptor Table": the device
     * should not read device-writable buffers, so only the readable part. */
    return copy_chain(c, ram, offset, dst, NULL, len);
}

enum virtq_error virtq_write(const struct virtq_chain *c, const struct guest_ram *ram,
                             uint64_t offset, const void *src, size_t len)
{
    /* ... and must not write device-readable ones. */
    if (len == 0)
        return VIRTQ_OK;
    if (c->writable == 0)
        return VIRTQ_WRITE_TO_READ_ONLY;
    if (offset > c->writable || len > c->writable - offset)
        return VIRTQ_SHORT_BUFFER;
    if (copy_chain(c, ram, offset, NULL, src, len) != len)
        return VIRTQ_BAD_BUFFER_ADDRESS;
    return VIRTQ_OK;
}
