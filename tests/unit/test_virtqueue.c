// sources: chapters/04-io/virtqueue.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of the device side of a split virtqueue (chapter 4): a
 * good three-buffer request taken, read, written and returned; the
 * indexes wrapping at 65536 and the ring slots modulo the queue size; then
 * a table of hostile rings, one per error, each checked for the error and
 * for leaving the queue as it was. Guest RAM is 1 MiB of host memory at
 * GPA 1 MiB, with a 64 KiB hole in it. Virtio 1.x, "Split Virtqueues". */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "virtqueue.h"

#define N(array) (sizeof(array) / sizeof((array)[0]))

#define RAM_BASE 0x100000ull
#define RAM_SIZE 0x100000ull
#define HOLE_START 0x180000ull /* not RAM, as if a device's window */
#define HOLE_END 0x190000ull
/* A window of 8 GiB at 4 GiB that map() accepts when `huge` is set, for
 * lengths no host buffer holds. It is never read or written: only
 * virtq_pop() runs while it is on, and pop only checks buffers. */
#define HUGE_BASE 0x100000000ull
#define HUGE_SIZE 0x200000000ull

#define DESC 0x101000ull  /* where the rings go */
#define AVAIL 0x102000ull
#define USED 0x103000ull
#define BUF 0x110000ull   /* and the buffers */

static uint8_t *ram;
static bool huge;
static uint8_t never_touched;

static void *map(void *ctx, uint64_t gpa, uint64_t len)
{
    (void)ctx;
    uint64_t end = gpa + len;
    if (end < gpa)
        return NULL;
    if (huge && gpa >= HUGE_BASE && end <= HUGE_BASE + HUGE_SIZE)
        return &never_touched;
    if (gpa < RAM_BASE || end > RAM_BASE + RAM_SIZE)
        return NULL;
    if (gpa < HOLE_END && (end > HOLE_START || gpa >= HOLE_START))
        return NULL;
    return ram + (gpa - RAM_BASE);
}

static const struct guest_ram gram = {map, NULL};

/** Host pointer to guest RAM at gpa (the test's own view). */
static uint8_t *at(uint64_t gpa) { return ram + (gpa - RAM_BASE); }

static uint16_t get16(uint64_t gpa) { uint16_t v; memcpy(&v, at(gpa), 2); return v; }
static uint32_t get32(uint64_t gpa) { uint32_t v; memcpy(&v, at(gpa), 4); return v; }
static void put16(uint64_t gpa, uint16_t v) { memcpy(at(gpa), &v, 2); }

/* ---- the driver's side, as a guest would write it ---- */

static void set_desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
    uint8_t *d = at(DESC + 16ull * i);
    memcpy(d, &addr, 8);
    memcpy(d + 8, &len, 4);
    memcpy(d + 12, &flags, 2);
    memcpy(d + 14, &next, 2);
}

/** Makes chain head available: ring[idx % size] = head, then idx++. */
static void offer(const struct virtq *q, uint16_t head)
{
    uint16_t idx = get16(AVAIL + 2);
    put16(AVAIL + 4 + 2ull * (idx % q->size), head);
    put16(AVAIL + 2, (uint16_t)(idx + 1));
}

/** A fresh, ready queue of the given size over zeroed RAM. */
static struct virtq fresh(uint16_t size)
{
    memset(ram, 0, RAM_SIZE);
    huge = false;
    return (struct virtq){.size = size, .desc = DESC, .driver = AVAIL, .device = USED,
                          .ready = true};
}

static void used_elem(uint16_t slot, uint32_t *id, uint32_t *len)
{
    *id = get32(USED + 4 + 8ull * slot);
    *len = get32(USED + 8 + 8ull * slot);
}

/* ---- a good request ---- */

/* A virtio-blk read as Linux builds it: a 16-byte header the device reads,
 * 512 bytes of data and a status byte it writes. The chain runs 5 -> 2 ->
 * 7, so next is followed rather than assumed. */
