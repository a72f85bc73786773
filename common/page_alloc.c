/* SPDX-License-Identifier: MIT */
/* First-fit allocator of contiguous physical pages over a list of free
 * ranges. Pure logic: the host unit tests run it on made-up memory maps. */
#include "page_alloc.h"

#define PAGE 4096ul

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

static uint64_t align_down(uint64_t v, uint64_t a)
{
    return v & ~(a - 1);
}

static void add_free(struct page_allocator *a, uint64_t start, uint64_t end)
{
    if (start < end && a->count < PAGE_ALLOC_MAX_RANGES)
        a->free[a->count++] = (struct phys_range){start, end};
}

static void remove_index(struct page_allocator *a, size_t i)
{
    a->free[i] = a->free[--a->count];
}

/* Removes [start, end) from every free range, splitting where needed. */
static void carve(struct page_allocator *a, uint64_t start, uint64_t end)
{
    for (size_t i = 0; i < a->count;) {
        struct phys_range r = a->free[i];
        if (end <= r.start || start >= r.end) {
            i++;
            continue;
        }
        remove_index(a, i);
        add_free(a, r.start, align_down(start, PAGE));
        add_free(a, align_up(end, PAGE), r.end);
        /* The ranges just added sit at the end and are re-checked. */
    }
}

/* Keeps ranges sorted by address so that first fit is lowest fit and the
 * allocation order does not depend on the loader's map order. */
static void sort_ranges(struct page_allocator *a)
{
    for (size_t i = 1; i < a->count; i++)
        for (size_t j = i; j > 0 && a->free[j].start < a->free[j - 1].start; j--) {
            struct phys_range t = a->free[j];
            a->free[j] = a->free[j - 1];
            a->free[j - 1] = t;
        }
}

void page_allocator_init(struct page_allocator *a,
                         const struct phys_range *available, size_t n_available,
                         const struct phys_range *reserved, size_t n_reserved)
{
    a->count = 0;
    a->pages_allocated = 0;
    for (size_t i = 0; i < n_available; i++) {
        uint64_t s = available[i].start, e = available[i].end;
        s = s < PAGE_ALLOC_FLOOR ? PAGE_ALLOC_FLOOR : s;
        e = e > PAGE_ALLOC_CEILING ? PAGE_ALLOC_CEILING : e;
        add_free(a, align_up(s, PAGE), align_down(e, PAGE));
    }
    /* Firmware maps may overlap or split one run of RAM in two: merge, so
     * no page is counted twice and runs may cross the old boundaries. */
    sort_ranges(a);
    size_t merged = 0;
    for (size_t i = 0; i < a->count; i++) {
        if (merged && a->free[i].start <= a->free[merged - 1].end) {
            if (a->free[i].end > a->free[merged - 1].end)
                a->free[merged - 1].end = a->free[i].end;
        } else {
            a->free[merged++] = a->free[i];
        }
    }
    a->count = merged;
    for (size_t i = 0; i < n_reserved; i++)
        carve(a, reserved[i].start, reserved[i].end);
    sort_ranges(a);
}

uint64_t page_allocator_alloc(struct page_allocator *a, uint64_t pages,
                              uint64_t align)
{
    if (pages == 0 || pages > UINT64_MAX / PAGE || align < PAGE || (align & (align - 1)))
        return 0;
    uint64_t size = pages * PAGE;
    for (size_t i = 0; i < a->count; i++) {
        struct phys_range r = a->free[i];
        uint64_t at = align_up(r.start, align);
        if (at < r.start || at > r.end || r.end - at < size)
            continue;
        a->free[i].start = at + size;
        /* The pages skipped for alignment stay free for smaller requests. */
        if (at > r.start)
            add_free(a, r.start, at);
        if (a->free[i].start == a->free[i].end)
            remove_index(a, i);
        sort_ranges(a);
        a->pages_allocated += pages;
        return at;
    }
    return 0;
}

uint64_t page_allocator_free_bytes(const struct page_allocator *a)
{
    uint64_t total = 0;
    for (size_t i = 0; i < a->count; i++)
        total += a->free[i].end - a->free[i].start;
    return total;
}
