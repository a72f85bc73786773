/** @file abi/guest_io.h
 *  The programs of chapter 4's guest, guests/io/ (guests/io/guest.h),
 *  chosen by the value in RDI at entry. */
#pragma once

enum guest_program {
    GUEST_NORMAL = 0,            /**< COM1 and virtio-console side by side, then virtio-blk */
    GUEST_HOSTILE_LOOP = 1,      /**< virtio-blk: a descriptor chain 0 -> 1 -> 0 */
    GUEST_HOSTILE_ADDRESS = 2,   /**< virtio-blk: a buffer at GPA 0xC0000000, outside RAM */
    GUEST_HOSTILE_LENGTH = 3,    /**< virtio-blk: addr + len wraps around 2^64 */
    GUEST_HOSTILE_INDEX = 4,     /**< virtio-blk: avail->idx 1000 ahead of the device */
    GUEST_HOSTILE_READ_ONLY = 5, /**< virtio-blk: a read into a device-read-only buffer */
    GUEST_BENCH = 6,             /**< time each kind of VM exit (entry.asm, bench.inc) */
};
