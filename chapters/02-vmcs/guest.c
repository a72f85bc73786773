/* SPDX-License-Identifier: MIT */
/* The guest is a flat binary that travels as a multiboot module. It is
 * position-independent, so any page-aligned copy of it runs. */
#include "guest.h"
#include "kstring.h"
#include "page_alloc.h"
#include "printf.h"
#include "run_end.h"
#include "x86.h"

#define GUEST_STACK_PAGES 4

struct guest_start guest_load(const struct boot_info *info)
{
    const struct boot_module *m = boot_find_module(info, GUEST_MODULE);
    if (!m)
        run_fail("no guest: the multiboot module %s is missing", GUEST_MODULE);
    uint64_t size = m->end - m->start;
    uint64_t pages = (size + PAGE_SIZE - 1) / PAGE_SIZE;
    uint8_t *image = page_alloc(pages);
    memcpy(image, (const void *)(uintptr_t)m->start, size);
    uint8_t *stack = page_alloc(GUEST_STACK_PAGES);

    struct guest_start start = {
        .rip = (uint64_t)(uintptr_t)image,
        .rsp = (uint64_t)(uintptr_t)(stack + GUEST_STACK_PAGES * PAGE_SIZE),
        .tss_base = (uint64_t)(uintptr_t)page_alloc(1),
    };
    kprintf("loader: %s, %lu bytes, at 0x%lx; stack top 0x%lx\n", GUEST_MODULE, size,
            start.rip, start.rsp);
    return start;
}
