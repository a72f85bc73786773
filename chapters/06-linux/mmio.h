/* SPDX-License-Identifier: MIT */
/** @file mmio.h
 *  Memory-mapped devices: guest-physical ranges that EPT leaves unmapped,
 *  so that every access exits as an EPT violation and is emulated here. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "vcpu.h"

/** A device's register window and its handlers. Offsets are from base. */
struct mmio_device {
    const char *name;
    uint64_t base, size;
    bool quiet; /**< do not log each access (virtio: too many) */
    uint64_t (*read)(struct mmio_device *d, uint64_t offset, unsigned size);
    void (*write)(struct mmio_device *d, uint64_t offset, unsigned size, uint64_t value);
};

/** Adds a device; its window must not be guest RAM. */
void mmio_register(struct mmio_device *d);
/** The device whose window holds gpa, or NULL. */
struct mmio_device *mmio_find(uint64_t gpa);
/** Emulates the instruction at guest RIP that touched gpa of device d. */
enum exit_action mmio_emulate(struct vcpu *v, struct mmio_device *d, uint64_t gpa,
                              bool is_write);