static void good_chain(void)
{
    struct virtq q = fresh(8);
    set_desc(5, BUF, 16, VIRTQ_DESC_F_NEXT, 2);
    set_desc(2, BUF + 0x1000, 512, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 7);
    set_desc(7, BUF + 0x2000, 1, VIRTQ_DESC_F_WRITE, 0);
    for (int i = 0; i < 16; i++)
        at(BUF)[i] = (uint8_t)(0xA0 + i);
    offer(&q, 5);

    struct virtq_chain c;
    CHECK_EQ_U64(virtq_pop(&q, &gram, &c), VIRTQ_OK);
    CHECK_EQ_U64(q.last_avail, 1);
    CHECK_EQ_U64(c.head, 5);
    CHECK_EQ_U64(c.count, 3);
    CHECK_EQ_U64(c.readable, 16);
    CHECK_EQ_U64(c.writable, 513);
    CHECK_EQ_U64(c.buf[0].addr, BUF);
    CHECK_EQ_U64(c.buf[0].len, 16);
    CHECK(!c.buf[0].device_writable);
    CHECK_EQ_U64(c.buf[1].addr, BUF + 0x1000);
    CHECK_EQ_U64(c.buf[1].len, 512);
    CHECK(c.buf[1].device_writable);
    CHECK_EQ_U64(c.buf[2].addr, BUF + 0x2000);
    CHECK(c.buf[2].device_writable);

    /* Reading: the header, then part of it, then past its end. */
    uint8_t hdr[32] = {0};
    CHECK_EQ_U64(virtq_read(&c, &gram, 0, hdr, 16), 16);
    CHECK(memcmp(hdr, at(BUF), 16) == 0);
    CHECK_EQ_U64(virtq_read(&c, &gram, 4, hdr, sizeof hdr), 12);
    CHECK_EQ_U64(hdr[0], 0xA4);
    CHECK_EQ_U64(virtq_read(&c, &gram, 16, hdr, 1), 0);
    CHECK_EQ_U64(virtq_read(&c, &gram, UINT64_MAX, hdr, 1), 0);

    /* Writing: the data, then the status byte just after it. */
    uint8_t data[512];
    for (int i = 0; i < 512; i++)
        data[i] = (uint8_t)i;
    CHECK_EQ_U64(virtq_write(&c, &gram, 0, data, sizeof data), VIRTQ_OK);
    uint8_t status = 0x5A;
    CHECK_EQ_U64(virtq_write(&c, &gram, 512, &status, 1), VIRTQ_OK);
    CHECK(memcmp(at(BUF + 0x1000), data, 512) == 0);
    CHECK_EQ_U64(at(BUF + 0x2000)[0], 0x5A);
    CHECK_EQ_U64(at(BUF)[0], 0xA0); /* the header is untouched */

    /* Returning it: used->ring[0] = {5, 513}, then used->idx = 1. */
    CHECK_EQ_U64(virtq_push(&q, &gram, c.head, 513), VIRTQ_OK);
    uint32_t id, len;
    used_elem(0, &id, &len);
    CHECK_EQ_U64(id, 5);
    CHECK_EQ_U64(len, 513);
    CHECK_EQ_U64(get16(USED + 2), 1);
    CHECK_EQ_U64(q.used_idx, 1);
    CHECK_EQ_U64(virtq_pop(&q, &gram, &c), VIRTQ_EMPTY);
    CHECK_EQ_U64(q.last_avail, 1);
}

/* Two readable buffers read as one stretch, across the seam. */
static void read_across_buffers(void)
{
    struct virtq q = fresh(4);
    set_desc(0, BUF, 3, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, BUF + 0x100, 3, 0, 0);
    memcpy(at(BUF), "abc", 3);
    memcpy(at(BUF + 0x100), "def", 3);
    offer(&q, 0);
    struct virtq_chain c;
    CHECK_EQ_U64(virtq_pop(&q, &gram, &c), VIRTQ_OK);
    char got[8] = {0};
    CHECK_EQ_U64(virtq_read(&c, &gram, 1, got, sizeof got), 5);
    CHECK_STR(got, "bcdef");
}

/* The free-running indexes pass 65535 and wrap to 0; ring slots are the
 * index modulo size: 65534 % 4 = 2, 65535 % 4 = 3, 65536 % 4 = 0. */
