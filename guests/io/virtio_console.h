/* SPDX-License-Identifier: MIT */
/** @file virtio_console.h
 *  A virtio-console driver ("Console Device"), output only: port 0's
 *  transmitq. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "virtio.h"

#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_CONSOLE_RECEIVEQ 0  /**< port 0, device to driver */
#define VIRTIO_CONSOLE_TRANSMITQ 1 /**< port 0, driver to device */

struct virtio_console {
    struct virtio_dev dev;
    struct virtq receiveq;
    struct virtq transmitq;
};

/** Sets the device at VIRTIO_CONSOLE_BASE up from scratch (reset included). */
enum virtio_error virtio_console_init(struct virtio_console *c);
/** Sends len bytes at GPA buf (at most VIRTQ_SIZE * CONSOLE_TX_CHUNK) with
 *  one notification and waits until the device has used them all. */
bool virtio_console_write(struct virtio_console *c, uint64_t buf, uint32_t len);
