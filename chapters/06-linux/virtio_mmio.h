/* SPDX-License-Identifier: MIT */
/** @file virtio_mmio.h
 *  The virtio-mmio transport (virtio 1.x, "Virtio Over MMIO", version 2):
 *  the register window through which a driver finds, negotiates with and
 *  configures a device, and rings its queues' doorbell. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "abi/virtio_mmio.h"
#include "mmio.h"
#include "virtqueue.h"

#define VIRTIO_MAX_QUEUES 2

struct virtio_device;

/** What a device type adds to the transport. */
struct virtio_device_ops {
    /** The driver rang queue's doorbell: process what it made available. */
    void (*notify)(struct virtio_device *d, unsigned queue);
    /** A read of the device-specific configuration space. */
    uint64_t (*config_read)(struct virtio_device *d, uint64_t offset, unsigned size);
};

/** One virtio-mmio device: transport state and its queues. */
struct virtio_device {
    struct mmio_device mmio; /**< first: the MMIO path hands us this */
    uint32_t device_id;
    uint64_t offered;        /**< device feature bits */
    unsigned queue_count;
    const struct virtio_device_ops *ops;
    /* Transport registers, as the driver last wrote them. */
    uint32_t status, device_features_sel, driver_features_sel, queue_sel;
    uint32_t interrupt_status; /**< the IRQ line is up while it is not 0 */
    unsigned irq;              /**< its ISA interrupt line (pc.h) */
    uint64_t driver_features;
    struct virtq queue[VIRTIO_MAX_QUEUES];
};

/** Sets up d's transport on interrupt line irq; the device type fills in
 *  id, features, ops. */
void virtio_device_init(struct virtio_device *d, const char *name, uint64_t base,
                        unsigned irq);
/** Serves one request chain; *written: the bytes it put into the chain.
 *  Anything but VIRTQ_OK means the chain is unusable. */
typedef enum virtq_error (*virtio_request_fn)(const struct virtq_chain *c, uint32_t *written);
/** Serves every chain the driver made available on queue, returning each
 *  through the used ring; a bad ring or chain ends in virtio_device_fail(). */
void virtio_process_queue(struct virtio_device *d, unsigned queue, virtio_request_fn serve);
/** The device found the driver's queue unusable: report why, set
 *  DEVICE_NEEDS_RESET, and ignore the device's queues until a reset. */
void virtio_device_fail(struct virtio_device *d, unsigned queue, enum virtq_error e);
/** Guest RAM as every device reads and writes it. */
extern const struct guest_ram virtio_guest_ram;
