/** @file virtio_mmio.h
 *  The virtio-mmio transport (virtio 1.x, "Virtio Over MMIO", version 2):
 *  the register window through which a driver finds, negotiates with and
 *  configures a device, and rings its queues' doorbell. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "mmio.h"
#include "virtqueue.h"

/* "MMIO Device Register Layout" */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000
#define VIRTIO_MMIO_VERSION 0x004
#define VIRTIO_MMIO_DEVICE_ID 0x008
#define VIRTIO_MMIO_VENDOR_ID 0x00C
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034
#define VIRTIO_MMIO_QUEUE_NUM 0x038
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0A0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0A4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0FC
#define VIRTIO_MMIO_CONFIG 0x100
#define VIRTIO_MMIO_WINDOW 0x1000

#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt" */
#define VIRTIO_MMIO_TRANSPORT_VERSION 2
#define VIRTIO_VENDOR_STEPVISOR 0x56505453u /* "STPV" */

/* "Device Status Field" */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED 128u

/* "Reserved Feature Bits" */
#define VIRTIO_F_VERSION_1 (1ul << 32)

/* InterruptStatus bits */
#define VIRTIO_INTERRUPT_USED_BUFFER 1u
#define VIRTIO_INTERRUPT_CONFIG_CHANGE 2u

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
    uint32_t interrupt_status;
    uint64_t driver_features;
    struct virtq queue[VIRTIO_MAX_QUEUES];
};

/** Sets up d's transport; the device type fills in id, features, ops. */
void virtio_device_init(struct virtio_device *d, const char *name, uint64_t base);
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
