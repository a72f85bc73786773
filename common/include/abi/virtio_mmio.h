/* SPDX-License-Identifier: MIT */
/** @file abi/virtio_mmio.h
 *  The virtio-mmio transport's register map (virtio 1.x, "Virtio Over
 *  MMIO", version 2) and where stepvisor puts its devices: defined once for
 *  the devices (chapters/04-io/virtio_mmio.h) and the driver
 *  (guests/io/virtio.h). Registers are 32 bits wide. */
#pragma once

/* "MMIO Device Register Layout" */
#define VIRTIO_MMIO_MAGIC_VALUE 0x000 /**< "virt", little-endian */
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
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090 /**< the available ring */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0A0 /**< the used ring */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0A4
#define VIRTIO_MMIO_CONFIG_GENERATION 0x0FC
#define VIRTIO_MMIO_CONFIG 0x100 /**< device-specific configuration space */
#define VIRTIO_MMIO_WINDOW 0x1000

#define VIRTIO_MMIO_MAGIC 0x74726976u /* "virt" */
#define VIRTIO_MMIO_TRANSPORT_VERSION 2
#define VIRTIO_VENDOR_STEPVISOR 0x56505453u /* "STPV" */

/* "Device Status Field" */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u         /**< the guest found the device */
#define VIRTIO_STATUS_DRIVER 2u              /**< and has a driver for it */
#define VIRTIO_STATUS_DRIVER_OK 4u           /**< the driver is ready: the device is live */
#define VIRTIO_STATUS_FEATURES_OK 8u         /**< feature negotiation is over */
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u /**< an error the device cannot recover from */
#define VIRTIO_STATUS_FAILED 128u            /**< the driver gave up on the device */

/* "Reserved Feature Bits": a non-legacy device, little-endian rings. */
#define VIRTIO_F_VERSION_1 (1ull << 32)

/* InterruptStatus bits */
#define VIRTIO_INTERRUPT_USED_BUFFER 1u
#define VIRTIO_INTERRUPT_CONFIG_CHANGE 2u

/* stepvisor's devices: a virtio-mmio window each, outside guest RAM. */
#define VIRTIO_CONSOLE_BASE 0xFE010000ul /**< DeviceID 3 */
#define VIRTIO_BLK_BASE 0xFE011000ul     /**< DeviceID 2 */
