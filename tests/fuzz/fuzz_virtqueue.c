/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the device side of a split virtqueue (chapter 4)
 * driven by a guest that writes anything at all into its rings.
 *
 * The input is 16 control bytes, then guest RAM:
 *   [0]      queue size: 1 << (byte % 8), so 128 (invalid) happens too
 *   [1]      bit 0: QueueReady
 *   [2..5]   last_avail, used_idx (le16 each)
 *   [6..11]  desc, avail, used ring: RAM_BASE + le16 each (may be past RAM)
 *   [12..13] read offset, write offset, into a chain
 *   [14]     a head to push besides the popped ones
 *   [15]     rounds, 1-8
 *   [16..]   guest RAM, at GPA RAM_BASE, held in a heap block of exactly
 *            that size so AddressSanitizer sees any access past it; the
 *            GPAs [HOLE_START, HOLE_END) in it are a hole (not RAM).
 * Each round pops a chain, reads it, writes it and pushes it back, and
 * checks what the header promises; a broken promise traps, which libFuzzer
 * reports as a crash, as it does any sanitizer report. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "virtqueue.h"

#define CONTROL 16
#define RAM_BASE 0x1000ull
#define HOLE_START 0x1800ull
#define HOLE_END 0x1840ull
#define SCRATCH 4096

struct ram {
    uint8_t *bytes;
    uint64_t size;
};

static void *map(void *ctx, uint64_t gpa, uint64_t len)
{
    const struct ram *r = ctx;
    uint64_t end = gpa + len;
    if (end < gpa || gpa < RAM_BASE || end > RAM_BASE + r->size)
        return NULL;
    if (gpa < HOLE_END && (end > HOLE_START || gpa >= HOLE_START))
        return NULL;
    /* A zero-length map still gets a pointer: bytes + size is one past. */
    return r->bytes + (gpa - RAM_BASE);
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* What virtq_pop promises of a chain it returns. */
static void check_chain(const struct virtq *q, const struct guest_ram *gram,
                        const struct virtq_chain *c)
{
    REQUIRE(c->head < q->size);
    REQUIRE(c->count >= 1 && c->count <= q->size);
    uint64_t readable = 0, writable = 0;
    for (unsigned k = 0; k < c->count; k++) {
        const struct virtq_buffer *b = &c->buf[k];
        REQUIRE(gram->map(gram->ctx, b->addr, b->len));
        REQUIRE(!b->device_writable || k + 1 == c->count || c->buf[k + 1].device_writable);
        if (b->device_writable)
            writable += b->len;
        else
            readable += b->len;
    }
    REQUIRE(readable == c->readable && writable == c->writable);
    REQUIRE(readable + writable <= 1ull << 32);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < CONTROL)
        return 0;
    struct ram r = {.size = size - CONTROL};
    r.bytes = malloc(r.size ? r.size : 1);
    REQUIRE(r.bytes);
    memcpy(r.bytes, data + CONTROL, r.size);
    const struct guest_ram gram = {map, &r};

    struct virtq q = {
        .size = (uint16_t)(1u << (data[0] % 8)),
        .ready = data[1] & 1,
        .last_avail = le16(data + 2),
        .used_idx = le16(data + 4),
        .desc = RAM_BASE + le16(data + 6),
        .driver = RAM_BASE + le16(data + 8),
        .device = RAM_BASE + le16(data + 10),
    };
    static uint8_t scratch[SCRATCH];
    static struct virtq_chain c;
    unsigned rounds = 1 + data[15] % 8;

    for (unsigned round = 0; round < rounds; round++) {
        struct virtq before = q;
        enum virtq_error e = virtq_pop(&q, &gram, &c);
        REQUIRE(virtq_error_name(e) != NULL);
        if (e != VIRTQ_OK) {
            /* An error leaves the queue as it was. */
            REQUIRE(q.last_avail == before.last_avail && q.used_idx == before.used_idx);
            break;
        }
        REQUIRE(q.last_avail == (uint16_t)(before.last_avail + 1));
        check_chain(&q, &gram, &c);

        uint64_t off = data[12];
        size_t got = virtq_read(&c, &gram, off, scratch, sizeof scratch);
        uint64_t left = c.readable > off ? c.readable - off : 0;
        REQUIRE(got == (left < SCRATCH ? left : SCRATCH));

        off = data[13];
        size_t len = c.writable < SCRATCH ? (size_t)c.writable : SCRATCH;
        REQUIRE(virtq_write(&c, &gram, 0, scratch, len) == VIRTQ_OK);
        e = virtq_write(&c, &gram, off, scratch, 1);
        REQUIRE(e == (c.writable == 0 ? VIRTQ_WRITE_TO_READ_ONLY
                      : off < c.writable ? VIRTQ_OK : VIRTQ_SHORT_BUFFER));

        REQUIRE(virtq_push(&q, &gram, c.head, (uint32_t)len) == VIRTQ_OK);
        REQUIRE(q.used_idx == (uint16_t)(before.used_idx + 1));
    }
    /* A push of any head: a bad one changes nothing. */
    uint16_t used = q.used_idx;
    enum virtq_error e = virtq_push(&q, &gram, data[14], 0);
    REQUIRE(q.used_idx == (uint16_t)(e == VIRTQ_OK ? used + 1 : used));
    free(r.bytes);
    return 0;
}
