/* SPDX-License-Identifier: MIT */
/** @file guest_memory.h
 *  Reading guest memory from the VMM. Guest RAM is this process's own
 *  memory (an mmap given to KVM), so a guest-physical address is an offset
 *  into it; a guest linear address is translated by KVM (KVM_TRANSLATE),
 *  which walks the guest's page tables for the vCPU that asked. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Where guest RAM lies in this process (one block, the hole unused). */
void guest_memory_init(uint8_t *ram, uint64_t ram_size);
/** The vCPU whose page tables guest_read() uses: the calling thread's. */
void guest_memory_set_vcpu(int vcpu_fd);
/** Devices' view of guest RAM: a host pointer to [gpa, gpa + len) if all of
 *  it is guest RAM, else NULL. ctx is unused (the struct guest_ram form). */
void *guest_ram_map(void *ctx, uint64_t gpa, uint64_t len);
/** Translates a guest linear address with the guest's paging (if on);
 *  false if the guest's page tables do not map it. */
bool guest_linear_to_phys(uint64_t linear, uint64_t *gpa);
/** Copies len bytes at guest linear address addr into buf; false if any
 *  byte is not mapped. */
bool guest_read(uint64_t addr, void *buf, size_t len);
/** Copies a NUL-terminated string of at most size-1 characters; false if
 *  it leaves guest memory or is not terminated in time. */
bool guest_read_string(uint64_t addr, char *buf, size_t size);