static void wrap_around(void)
{
    struct virtq q = fresh(4);
    q.last_avail = q.used_idx = 65534;
    put16(AVAIL + 2, 65534);
    put16(USED + 2, 65534);
    for (uint16_t i = 1; i <= 3; i++) {
        set_desc(i, BUF + 0x100ull * i, 8, VIRTQ_DESC_F_WRITE, 0);
        offer(&q, i);
    }
    CHECK_EQ_U64(get16(AVAIL + 2), 1);
    CHECK_EQ_U64(get16(AVAIL + 4 + 2 * 2), 1);
    CHECK_EQ_U64(get16(AVAIL + 4 + 2 * 0), 3);

    static const uint16_t used_after[] = {65535, 0, 1};
    static const uint16_t slot[] = {2, 3, 0};
    for (uint16_t i = 1; i <= 3; i++) {
        struct virtq_chain c;
        CHECK_EQ_U64(virtq_pop(&q, &gram, &c), VIRTQ_OK);
        CHECK_EQ_U64(c.head, i);
        CHECK_EQ_U64(c.buf[0].addr, BUF + 0x100ull * i);
        CHECK_EQ_U64(virtq_push(&q, &gram, c.head, 10u * i), VIRTQ_OK);
        CHECK_EQ_U64(get16(USED + 2), used_after[i - 1]);
        uint32_t id, len;
        used_elem(slot[i - 1], &id, &len);
        CHECK_EQ_U64(id, i);
        CHECK_EQ_U64(len, 10u * i);
    }
    CHECK_EQ_U64(q.last_avail, 1);
    CHECK_EQ_U64(q.used_idx, 1);
    struct virtq_chain c;
    CHECK_EQ_U64(virtq_pop(&q, &gram, &c), VIRTQ_EMPTY);
}

/* A chain exactly as long as the queue is allowed (one more is a loop),
 * and so is a chain of exactly 2^32 bytes (one more byte is not). */
static void limits(void)
{
    struct virtq q = fresh(4);
    for (uint16_t i = 0; i < 4; i++)
        set_desc(i, BUF, 1, i < 3 ? VIRTQ_DESC_F_NEXT : 0, (uint16_t)(i + 1));
    offer(&q, 0);
    struct virtq_chain c;
    CHECK_EQ_U64(virtq_pop(&q, &gram, &c), VIRTQ_OK);
    CHECK_EQ_U64(c.count, 4);

    q = fresh(4);
    huge = true;
    set_desc(0, HUGE_BASE, 0xFFFFFFFF, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, HUGE_BASE, 1, VIRTQ_DESC_F_WRITE, 0);
    offer(&q, 0);
    CHECK_EQ_U64(virtq_pop(&q, &gram, &c), VIRTQ_OK);
    CHECK_EQ_U64(c.readable + c.writable, 1ull << 32);

    CHECK(virtq_size_valid(1));
    CHECK(virtq_size_valid(64));
    CHECK(!virtq_size_valid(0));
    CHECK(!virtq_size_valid(3));
    CHECK(!virtq_size_valid(128));
    CHECK(!virtq_size_valid(32768));
}

/* ---- hostile rings: one row per way to break the rules ---- */

/* Each setup gets a fresh 4-entry queue whose avail ring already offers
 * head 0, and breaks one thing. */
static void head_too_big(struct virtq *q) { (void)q; put16(AVAIL + 4, 4); }
static void next_too_big(struct virtq *q)
{
    (void)q;
    set_desc(0, BUF, 8, VIRTQ_DESC_F_NEXT, 9);
}
static void loop(struct virtq *q)
{
    (void)q;
    set_desc(0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, BUF, 8, VIRTQ_DESC_F_NEXT, 0);
}
static void self_loop(struct virtq *q) { (void)q; set_desc(0, BUF, 8, VIRTQ_DESC_F_NEXT, 0); }
static void avail_far_ahead(struct virtq *q) { put16(AVAIL + 2, (uint16_t)(q->last_avail + 1000)); }
static void avail_behind(struct virtq *q) { put16(AVAIL + 2, (uint16_t)(q->last_avail - 1)); }
static void buffer_in_hole(struct virtq *q) { (void)q; set_desc(0, HOLE_START + 0x10, 8, 0, 0); }
static void buffer_across_hole(struct virtq *q) { (void)q; set_desc(0, HOLE_START - 4, 8, 0, 0); }
static void buffer_below_ram(struct virtq *q) { (void)q; set_desc(0, 0x1000, 8, 0, 0); }
static void buffer_past_ram(struct virtq *q)
{
    (void)q;
    set_desc(0, RAM_BASE + RAM_SIZE - 4, 8, 0, 0);
}
static void addr_len_overflow(struct virtq *q)
{
    (void)q;
    set_desc(0, 0xFFFFFFFFFFFFF000ull, 0x2000, 0, 0);
}
static void chain_over_4g(struct virtq *q)
{
    (void)q;
    huge = true;
    set_desc(0, HUGE_BASE, 0xFFFFFFFF, VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, HUGE_BASE, 0xFFFFFFFF, VIRTQ_DESC_F_NEXT, 2);
    set_desc(2, HUGE_BASE, 2, 0, 0);
}
static void desc_in_hole(struct virtq *q) { q->desc = HOLE_START; }
/* A 4-entry avail ring is 14 bytes and a used ring 38 (used_event and
 * avail_event included); each of these ends one byte past RAM. */
