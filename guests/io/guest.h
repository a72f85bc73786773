/** @file guest.h
 *  What the chapter 4 guest and the hypervisor agree on: the programs the
 *  guest can run (chosen by RDI at entry) and where its devices are. The
 *  other side of this contract is chapters/04-io (the hypervisor's guest.h,
 *  its virtio-mmio devices and its COM1). Below that, the guest's own
 *  memory map: the hypervisor does not need it, it only reads what the
 *  rings point to. */
#pragma once

/** Programs, chosen by the value in RDI at entry (boot64_program); the
 *  hypervisor's scenarios name them the same way (chapters/04-io/guest.h). */
enum guest_program {
    GUEST_NORMAL = 0,            /**< COM1 and virtio-console side by side, then virtio-blk */
    GUEST_HOSTILE_LOOP = 1,      /**< virtio-blk: a descriptor chain 0 -> 1 -> 0 */
    GUEST_HOSTILE_ADDRESS = 2,   /**< virtio-blk: a buffer at GPA 0xC0000000, outside RAM */
    GUEST_HOSTILE_LENGTH = 3,    /**< virtio-blk: addr + len wraps around 2^64 */
    GUEST_HOSTILE_INDEX = 4,     /**< virtio-blk: avail->idx 1000 ahead of the device */
    GUEST_HOSTILE_READ_ONLY = 5, /**< virtio-blk: a read into a device-read-only buffer */
    GUEST_BENCH = 6,             /**< time each kind of VM exit (entry.asm, bench.inc) */
};

/* --- devices ------------------------------------------------------------ */

#define COM1_PORT 0x3F8                  /**< 16550 UART, port I/O */
#define VIRTIO_CONSOLE_BASE 0xFE010000ul /**< virtio-mmio, DeviceID 3 */
#define VIRTIO_BLK_BASE 0xFE011000ul     /**< virtio-mmio, DeviceID 2 */

/* --- the guest's memory map (guest-physical = virtual: identity paging) --
 *   0x07C00  this image (boot code, C code and data), below 0x10000
 *   0x10000  boot64.inc's page tables (6 pages)
 *   0x80000  top of the stack, growing down
 *   0x100000 the virtqueues, each part on a page of its own
 *   0x200000 the buffers the rings point to
 * Everything stays below 4 MiB, so the guest needs at least that much RAM. */

#define GUEST_STACK_TOP 0x80000ul
#define GUEST_RAM_NEEDED 0x400000ul

/** Each virtqueue takes three pages (virtio.h, VIRTQ_BYTES): descriptor
 *  table, driver area (available ring), device area (used ring). */
#define CONSOLE_RECEIVEQ_GPA 0x100000ul
#define CONSOLE_TRANSMITQ_GPA 0x104000ul
#define BLK_REQUESTQ_GPA 0x108000ul

#define TEXT_GPA 0x200000ul       /**< the 2048 bytes of text both paths send */
#define BLK_HEADER_GPA 0x210000ul /**< struct virtio_blk_req's header (16 bytes) */
#define BLK_STATUS_GPA 0x210100ul /**< its status byte */
#define BLK_DATA_GPA 0x211000ul   /**< one 512-byte sector, or the 20-byte ID */
