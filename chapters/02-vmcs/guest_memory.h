/* SPDX-License-Identifier: MIT */
/** @file guest_memory.h
 *  Reading and writing guest memory from the hypervisor. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Copies len bytes at guest address addr into buf; false if any byte lies
 *  outside guest memory. */
bool guest_read(uint64_t addr, void *buf, size_t len);
/** Copies a NUL-terminated string of at most size-1 characters; false if
 *  it leaves guest memory or is not terminated in time. */
bool guest_read_string(uint64_t addr, char *buf, size_t size);
