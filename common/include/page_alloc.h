/* SPDX-License-Identifier: MIT */
/** @file page_alloc.h
 *  A physical page allocator over the multiboot memory map. It hands out
 *  runs of contiguous 4 KiB pages at a requested alignment (EPT large pages
 *  need 2 MiB-aligned runs) and never frees: a teaching hypervisor sets up
 *  once and runs. The core is pure logic; page_alloc() zeroes through the
 *  identity map. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "multiboot.h"

#define PAGE_ALLOC_MAX_RANGES 64
/** Memory below 1 MiB holds the BIOS's structures: never hand it out. */
#define PAGE_ALLOC_FLOOR 0x100000ul
/** Only the low 4 GiB is identity-mapped by boot. */
#define PAGE_ALLOC_CEILING 0x100000000ul

struct page_allocator {
    struct phys_range free[PAGE_ALLOC_MAX_RANGES];
    size_t count;
    uint64_t pages_allocated;
};

/** Free memory = available minus reserved, clipped to [floor, ceiling)
 *  and trimmed to whole pages. */
void page_allocator_init(struct page_allocator *a,
                         const struct phys_range *available, size_t n_available,
                         const struct phys_range *reserved, size_t n_reserved);

/** First fit: the lowest free run of pages at the alignment; 0 if none.
 *  Pages skipped to reach the alignment stay free, unless all
 *  PAGE_ALLOC_MAX_RANGES slots are in use: then they are lost. */
uint64_t page_allocator_alloc(struct page_allocator *a, uint64_t pages,
                              uint64_t align);

/** Total free bytes left. */
uint64_t page_allocator_free_bytes(const struct page_allocator *a);

/** The hypervisor's allocator, built from the boot information. */
void memory_init(const struct boot_info *info);
/** Zeroed, page-aligned pages; panics, naming the request, when out of memory. */
void *page_alloc(uint64_t pages);
void *page_alloc_aligned(uint64_t pages, uint64_t align);
/** Pages handed out so far. */
uint64_t pages_allocated(void);