static void avail_past_ram(struct virtq *q) { q->driver = RAM_BASE + RAM_SIZE - 13; }
static void used_past_ram(struct virtq *q) { q->device = RAM_BASE + RAM_SIZE - 37; }
static void used_outside_ram(struct virtq *q) { q->device = 0; }
static void indirect(struct virtq *q) { (void)q; set_desc(0, BUF, 32, VIRTQ_DESC_F_INDIRECT, 0); }
static void readable_after_writable(struct virtq *q)
{
    (void)q;
    set_desc(0, BUF, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, BUF + 8, 8, 0, 0);
}
static void readable_after_empty_writable(struct virtq *q)
{
    (void)q;
    set_desc(0, BUF, 0, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
    set_desc(1, BUF + 8, 8, 0, 0);
}
static void not_ready(struct virtq *q) { q->ready = false; }
static void size_not_power_of_2(struct virtq *q) { q->size = 3; }
static void size_too_big(struct virtq *q) { q->size = 128; }
static void nothing_offered(struct virtq *q) { put16(AVAIL + 2, q->last_avail); }

static const struct {
    const char *name;
    void (*setup)(struct virtq *q);
    enum virtq_error want;
} hostile[] = {
    {"head index >= size", head_too_big, VIRTQ_BAD_DESCRIPTOR_INDEX},
    {"next index >= size", next_too_big, VIRTQ_BAD_DESCRIPTOR_INDEX},
    {"loop 0->1->0", loop, VIRTQ_DESCRIPTOR_LOOP},
    {"loop 0->0", self_loop, VIRTQ_DESCRIPTOR_LOOP},
    {"avail idx 1000 ahead", avail_far_ahead, VIRTQ_BAD_AVAIL_INDEX},
    {"avail idx moved back", avail_behind, VIRTQ_BAD_AVAIL_INDEX},
    {"buffer in the hole", buffer_in_hole, VIRTQ_BAD_BUFFER_ADDRESS},
    {"buffer across the hole", buffer_across_hole, VIRTQ_BAD_BUFFER_ADDRESS},
    {"buffer below RAM", buffer_below_ram, VIRTQ_BAD_BUFFER_ADDRESS},
    {"buffer past RAM", buffer_past_ram, VIRTQ_BAD_BUFFER_ADDRESS},
    {"addr+len overflows", addr_len_overflow, VIRTQ_LENGTH_OVERFLOW},
    {"chain over 2^32 bytes", chain_over_4g, VIRTQ_LENGTH_OVERFLOW},
    {"descriptor table in the hole", desc_in_hole, VIRTQ_BAD_RING_ADDRESS},
    {"avail ring past RAM", avail_past_ram, VIRTQ_BAD_RING_ADDRESS},
    {"used ring past RAM", used_past_ram, VIRTQ_BAD_RING_ADDRESS},
    {"used ring outside RAM", used_outside_ram, VIRTQ_BAD_RING_ADDRESS},
    {"INDIRECT", indirect, VIRTQ_INDIRECT_NOT_NEGOTIATED},
    {"readable after writable", readable_after_writable, VIRTQ_READABLE_AFTER_WRITABLE},
    {"readable after empty writable", readable_after_empty_writable,
     VIRTQ_READABLE_AFTER_WRITABLE},
    {"not ready", not_ready, VIRTQ_NOT_READY},
    {"size 3", size_not_power_of_2, VIRTQ_NOT_READY},
    {"size 128", size_too_big, VIRTQ_NOT_READY},
    {"nothing offered", nothing_offered, VIRTQ_EMPTY},
};

/* Each row fails with its error, and fails again the same way: the queue
 * keeps last_avail, so the bad chain is not skipped, and nothing is
 * returned to the driver (the used ring is untouched). Indexes start at
 * 300, so a wrong ring slot (not modulo size) would show. */
static void hostile_rings(void)
{
    for (size_t i = 0; i < N(hostile); i++) {
        struct virtq q = fresh(4);
        q.last_avail = q.used_idx = 300;
        put16(AVAIL + 2, 300);
        set_desc(0, BUF, 8, 0, 0);
        offer(&q, 0);
        hostile[i].setup(&q);
        struct virtq before = q;
        struct virtq_chain c;
        for (int attempt = 0; attempt < 2; attempt++) {
            enum virtq_error e = virtq_pop(&q, &gram, &c);
            if (check_at(e == hostile[i].want, __FILE__, __LINE__, hostile[i].name))
                check_end(": got \"%s\", want \"%s\"\n", virtq_error_name(e),
                          virtq_error_name(hostile[i].want));
            if (check_at(q.last_avail == before.last_avail && q.used_idx == before.used_idx,
                         __FILE__, __LINE__, hostile[i].name))
                check_end(": queue state changed after the error\n");
        }
        CHECK_EQ_U64(get16(USED + 2), 0);
    }
}

/* push refuses what it cannot do, and changes nothing when it does. */
static void bad_push(void)
{
    struct virtq q = fresh(4);
    CHECK_EQ_U64(virtq_push(&q, &gram, 4, 1), VIRTQ_BAD_DESCRIPTOR_INDEX);
    q.device = HOLE_START - 8;
    CHECK_EQ_U64(virtq_push(&q, &gram, 0, 1), VIRTQ_BAD_RING_ADDRESS);
    q.device = USED;
    q.ready = false;
    CHECK_EQ_U64(virtq_push(&q, &gram, 0, 1), VIRTQ_NOT_READY);
    CHECK_EQ_U64(q.used_idx, 0);
    CHECK_EQ_U64(get16(USED + 2), 0);
}

/* A virtio-rng request is one buffer the device fills; without WRITE the
 * device has nowhere to write. A virtio-blk read whose data buffer lacks
 * WRITE leaves only the status byte writable: too short for the data. */
static void bad_writes(void)
{
    struct virtq q = fresh(4);
    struct virtq_chain c;
    uint8_t junk[512];
    memset(junk, 0xEE, sizeof junk);

    set_desc(0, BUF, 16, 0, 0);
    offer(&q, 0);
    CHECK_EQ_U64(virtq_pop(&q, &gram, &c), VIRTQ_OK);
    CHECK_EQ_U64(virtq_write(&c, &gram, 0, junk, 16), VIRTQ_WRITE_TO_READ_ONLY);
    CHECK_EQ_U64(at(BUF)[0], 0);
    CHECK_EQ_U64(virtq_write(&c, &gram, 0, junk, 0), VIRTQ_OK);

    set_desc(1, BUF, 16, VIRTQ_DESC_F_NEXT, 2);
    set_desc(2, BUF + 0x1000, 512, VIRTQ_DESC_F_NEXT, 3);
    set_desc(3, BUF + 0x2000, 1, VIRTQ_DESC_F_WRITE, 0);
    offer(&q, 1);
    CHECK_EQ_U64(virtq_pop(&q, &gram, &c), VIRTQ_OK);
    CHECK_EQ_U64(c.writable, 1);
    CHECK_EQ_U64(virtq_write(&c, &gram, 0, junk, 512), VIRTQ_SHORT_BUFFER);
    CHECK_EQ_U64(virtq_write(&c, &gram, 1, junk, 1), VIRTQ_SHORT_BUFFER);
    CHECK_EQ_U64(virtq_write(&c, &gram, UINT64_MAX, junk, 2), VIRTQ_SHORT_BUFFER);
    CHECK_EQ_U64(at(BUF + 0x1000)[0], 0);
    CHECK_EQ_U64(at(BUF + 0x2000)[0], 0);
    CHECK_EQ_U64(virtq_write(&c, &gram, 0, junk, 1), VIRTQ_OK);
    CHECK_EQ_U64(at(BUF + 0x2000)[0], 0xEE);
}

/* Every error has its own words. */
static void error_names(void)
{
    CHECK_STR(virtq_error_name(VIRTQ_DESCRIPTOR_LOOP),
              "descriptor loop: the chain is longer than the queue");
    for (int e = VIRTQ_OK; e <= VIRTQ_SHORT_BUFFER; e++) {
        const char *name = virtq_error_name((enum virtq_error)e);
        CHECK(strcmp(name, virtq_error_name((enum virtq_error)99)) != 0);
        for (int f = VIRTQ_OK; f < e; f++)
            CHECK(strcmp(name, virtq_error_name((enum virtq_error)f)) != 0);
    }
}

int main(void)
{
    ram = malloc(RAM_SIZE);
    if (!ram)
        return 2;
    good_chain();
    read_across_buffers();
    wrap_around();
    limits();
    hostile_rings();
    bad_push();
    bad_writes();
    error_names();
    free(ram);
    return CHECK_DONE("test_virtqueue");
}
