/* SPDX-License-Identifier: MIT */
/* Guest RAM is one block of host memory, 2 MiB-aligned so that EPT can map
 * it with large pages, at guest-physical 0. The guest sees only what EPT
 * maps: none of the hypervisor's memory is in its address space. */
#include "guest.h"
#include "guest_memory.h"
#include "kstring.h"
#include "page_alloc.h"
#include "printf.h"
#include "run_end.h"
#include "x86.h"

#define MIB (1ul << 20)
#define GUEST_RAM_MIN (2 * MIB)
#define GUEST_RAM_MAX (1024 * MIB)

struct guest_start guest_load(const struct boot_info *info, struct ept *e,
                              uint64_t ram_size)
{
    const char *name = GUEST_MODULE;
    const struct boot_module *m = boot_find_module(info, name);
    if (!m)
        m = boot_find_module(info, name = GUEST_MODULE_STAND_IN);
    if (!m)
        run_fail("no guest: the multiboot module %s is missing", GUEST_MODULE);
    uint64_t size = m->end - m->start;
    if (GUEST_LOAD_GPA + size > LEGACY_HOLE_START)
        run_fail("guest image of %lu bytes does not fit below 640 KiB", size);
    if (ram_size < GUEST_RAM_MIN || ram_size > GUEST_RAM_MAX || ram_size % PAGE_SIZE)
        run_fail("guest RAM of %lu bytes: it must be 2 MiB to 1 GiB, in whole pages",
                 ram_size);

    uint8_t *ram = page_alloc_aligned(ram_size / PAGE_SIZE, LARGE_PAGE_SIZE);
    uint64_t hpa = (uint64_t)(uintptr_t)ram;
    if (!ept_map(e, 0, hpa, LEGACY_HOLE_START, EPT_RWX) ||
        !ept_map(e, LEGACY_HOLE_END, hpa + LEGACY_HOLE_END, ram_size - LEGACY_HOLE_END,
                 EPT_RWX))
        run_fail("EPT: could not map guest RAM");
    memcpy(ram + GUEST_LOAD_GPA, (const void *)(uintptr_t)m->start, size);
    guest_memory_init(e, hpa, ram_size);

    kprintf("EPT: guest RAM %lu MiB at GPA 0 (host 0x%lx), hole at 0x%lx-0x%lx\n",
            ram_size / MIB, hpa, LEGACY_HOLE_START, LEGACY_HOLE_END - 1);
    kprintf("EPT: %lu pages of 4 KiB, %lu of 2 MiB, %lu of 1 GiB; %lu table pages\n",
            e->pages_4k, e->pages_2m, e->pages_1g, e->table_pages);
    kprintf("loader: %s, %lu bytes, at GPA 0x%lx\n", name, size, GUEST_LOAD_GPA);
    return (struct guest_start){.rip = GUEST_LOAD_GPA, .rsp = GUEST_LOAD_GPA};
}
