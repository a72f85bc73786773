/* SPDX-License-Identifier: MIT */
/** @file guest.h
 *  The chapter 4 guest's machine. What it and the hypervisor agree on, the
 *  programs (chosen by RDI at entry) and where the virtio devices are, is
 *  defined once in common/include/abi/ for both sides; COM1 is where a PC
 *  has it. Below that, the guest's own memory map: the hypervisor does not
 *  need it, it only reads what the rings point to. */
#pragma once
#include "abi/guest_io.h"    /* the programs */
#include "abi/virtio_mmio.h" /* the virtio-mmio registers, and where the devices are */

/* --- devices ------------------------------------------------------------ */

#define COM1_PORT 0x3F8                  /**< 16550 UART, port I/O */

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
