/* SPDX-License-Identifier: MIT */
/* The hypervisor's one page allocator, and the zeroing wrappers around it. */
#include "kstring.h"
#include "page_alloc.h"
#include "panic.h"

static struct page_allocator allocator;

void memory_init(const struct boot_info *info)
{
    page_allocator_init(&allocator, info->available, info->available_count,
                        info->reserved, info->reserved_count);
}

void *page_alloc_aligned(uint64_t pages, uint64_t align)
{
    uint64_t phys = page_allocator_alloc(&allocator, pages, align);
    if (!phys)
        panic("out of physical memory: wanted %lu pages aligned to 0x%lx, "
              "%lu KiB free in all",
              pages, align, page_allocator_free_bytes(&allocator) >> 10);
    void *p = (void *)(uintptr_t)phys; /* identity-mapped */
    memset(p, 0, pages * 4096);
    return p;
}

void *page_alloc(uint64_t pages)
{
    return page_alloc_aligned(pages, 4096);
}

uint64_t pages_allocated(void)
{
    return allocator.pages_allocated;
}
