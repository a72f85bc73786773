/* SPDX-License-Identifier: MIT */
/** @file virtio.h
 *  The virtio-mmio transport (version 2) and split virtqueues, as a driver
 *  sees them: enough for virtio-console and virtio-blk. Section names are
 *  those of the virtio 1.x specification. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "abi/virtio_mmio.h"


/* "The Virtqueue Descriptor Table" */
struct virtq_desc {
    uint64_t addr; /**< guest-physical address of the buffer */
    uint32_t len;
    uint16_t flags;
    uint16_t next; /**< the next descriptor, if flags has VIRTQ_DESC_F_NEXT */
};
#define VIRTQ_DESC_F_NEXT 1  /**< the chain continues at next */
#define VIRTQ_DESC_F_WRITE 2 /**< the device writes this buffer (else it only reads it) */

/* "The Virtqueue Available Ring": the driver's side. */
struct virtq_avail {
    uint16_t flags;
    uint16_t idx;    /**< where the driver puts the next entry (mod the size) */
    uint16_t ring[]; /**< heads of descriptor chains; then used_event */
};
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1 /**< "we poll: no used buffer notifications" */

/* "The Virtqueue Used Ring": the device's side. */
struct virtq_used_elem {
    uint32_t id;  /**< head of the chain the device is done with */
    uint32_t len; /**< bytes the device wrote into it */
};
struct virtq_used {
    uint16_t flags;
    uint16_t idx; /**< where the device puts the next entry */
    struct virtq_used_elem ring[]; /**< then avail_event */
};

/** The queue size this driver asks for (QueueNum). */
#define VIRTQ_SIZE 16
#define PAGE_SIZE 4096
/** A virtqueue's memory: descriptor table, available ring and used ring,
 *  a page each. */
#define VIRTQ_BYTES (3 * PAGE_SIZE)

/** One split virtqueue: its three parts, each on a page of its own at a
 *  fixed GPA (guest.h), and what the driver has consumed of the used ring. */
struct virtq {
    uint16_t index; /**< the queue's number in its device */
    uint16_t size;
    volatile struct virtq_desc *desc;
    volatile struct virtq_avail *avail;
    volatile struct virtq_used *used;
    uint16_t last_used; /**< used->idx up to which the driver has looked */
};

/** One virtio-mmio device and the features agreed with it. */
struct virtio_dev {
    uintptr_t base;
    uint32_t device_id; /**< what the driver expects at base */
    uint64_t features;  /**< negotiated */
};

/** Why a device could not be set up; virtio_error_text() names each. */
enum virtio_error {
    VIRTIO_OK = 0,
    VIRTIO_BAD_MAGIC,
    VIRTIO_BAD_VERSION,
    VIRTIO_WRONG_DEVICE,
    VIRTIO_RESET_STUCK,
    VIRTIO_NO_VERSION_1,
    VIRTIO_FEATURES_REFUSED,
    VIRTIO_QUEUE_IN_USE,
    VIRTIO_QUEUE_TOO_SMALL,
};
const char *virtio_error_text(enum virtio_error e);

/** Resets the device (Status = 0) and waits until it reads back 0. */
enum virtio_error virtio_reset(struct virtio_dev *d);
/** The first steps of "Device Initialization": reset, check the device,
 *  ACKNOWLEDGE, DRIVER, agree on features (wanted & offered; VERSION_1 is
 *  required), FEATURES_OK. The caller then sets up its queues and calls
 *  virtio_driver_ok(). */
enum virtio_error virtio_begin_init(struct virtio_dev *d, uint64_t wanted);
/** "Virtqueue Configuration": queue index, on the three pages at gpa. */
enum virtio_error virtq_setup(struct virtio_dev *d, struct virtq *q, uint16_t index,
                              uintptr_t gpa);
/** The last step: DRIVER_OK. From here the device may use the queues. */
void virtio_driver_ok(struct virtio_dev *d);
/** Sets FAILED: the driver gives up on the device. */
void virtio_fail(struct virtio_dev *d);
/** The Status register. */
uint32_t virtio_status(struct virtio_dev *d);
/** InterruptStatus: bit 0 a used buffer, bit 1 a configuration change. */
uint32_t virtio_interrupt_status(struct virtio_dev *d);
/** InterruptACK: tells the device these interrupt reasons were handled. */
void virtio_interrupt_ack(struct virtio_dev *d, uint32_t reasons);
/** A 32-bit field of the device-specific configuration space. */
uint32_t virtio_config_read32(struct virtio_dev *d, uint32_t offset);
/** A 64-bit field, read as two 32-bit halves under ConfigGeneration. */
uint64_t virtio_config_read64(struct virtio_dev *d, uint32_t offset);

/** Fills descriptor i. */
void virtq_set_desc(struct virtq *q, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
                    uint16_t next);
/** Puts the chain starting at head in the available ring. */
void virtq_make_available(struct virtq *q, uint16_t head);
/** "Available Buffer Notifications": one write to QueueNotify, one VM exit. */
void virtq_notify(struct virtio_dev *d, struct virtq *q);
/** Takes the next used-ring entry; false if the device has not produced
 *  one (after a bounded wait). */
bool virtq_get_used(struct virtq *q, struct virtq_used_elem *out);
