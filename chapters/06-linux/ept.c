/* SPDX-License-Identifier: MIT */
/* Building EPT: a 4-level radix tree like ordinary x86-64 paging, indexed
 * by guest-physical address. A leaf can sit at level 3 (1 GiB), level 2
 * (2 MiB) or level 1 (4 KiB); larger leaves mean fewer table pages and
 * fewer TLB misses. Pure logic on top of page_alloc(), so the host unit
 * tests build real hierarchies. */
#include "ept.h"
#include "page_alloc.h"
#include "x86.h"

/* The address bits below a level's index: 12 at level 1, 21 at level 2. */
static unsigned level_shift(int level)
{
    return PAGE_SHIFT + PAGE_TABLE_INDEX_BITS * (unsigned)(level - 1);
}

static uint64_t level_size(int level)
{
    return 1ull << level_shift(level);
}

static unsigned level_index(uint64_t gpa, int level)
{
    return (gpa >> level_shift(level)) & PAGE_TABLE_INDEX_MASK;
}

static uint64_t *table_at(uint64_t entry)
{
    return (uint64_t *)(uintptr_t)(entry & EPT_ADDRESS_MASK);
}

void ept_init(struct ept *e, bool use_2m, bool use_1g)
{
    *e = (struct ept){.pml4 = page_alloc(1), .use_2m = use_2m, .use_1g = use_1g,
                      .table_pages = 1};
}

/* Largest leaf level (3, 2 or 1) that fits at this spot. */
static int leaf_level(const struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t left)
{
    for (int level = 3; level > 1; level--) {
        uint64_t size = level_size(level);
        bool offered = level == 3 ? e->use_1g : e->use_2m;
        if (offered && left >= size && (gpa % size) == 0 && (hpa % size) == 0)
            return level;
    }
    return 1;
}

static bool map_one(struct ept *e, uint64_t gpa, uint64_t hpa, int leaf, uint64_t perms)
{
    /* LAB ept-build (35 points): walk from the PML4 down to level LEAF,
     * allocating each missing table (a non-leaf entry grants RWX), then
     * write the leaf: HPA, PERMS, memory type write-back, and the
     * large-page bit above level 1. Refuse (return false) to map over an
     * existing mapping, and count the page in e->pages_1g/_2m/_4k.
     * Graded by: test_ch03_ept.py::test_real_mode_to_long_mode_with_memory_and_mmio,
     *   test_ch03_ept.py::test_smaller_guest_ram_from_the_command_line
     * Student stub:
     *     (void)e;
     *     (void)gpa;
     *     (void)hpa;
     *     (void)leaf;
     *     (void)perms;
     *     (void)level_index;
     *     (void)table_at;
     *     run_fail("lab ept-build is not done yet");
     */
    uint64_t *table = e->pml4;
    for (int level = EPT_LEVELS; level > leaf; level--) {
        uint64_t *entry = &table[level_index(gpa, level)];
        if (!(*entry & EPT_RWX)) {
            /* Non-leaf entries grant everything; the leaf decides. */
            *entry = (uint64_t)(uintptr_t)page_alloc(1) | EPT_RWX;
            e->table_pages++;
        } else if (*entry & EPT_LARGE_PAGE) {
            return false; /* already mapped by a larger page */
        }
        table = table_at(*entry);
    }
    uint64_t *entry = &table[level_index(gpa, leaf)];
    if (*entry & EPT_RWX)
        return false;
    *entry = hpa | perms | (EPTP_MEMORY_TYPE_WB << EPT_MEMORY_TYPE_SHIFT) |
             (leaf > 1 ? EPT_LARGE_PAGE : 0);
    if (leaf == 3)
        e->pages_1g++;
    else if (leaf == 2)
        e->pages_2m++;
    else
        e->pages_4k++;
    return true;
    /* END LAB ept-build */
}

bool ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size, uint64_t perms)
{
    while (size) {
        int leaf = leaf_level(e, gpa, hpa, size);
        if (!map_one(e, gpa, hpa, leaf, perms))
            return false;
        gpa += level_size(leaf);
        hpa += level_size(leaf);
        size -= level_size(leaf);
    }
    return true;
}

bool ept_translate(const struct ept *e, uint64_t gpa, uint64_t *hpa)
{
    /* LAB ept-walk (25 points): translate GPA as the CPU does: from the
     * PML4 down, stop at a not-present entry (false) or at a leaf (level 1,
     * or the large-page bit), and add GPA's offset within the leaf's page.
     * Graded by: test_ch03_ept.py::test_real_mode_to_long_mode_with_memory_and_mmio
     * Student stub:
     *     (void)e;
     *     (void)gpa;
     *     (void)hpa;
     *     (void)level_index;
     *     (void)table_at;
     *     run_fail("lab ept-walk is not done yet");
     */
    const uint64_t *table = e->pml4;
    for (int level = EPT_LEVELS; level >= 1; level--) {
        uint64_t entry = table[level_index(gpa, level)];
        if (!(entry & EPT_RWX))
            return false;
        if (level == 1 || (entry & EPT_LARGE_PAGE)) {
            uint64_t offset = gpa & (level_size(level) - 1);
            *hpa = (entry & EPT_ADDRESS_MASK & ~(level_size(level) - 1)) + offset;
            return true;
        }
        table = table_at(entry);
    }
    return false;
    /* END LAB ept-walk */
}

uint64_t ept_pointer(const struct ept *e, bool accessed_dirty)
{
    return (uint64_t)(uintptr_t)e->pml4 | EPTP_MEMORY_TYPE_WB |
           ((EPT_LEVELS - 1ull) << EPTP_WALK_LENGTH_SHIFT) |
           (accessed_dirty ? EPTP_ACCESSED_DIRTY : 0);
}
