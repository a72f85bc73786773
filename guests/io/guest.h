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
    /* Attacks on the hypervisor itself (attack.c). */
    GUEST_ATTACK_MEASURE = 10,         /**< measure hypercalls with 2^63 bytes */
    GUEST_ATTACK_HLT_CLI = 11,         /**< CLI; HLT */
    GUEST_ATTACK_MSR_FLOOD = 12,       /**< RDMSR of an unknown MSR, forever */
    GUEST_ATTACK_DEADLINE = 13,        /**< exits just often enough for the watchdog */
    GUEST_ATTACK_CONSOLE_FLOOD = 14,   /**< one virtio-console buffer of all RAM */
    GUEST_ATTACK_PRINT_VERDICT = 15,   /**< guest text that looks like a verdict */
    GUEST_ATTACK_RING3_VMCALL = 16,    /**< a hypercall from ring 3 */
    GUEST_ATTACK_VMX = 17,             /**< VMXON, VMREAD, INVEPT, ... */
    GUEST_ATTACK_XSETBV = 18,          /**< XSETBV, valid and not */
    GUEST_ATTACK_INVD = 19,            /**< INVD */
    GUEST_ATTACK_CPUID = 20,           /**< what CPUID promises, tried */
    GUEST_ATTACK_CR0 = 21,             /**< CR0 bits 63:32, NW without CD */
    GUEST_ATTACK_CR8 = 22,             /**< CR8, valid and reserved bits */
    GUEST_ATTACK_COM1_WIDE = 23,       /**< 16-bit IN and OUT at COM1 */
    GUEST_ATTACK_MMIO_PAST_END = 24,   /**< an MMIO read past a device's end */
    GUEST_ATTACK_QUEUE_NUM = 25,       /**< QueueNum 0x10010 */
    GUEST_ATTACK_EVENT_DELIVERY = 26,  /**< an IDT on an MMIO page */
    GUEST_ATTACK_HOST_INTERRUPTS = 27, /**< interrupts enabled for a while */
    GUEST_ATTACK_HYPERCALL_ARGS = 28,  /**< hypercall arguments past memory and 2^64 */
    GUEST_ATTACK_MMIO_STRADDLE = 29,   /**< an MMIO read that starts in RAM */
    GUEST_ATTACK_MOV_SS = 30,          /**< a single step through MOV SS; CPUID */
    GUEST_ATTACK_LAST = 30,
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
