/* SPDX-License-Identifier: MIT */
/** @file guest_memory.h
 *  Reading guest memory from the hypervisor, through both translations:
 *  the guest's own page tables (linear to guest-physical), then EPT
 *  (guest-physical to host-physical). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ept.h"

/** Sets the EPT hierarchy that defines guest-physical memory, and where
 *  guest RAM lies on the host (one block, holes left unmapped by EPT). */
void guest_memory_init(const struct ept *e, uint64_t ram_hpa, uint64_t ram_size);
/** Devices' view of guest RAM: a host pointer to [gpa, gpa + len) if all of
 *  it is guest RAM, else NULL. ctx is unused (the struct guest_ram form). */
void *guest_ram_map(void *ctx, uint64_t gpa, uint64_t len);
/** Translates a guest-physical address; false if EPT does not map it. */
bool guest_phys_to_host(uint64_t gpa, uint64_t *hpa);
/** Translates a guest linear address with the guest's paging (if on);
 *  false if the guest's page tables do not map it. */
bool guest_linear_to_phys(uint64_t linear, uint64_t *gpa);
/** Copies len bytes at guest linear address addr into buf; false if any
 *  byte is not mapped in both translations. */
bool guest_read(uint64_t addr, void *buf, size_t len);
/** Copies a NUL-terminated string of at most size-1 characters; false if
 *  it leaves guest memory or is not terminated in time. */
bool guest_read_string(uint64_t addr, char *buf, size_t size);
