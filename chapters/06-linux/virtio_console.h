/* SPDX-License-Identifier: MIT */
/** @file virtio_console.h
 *  virtio-console (device ID 3): the guest's output through a queue. */
#pragma once
#include "virtio_mmio.h"

/** The one console device, registered with mmio_register(). */
extern struct virtio_device virtio_console;
/** Prepares it; call before the guest runs. */
void virtio_console_init(void);
/** Bytes the guest has sent through the transmit queue. */
uint64_t virtio_console_bytes(void);
