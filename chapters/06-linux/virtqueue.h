/* SPDX-License-Identifier: MIT */
/** @file virtqueue.h
 *  The device side of a virtio split virtqueue: taking the requests a
 *  driver makes available, and giving them back as used. Everything in
 *  the rings is written by the guest, so it is untrusted: each index,
 *  address and length is checked before it is used, and each field is
 *  read once, into a local copy. Virtio 1.x, "Split Virtqueues". */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Guest RAM as a device sees it: map(ctx, gpa, len) returns a host pointer to
 *  [gpa, gpa+len) if all of it is guest RAM (contiguous on the host), else NULL
 *  (outside RAM, in a hole, len 0 is allowed and returns non-NULL for valid gpa,
 *  or gpa+len overflows). */
struct guest_ram {
    void *(*map)(void *ctx, uint64_t gpa, uint64_t len); /**< see above */
    void *ctx;                                           /**< map's first argument */
};

#define VIRTQ_DESC_F_NEXT 1     /**< the chain continues at next */
#define VIRTQ_DESC_F_WRITE 2    /**< device-writable (else device-readable) */
#define VIRTQ_DESC_F_INDIRECT 4 /**< a table of descriptors (not offered) */
#define VIRTQ_MAX_SIZE 64       /**< QueueNumMax the devices offer */

/** One queue's device-side state. */
struct virtq {
    uint16_t size;                 /**< QueueNum: power of 2, 1..VIRTQ_MAX_SIZE */
    uint64_t desc, driver, device; /**< GPAs: descriptor table, avail ring, used ring */
    bool ready;                    /**< QueueReady */
    uint16_t last_avail;           /**< next avail index the device will take */
    uint16_t used_idx;             /**< the device's used index */
};

/** One buffer of a chain, as validated: it lies in guest RAM. */
struct virtq_buffer {
    uint64_t addr;         /**< guest-physical */
    uint32_t len;          /**< bytes */
    bool device_writable;  /**< VIRTQ_DESC_F_WRITE was set */
};

/** One request, validated: its device-readable buffers, then its
 *  device-writable ones. */
struct virtq_chain {
    uint16_t head;                         /**< descriptor index, for virtq_push */
    unsigned count;                        /**< buffers in buf */
    struct virtq_buffer buf[VIRTQ_MAX_SIZE]; /**< in chain order */
    uint64_t readable, writable;           /**< total bytes of each kind */
};

/** What virtq_pop, virtq_push and virtq_write found. */
enum virtq_error {
    VIRTQ_OK,
    VIRTQ_EMPTY,                   /**< nothing is available */
    VIRTQ_NOT_READY,               /**< QueueReady is 0, or QueueNum is invalid */
    VIRTQ_BAD_RING_ADDRESS,        /**< a ring is not all in guest RAM */
    VIRTQ_BAD_AVAIL_INDEX,         /**< avail idx is more than size ahead */
    VIRTQ_BAD_DESCRIPTOR_INDEX,    /**< a head or next index is not below size */
    VIRTQ_DESCRIPTOR_LOOP,         /**< the chain is longer than the queue */
    VIRTQ_BAD_BUFFER_ADDRESS,      /**< a buffer is not all in guest RAM */
    VIRTQ_LENGTH_OVERFLOW,         /**< addr+len, or the chain's total, too big */
    VIRTQ_INDIRECT_NOT_NEGOTIATED, /**< VIRTQ_DESC_F_INDIRECT without the feature */
    VIRTQ_READABLE_AFTER_WRITABLE, /**< a device-readable buffer after a writable one */
    VIRTQ_WRITE_TO_READ_ONLY,      /**< the chain has no device-writable part */
    VIRTQ_SHORT_BUFFER,            /**< the device-writable part is too short */
};

/** The error in words, e.g. "descriptor loop: the chain is longer than the queue". */
const char *virtq_error_name(enum virtq_error e);

/** QueueNum is acceptable: a power of 2 from 1 to VIRTQ_MAX_SIZE. */
bool virtq_size_valid(uint16_t size);

/** Takes the next available chain, checking everything: the rings lie in guest RAM
 *  (desc: 16*size, avail: 6+2*size, used: 6+8*size bytes), avail->idx has not moved
 *  more than size ahead of last_avail (else VIRTQ_BAD_AVAIL_INDEX), every descriptor
 *  index < size, the chain has at most size descriptors (else VIRTQ_DESCRIPTOR_LOOP),
 *  each buffer lies in guest RAM (addr+len overflowing 64 bits: VIRTQ_LENGTH_OVERFLOW;
 *  outside RAM: VIRTQ_BAD_BUFFER_ADDRESS), totals do not overflow (the chain holds
 *  at most 2^32 bytes: VIRTQ_LENGTH_OVERFLOW), no INDIRECT flag, no device-readable
 *  buffer after a device-writable one. Ring entries are taken modulo size.
 *  VIRTQ_EMPTY if nothing is available.
 *  Only VIRTQ_OK advances last_avail and fills out. On any error the queue is left
 *  as it was, so the same chain fails again: the driver broke the rules, and the
 *  device should set DEVICE_NEEDS_RESET rather than guess. */
enum virtq_error virtq_pop(struct virtq *q, const struct guest_ram *ram, struct virtq_chain *out);

/** Returns a chain to the driver: used ring entry {head, written}, then used->idx.
 *  VIRTQ_NOT_READY, VIRTQ_BAD_RING_ADDRESS or VIRTQ_BAD_DESCRIPTOR_INDEX (head not
 *  below size) change nothing. */
enum virtq_error virtq_push(struct virtq *q, const struct guest_ram *ram, uint16_t head,
                            uint32_t written);

/** Copies up to len bytes of the chain's device-readable part, starting offset bytes
 *  into it, into dst; returns the count copied. */
size_t virtq_read(const struct virtq_chain *c, const struct guest_ram *ram, uint64_t offset,
                  void *dst, size_t len);

/** Copies len bytes into the chain's device-writable part at offset (offset counts
 *  only writable bytes). VIRTQ_WRITE_TO_READ_ONLY if the chain has no writable part
 *  where the device must write (e.g. a read request whose data buffer lacks
 *  VIRTQ_DESC_F_WRITE), VIRTQ_SHORT_BUFFER if the writable part is too short.
 *  Either way nothing is written; a zero-length write always succeeds. */
enum virtq_error virtq_write(const struct virtq_chain *c, const struct guest_ram *ram,
                             uint64_t offset, const void *src, size_t len);
