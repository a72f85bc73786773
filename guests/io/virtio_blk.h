/* SPDX-License-Identifier: MIT */
/** @file virtio_blk.h
 *  A virtio-blk driver ("Block Device"): one request queue, one request in
 *  flight, buffers at fixed GPAs (guest.h). */
#pragma once
#include <stdint.h>
#include "virtio.h"

#define VIRTIO_ID_BLOCK 2
#define VIRTIO_BLK_F_FLUSH (1ull << 9) /**< the device takes VIRTIO_BLK_T_FLUSH */

/* "Device Operation": request types and status values. */
#define VIRTIO_BLK_T_IN 0     /**< read sectors */
#define VIRTIO_BLK_T_OUT 1    /**< write sectors */
#define VIRTIO_BLK_T_FLUSH 4  /**< write back the device's cache */
#define VIRTIO_BLK_T_GET_ID 8 /**< the device ID string */
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_SECTOR_SIZE 512
#define VIRTIO_BLK_ID_BYTES 20 /**< NUL-padded, no NUL if it is 20 long */
#define VIRTIO_BLK_CONFIG_CAPACITY 0x00 /**< le64, in 512-byte sectors */

/** The device-readable head of struct virtio_blk_req; the data and the
 *  device-writable status byte follow in descriptors of their own. */
struct virtio_blk_req_header {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};

/** Request queue: the only queue, number 0. */
#define VIRTIO_BLK_REQUESTQ 0
/** The descriptors of the one request in flight. */
#define VIRTIO_BLK_DESC_HEADER 0
#define VIRTIO_BLK_DESC_DATA 1
#define VIRTIO_BLK_DESC_STATUS 2
/** What virtio_blk_request() returns when the device never answered. */
#define VIRTIO_BLK_NO_ANSWER (-1)

struct virtio_blk {
    struct virtio_dev dev;
    struct virtq requestq;
    uint64_t capacity; /**< in 512-byte sectors */
};

/** Sets the device at VIRTIO_BLK_BASE up from scratch (reset included). */
enum virtio_error virtio_blk_init(struct virtio_blk *blk);
/** Writes the request header (type, sector) to BLK_HEADER_GPA and sets the
 *  status byte to a value no device writes, so that an untouched status
 *  shows. */
void virtio_blk_prepare(uint32_t type, uint64_t sector);
/** One request: header, then len bytes at data (none if len is 0), then
 *  the status byte; posted, notified, and waited for. Returns the status
 *  byte, or VIRTIO_BLK_NO_ANSWER. */
int virtio_blk_request(struct virtio_blk *blk, uint32_t type, uint64_t sector, uint64_t data,
                       uint32_t len);
