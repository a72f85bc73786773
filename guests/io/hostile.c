/* SPDX-License-Identifier: MIT */
/* Hostile rings: what a buggy or malicious driver can hand a device. The
 * rings live in guest memory, so the device (the hypervisor) must check
 * everything it reads there; the virtio answer to a ring it cannot make
 * sense of is DEVICE_NEEDS_RESET in Status ("Device Status Field"), after
 * which the driver resets the device and starts over. Each case is a row:
 * a virtio-blk read of sector 1 with one thing wrong in it. */
#include <stdbool.h>
#include "guest.h"
#include "hypercall.h"
#include "programs.h"
#include "virtio_blk.h"

#define N(array) (sizeof(array) / sizeof((array)[0]))

/** One hostile request: the data descriptor of a read, and how far
 *  avail->idx moves. */
struct hostile_case {
    const char *what; /**< printed before the request goes out */
    uint64_t data_addr;
    uint32_t data_len;
    uint16_t data_flags;    /**< besides VIRTQ_DESC_F_NEXT */
    uint16_t data_next;     /**< the status descriptor, or back to the header */
    uint16_t avail_advance; /**< 1 for one request */
};

#define SECTOR VIRTIO_BLK_SECTOR_SIZE
#define WRITE VIRTQ_DESC_F_WRITE
#define TO_STATUS VIRTIO_BLK_DESC_STATUS

static const struct hostile_case cases[] = {
    /* Both descriptors device-readable, so that walking the chain meets
     * nothing wrong but the loop: the header again after a writable buffer
     * would break "Message Framing" (writable buffers come last) first. */
    [GUEST_HOSTILE_LOOP] = {"hostile request: a descriptor loop, 0 -> 1 -> 0 -> ...",
                            BLK_DATA_GPA, SECTOR, 0, VIRTIO_BLK_DESC_HEADER, 1},
    [GUEST_HOSTILE_ADDRESS] = {"hostile request: a buffer at GPA 0xC0000000, outside guest RAM",
                               0xC0000000ul, SECTOR, WRITE, TO_STATUS, 1},
    [GUEST_HOSTILE_LENGTH] = {"hostile request: 0x2000 bytes at 0xFFFFFFFFFFFFF000, past 2^64",
                              0xFFFFFFFFFFFFF000ul, 0x2000, WRITE, TO_STATUS, 1},
    [GUEST_HOSTILE_INDEX] = {"hostile request: avail->idx 1000 ahead, in a ring of 16",
                             BLK_DATA_GPA, SECTOR, WRITE, TO_STATUS, 1000},
    [GUEST_HOSTILE_READ_ONLY] = {"hostile request: a read into a buffer without VIRTQ_DESC_F_WRITE",
                                 BLK_DATA_GPA, SECTOR, 0, TO_STATUS, 1},
};

/* Builds the request as virtio_blk_request() would, but from the row, and
 * notifies without waiting for an answer: there should be none. */
static void post(struct virtio_blk *blk, const struct hostile_case *c)
{
    struct virtq *q = &blk->requestq;
    virtio_blk_prepare(VIRTIO_BLK_T_IN, 1);
    virtq_set_desc(q, VIRTIO_BLK_DESC_HEADER, BLK_HEADER_GPA,
                   sizeof(struct virtio_blk_req_header), VIRTQ_DESC_F_NEXT, VIRTIO_BLK_DESC_DATA);
    virtq_set_desc(q, VIRTIO_BLK_DESC_DATA, c->data_addr, c->data_len,
                   c->data_flags | VIRTQ_DESC_F_NEXT, c->data_next);
    virtq_set_desc(q, VIRTIO_BLK_DESC_STATUS, BLK_STATUS_GPA, 1, VIRTQ_DESC_F_WRITE, 0);
    virtq_make_available(q, VIRTIO_BLK_DESC_HEADER);
    /* One real entry; a further advance claims entries that were never
     * written, more than the ring can even hold. */
    q->avail->idx = (uint16_t)(q->avail->idx + c->avail_advance - 1);
    virtq_notify(&blk->dev, q);
}

int program_hostile(uint32_t program)
{
    if (program >= N(cases) || !cases[program].what)
        return FAIL_UNKNOWN_PROGRAM;
    const struct hostile_case *c = &cases[program];
    struct virtio_blk blk;
    int r = blk_init_or_fail(&blk);
    if (r)
        return r;

    hc_puts(c->what);
    post(&blk, c);
    uint32_t status = virtio_status(&blk.dev);
    hc_report("status after the hostile request", status);
    bool noticed = status & VIRTIO_STATUS_DEVICE_NEEDS_RESET;

    /* Recover as the driver of a device that needs a reset must: reset it,
     * then initialize it again from the start. */
    if (virtio_reset(&blk.dev) != VIRTIO_OK || blk_init_or_fail(&blk))
        return fail(FAIL_HOSTILE_REINIT, "virtio-blk did not come back after a reset");
    r = blk_read_sector_1(&blk);
    hc_report("device works again after reset", r == 0);
    if (r)
        return fail(FAIL_HOSTILE_READ, "virtio-blk: no sector 1 after the reset");
    if (!noticed)
        return fail(FAIL_HOSTILE_UNNOTICED, "virtio-blk did not set DEVICE_NEEDS_RESET");
    return 0;
}
