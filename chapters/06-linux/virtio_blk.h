/* SPDX-License-Identifier: MIT */
/** @file virtio_blk.h
 *  virtio-blk (device ID 2): a disk backed by a multiboot module. */
#pragma once
#include <stdint.h>
#include "virtio_mmio.h"

#define VIRTIO_BLK_SECTOR_SIZE 512

/** The one block device, registered with mmio_register(). */
extern struct virtio_device virtio_blk;
/** Prepares it over the disk image at [disk, disk + size) in host memory. */
void virtio_blk_init(uint8_t *disk, uint64_t size);
