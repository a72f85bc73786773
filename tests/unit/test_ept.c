// sources: chapters/03-ept/ept.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of EPT construction (chapter 3): how many leaves of each
 * size and how many table pages a guest's memory costs, with and without
 * large pages; the format of every entry, found by walking the built tree
 * independently of ept.c; ept_translate() against the mapping it was built
 * from; refusing to map a guest-physical address twice; the EPTP. Intel SDM
 * Vol. 3C, "EPT Translation Mechanism" and "Extended-Page-Table Pointer".
 *
 * ept.c takes a table's address as its physical address (the hypervisor
 * identity-maps memory), so the page_alloc() below hands out real host
 * pages; host pointers are below 2^47 and fit an entry's address field.
 * Host-physical addresses of guest memory are only numbers here: nothing
 * ever touches them. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "ept.h"
#include "page_alloc.h"

#define KiB 0x400ull
#define MiB 0x100000ull
#define GiB 0x40000000ull
#define PAGE (4 * KiB)

#define N(array) (sizeof(array) / sizeof((array)[0]))

/* PC legacy hole, as chapters/03-ept/guest.c leaves it unmapped. */
#define HOLE_START 0xA0000ull
#define HOLE_END 0x100000ull

/* ---- page_alloc(), counting, and freeing what it gave ---- */

static void **allocated;
static size_t alloc_count, alloc_cap;
static uint64_t alloc_pages;

void *page_alloc(uint64_t pages)
{
    void *p = aligned_alloc(PAGE, pages * PAGE);
    if (!p) {
        printf("page_alloc(%llu): out of host memory\n", (unsigned long long)pages);
        exit(2);
    }
    memset(p, 0, pages * PAGE);
    if (alloc_count == alloc_cap) {
        alloc_cap = alloc_cap ? 2 * alloc_cap : 64;
        allocated = realloc(allocated, alloc_cap * sizeof *allocated);
        if (!allocated)
            exit(2);
    }
    allocated[alloc_count++] = p;
    alloc_pages += pages;
    return p;
}

/** Frees every table page and resets the counts, between cases. */
static void release(void)
{
    for (size_t i = 0; i < alloc_count; i++)
        free(allocated[i]);
    alloc_count = 0;
    alloc_pages = 0;
}

/* ---- an independent walk of the built tree ---- */

static uint64_t level_size(int level)
{
    return PAGE << (9 * (level - 1));
}

/** What the tree holds, counted entry by entry, and the first entry whose
 *  format is wrong. */
struct census {
    uint64_t tables;
    uint64_t leaves[4]; /* [1] 4 KiB, [2] 2 MiB, [3] 1 GiB */
    int bad_level;      /* 0 if every entry is well formed */
    uint64_t bad_entry;
    const char *why;
};

static void bad(struct census *c, int level, uint64_t entry, const char *why)
{
    if (!c->bad_level) {
        c->bad_level = level;
        c->bad_entry = entry;
        c->why = why;
    }
}

/* Non-leaf entries: RWX, bits 7:3 zero (reserved, or "must be 0" for bit 7
 * of a PDPTE or PDE that references a table), bits 63:52 zero. Leaves:
 * the requested permissions, memory type 6 (write-back) in bits 5:3, ignore
 * PAT (bit 6) clear, bit 7 set exactly for 2 MiB and 1 GiB pages, an address
 * aligned to the page size (bits 20:12 or 29:12 are reserved). */
static void walk(const uint64_t *table, int level, uint64_t perms, struct census *c)
{
    c->tables++;
    for (int i = 0; i < EPT_ENTRIES; i++) {
        uint64_t entry = table[i];
        if (!(entry & EPT_RWX)) {
            if (entry)
                bad(c, level, entry, "not present but not zero");
            continue;
        }
        if (entry & ~(EPT_ADDRESS_MASK | 0xFFull))
            bad(c, level, entry, "bits 63:52 or 11:8 set");
        bool large = entry & EPT_LARGE_PAGE;
        if (level == 1 || (large && level <= 3)) {
            c->leaves[level]++;
            if ((entry & EPT_RWX) != perms)
                bad(c, level, entry, "leaf permissions differ from the request");
            if (((entry >> EPT_MEMORY_TYPE_SHIFT) & 7) != EPTP_MEMORY_TYPE_WB)
                bad(c, level, entry, "leaf memory type is not write-back (6)");
            if (entry & (1ull << 6))
                bad(c, level, entry, "leaf has ignore-PAT set");
            if (level == 1 && large)
                bad(c, level, entry, "4 KiB leaf has bit 7 set");
            if (entry & EPT_ADDRESS_MASK & (level_size(level) - 1))
                bad(c, level, entry, "large leaf address not aligned to its size");
        } else {
            if ((entry & 0xFFull) != EPT_RWX)
                bad(c, level, entry, "table entry: bits 7:3 not zero or not RWX");
            uint64_t next = entry & EPT_ADDRESS_MASK;
            if (!next || next % PAGE)
                bad(c, level, entry, "table entry without a table");
            else
                walk((const uint64_t *)(uintptr_t)next, level - 1, perms, c);
        }
    }
}

/** The tree agrees with ept.c's counters and page_alloc()'s, and with the
 *  expected costs. */
static void check_census(const char *name, const struct ept *e, uint64_t perms,
                         uint64_t p4k, uint64_t p2m, uint64_t p1g, uint64_t tables)
{
    char what[160];
    struct census c = {0};
    walk(e->pml4, EPT_LEVELS, perms, &c);

#define CASE_EQ(got, want, label)                                              \
    do {                                                                       \
        snprintf(what, sizeof what, "%s: %s", name, label);                    \
        if (check_at((got) == (want), __FILE__, __LINE__, what))               \
            check_end(": got %llu, want %llu\n", (unsigned long long)(got),    \
                      (unsigned long long)(want));                             \
    } while (0)
    CASE_EQ(e->pages_4k, p4k, "pages of 4 KiB");
    CASE_EQ(e->pages_2m, p2m, "pages of 2 MiB");
    CASE_EQ(e->pages_1g, p1g, "pages of 1 GiB");
    CASE_EQ(e->table_pages, tables, "table pages");
    CASE_EQ(c.leaves[1], p4k, "4 KiB leaves in the tree");
    CASE_EQ(c.leaves[2], p2m, "2 MiB leaves in the tree");
    CASE_EQ(c.leaves[3], p1g, "1 GiB leaves in the tree");
    CASE_EQ(c.tables, tables, "tables in the tree");
    CASE_EQ(alloc_pages, tables, "pages from page_alloc()");
    CASE_EQ(alloc_count, tables, "page_alloc() calls");
#undef CASE_EQ
    snprintf(what, sizeof what, "%s: every entry well formed", name);
    if (check_at(!c.bad_level, __FILE__, __LINE__, what))
        check_end(": level %d entry 0x%llx: %s\n", c.bad_level,
                  (unsigned long long)c.bad_entry, c.why);
}

/* ---- translations ---- */

/** One ept_map() request. */
struct range {
    uint64_t gpa, hpa, size;
};

/** The first and last byte of every 4 KiB page of r translate to the
 *  matching host byte. One check per range; the first miss is shown. */
static void check_translates(const char *name, const struct ept *e, struct range r)
{
    char what[160];
    uint64_t miss = 0, got = 0, want = 0;
    bool ok = true;
    for (uint64_t off = 0; ok && off < r.size; off += PAGE) {
        uint64_t probes[] = {off, off + PAGE - 1};
        for (size_t i = 0; ok && i < N(probes); i++) {
            uint64_t hpa = ~0ull;
            if (!ept_translate(e, r.gpa + probes[i], &hpa) || hpa != r.hpa + probes[i]) {
                ok = false;
                miss = r.gpa + probes[i];
                got = hpa;
                want = r.hpa + probes[i];
            }
        }
    }
    snprintf(what, sizeof what, "%s: [0x%llx, 0x%llx) translates", name,
             (unsigned long long)r.gpa, (unsigned long long)(r.gpa + r.size));
    if (check_at(ok, __FILE__, __LINE__, what))
        check_end(": GPA 0x%llx gave 0x%llx, want 0x%llx\n", (unsigned long long)miss,
                  (unsigned long long)got, (unsigned long long)want);
}

static void check_unmapped(const char *name, const struct ept *e, uint64_t gpa)
{
    char what[160];
    uint64_t hpa = 0;
    snprintf(what, sizeof what, "%s: GPA 0x%llx is not mapped", name,
             (unsigned long long)gpa);
    if (check_at(!ept_translate(e, gpa, &hpa), __FILE__, __LINE__, what))
        check_end(": it translates to 0x%llx\n", (unsigned long long)hpa);
}

/* ---- building guests of several sizes ---- */

/** One guest: what EPT offers, what is mapped, what it should cost, and
 *  addresses that must stay unmapped. */
struct ept_case {
    const char *name;
    bool use_2m, use_1g;
    struct range maps[2];
    uint64_t p4k, p2m, p1g, tables;
    const uint64_t *unmapped;
    size_t n_unmapped;
};

/* Guest-physical addresses that must not translate. */
#define PROBES(...)                                                            \
    (const uint64_t[]){__VA_ARGS__}, sizeof((uint64_t[]){__VA_ARGS__}) / sizeof(uint64_t)

/* Guest RAM of `size` at GPA 0 on host memory at `hpa`, mapped as
 * chapters/03-ept/guest.c maps it: around the legacy hole. */
#define WITH_HOLE(hpa, size)                                                   \
    {{0, (hpa), HOLE_START}, {HOLE_END, (hpa) + HOLE_END, (size) - HOLE_END}}
#define HOLE_PROBES(size) HOLE_START, HOLE_START + 0x18000, HOLE_END - 1, (size)

static const struct ept_case cases[] = {
    {"64 MiB, 2M pages", true, false, {{0, 128 * MiB, 64 * MiB}},
     0, 32, 0, 3, /* PML4, PDPT, PD */
     PROBES(64 * MiB, 64 * MiB + PAGE - 1, GiB, 512 * GiB)},
    {"64 MiB, 2M and 1G offered", true, true, {{0, 128 * MiB, 64 * MiB}},
     0, 32, 0, 3,
     PROBES(64 * MiB)},
    {"64 MiB, 4K only", false, false, {{0, 128 * MiB, 64 * MiB}},
     16384, 0, 0, 1 + 1 + 1 + 32,
     PROBES(64 * MiB, GiB)},
    /* What the hypervisor prints for 64 MiB under Bochs
     * (tests/test_ch03_ept.py): 160 + 256 pages of 4 KiB around the hole,
     * then 2 MiB pages from 2 MiB up; one page table. */
    {"64 MiB with the legacy hole", true, true, WITH_HOLE(0x8000000, 64 * MiB),
     416, 31, 0, 4,
     PROBES(HOLE_PROBES(64 * MiB), 64 * MiB + 0x123)},
    /* And for 6 MiB (tests/test_ch03_ept.py). */
    {"6 MiB with the legacy hole", true, true, WITH_HOLE(0x8000000, 6 * MiB),
     416, 2, 0, 4,
     PROBES(HOLE_PROBES(6 * MiB))},
    {"64 MiB with the legacy hole, 4K only", false, false,
     WITH_HOLE(0x8000000, 64 * MiB),
     160 + 16128, 0, 0, 1 + 1 + 1 + 32,
     PROBES(HOLE_PROBES(64 * MiB))},
    /* The largest guest guest.c allows: the hole keeps the first GiB from
     * being one 1 GiB page, and guest RAM is only 2 MiB-aligned anyway. */
    {"1 GiB with the legacy hole", true, true, WITH_HOLE(0x40200000, GiB),
     416, 511, 0, 4,
     PROBES(HOLE_PROBES(GiB))},
    /* A 1 GiB guest needs only a handful of table pages with large pages. */
    {"1 GiB, 1G pages", true, true, {{0, GiB, GiB}},
     0, 0, 1, 2, /* PML4, PDPT */
     PROBES(GiB, 2 * GiB - 1, 512 * GiB)},
    {"1 GiB, 2M pages only", true, false, {{0, GiB, GiB}},
     0, 512, 0, 3,
     PROBES(GiB)},
    {"1 GiB, 1G offered, host only 2M-aligned", true, true, {{0, GiB + 2 * MiB, GiB}},
     0, 512, 0, 3,
     PROBES(GiB)},
    {"1 GiB, 4K only", false, false, {{0, GiB, GiB}},
     262144, 0, 0, 1 + 1 + 1 + 512,
     PROBES(GiB)},
    {"4 GiB, 1G pages", true, true, {{0, 4 * GiB, 4 * GiB}},
     0, 0, 4, 2,
     PROBES(4 * GiB)},
    /* Host address not 2 MiB-aligned: nothing lines up, 4 KiB throughout. */
    {"host 4K-aligned only", true, true, {{0, 16 * MiB + PAGE, 4 * MiB}},
     1024, 0, 0, 1 + 1 + 1 + 2,
     PROBES(4 * MiB)},
    {"guest 4K-aligned only", true, true, {{PAGE, 16 * MiB, 4 * MiB}},
     1024, 0, 0, 1 + 1 + 1 + 3, /* [4K, 4M + 4K): three page tables */
     PROBES(0, PAGE - 1, 4 * MiB + PAGE)},
    /* Same offset in both: 4 KiB up to the first 2 MiB boundary, a 2 MiB
     * page, 4 KiB after it. */
    {"equally misaligned", true, true, {{PAGE, 16 * MiB + PAGE, 4 * MiB}},
     511 + 1, 1, 0, 1 + 1 + 1 + 2,
     PROBES(0, 4 * MiB + PAGE)},
    /* Size not a multiple of 2 MiB: the tail is 4 KiB pages. */
    {"5 MiB + 12 KiB", true, true, {{0, 64 * MiB, 5 * MiB + 12 * KiB}},
     256 + 3, 2, 0, 4,
     PROBES(5 * MiB + 12 * KiB)},
    /* Across a 1 GiB boundary: a page directory on each side. */
    {"across 1 GiB, 2M pages", true, true, {{GiB - 2 * MiB, 0x7FE00000, 4 * MiB}},
     0, 2, 0, 1 + 1 + 2,
     PROBES(GiB - 2 * MiB - 1, GiB + 2 * MiB, 0)},
    {"across 1 GiB, 4K pages", true, true, {{GiB - 2 * PAGE, 256 * MiB, 4 * PAGE}},
     4, 0, 0, 1 + 1 + 2 + 2,
     PROBES(GiB - 2 * PAGE - 1, GiB + 2 * PAGE, 0)},
    /* 512 MiB to 2.5 GiB: 2 MiB pages up to 1 GiB, one 1 GiB page, 2 MiB
     * pages after 2 GiB. */
    {"512 MiB to 2.5 GiB", true, true, {{512 * MiB, 4 * GiB + 512 * MiB, 2 * GiB}},
     0, 256 + 256, 1, 1 + 1 + 2,
     PROBES(512 * MiB - 1, 2 * GiB + 512 * MiB, 0)},
    /* Across 512 GiB: a PDPT on each side of a PML4 boundary. */
    {"across 512 GiB", true, true, {{512 * GiB - 2 * MiB, 256 * MiB, 4 * MiB}},
     0, 2, 0, 1 + 2 + 2,
     PROBES(512 * GiB - 2 * MiB - 1, 512 * GiB + 2 * MiB, 0)},
};

static void guests(void)
{
    for (size_t i = 0; i < N(cases); i++) {
        const struct ept_case *t = &cases[i];
        char what[160];
        struct ept e;
        ept_init(&e, t->use_2m, t->use_1g);
        for (size_t m = 0; m < N(t->maps) && t->maps[m].size; m++) {
            snprintf(what, sizeof what, "%s: ept_map #%zu", t->name, m + 1);
            if (check_at(ept_map(&e, t->maps[m].gpa, t->maps[m].hpa, t->maps[m].size,
                                 EPT_RWX),
                         __FILE__, __LINE__, what))
                check_end(" failed\n");
        }
        check_census(t->name, &e, EPT_RWX, t->p4k, t->p2m, t->p1g, t->tables);
        for (size_t m = 0; m < N(t->maps) && t->maps[m].size; m++)
            check_translates(t->name, &e, t->maps[m]);
        for (size_t u = 0; u < t->n_unmapped; u++)
            check_unmapped(t->name, &e, t->unmapped[u]);
        release();
    }
}

/* ---- the rest of the API ---- */

/* An empty hierarchy is one zeroed PML4 and translates nothing. */
static void empty(void)
{
    struct ept e;
    ept_init(&e, true, false);
    CHECK(e.pml4 != NULL);
    CHECK_EQ_U64(alloc_count, 1);
    CHECK_EQ_U64(e.table_pages, 1);
    CHECK_EQ_U64(e.pages_4k + e.pages_2m + e.pages_1g, 0);
    CHECK(e.use_2m && !e.use_1g);
    check_census("empty", &e, EPT_RWX, 0, 0, 0, 1);
    check_unmapped("empty", &e, 0);
    check_unmapped("empty", &e, 0x7000);
    release();
}

/* Leaves carry the permissions asked for; tables above them grant all. */
static void permissions(void)
{
    struct ept e;
    ept_init(&e, true, true);
    CHECK(ept_map(&e, 0, 32 * MiB, 2 * MiB + PAGE, EPT_READ));
    check_census("read-only", &e, EPT_READ, 1, 1, 0, 4);
    check_translates("read-only", &e, (struct range){0, 32 * MiB, 2 * MiB + PAGE});
    release();

    ept_init(&e, true, true);
    CHECK(ept_map(&e, GiB, GiB, GiB, EPT_READ | EPT_EXECUTE));
    check_census("read-execute", &e, EPT_READ | EPT_EXECUTE, 0, 0, 1, 2);
    release();
}

/* A guest-physical address is mapped once: a second mapping of the same
 * page, inside a large page, or a large page over smaller ones, fails and
 * leaves the first mapping as it was. Neighbours do not conflict. */
static void mapped_twice(void)
{
    struct ept e;
    uint64_t hpa = 0;

    ept_init(&e, true, true);
    CHECK(ept_map(&e, 0x5000, 0x9000, PAGE, EPT_RWX));
    CHECK(!ept_map(&e, 0x5000, 0x9000, PAGE, EPT_RWX));
    CHECK(!ept_map(&e, 0x5000, 0x7000, PAGE, EPT_RWX));
    CHECK(!ept_map(&e, 0, 4 * MiB, 2 * MiB, EPT_RWX)); /* a 2 MiB page over it */
    CHECK(!ept_map(&e, 0, 4 * GiB, GiB, EPT_RWX));     /* a 1 GiB page over it */
    CHECK(ept_translate(&e, 0x5123, &hpa));
    CHECK_EQ_U64(hpa, 0x9123);
    CHECK(ept_map(&e, 0x4000, 0x8000, PAGE, EPT_RWX)); /* neighbours */
    CHECK(ept_map(&e, 0x6000, 0xA000, PAGE, EPT_RWX));
    CHECK(!ept_map(&e, 0x3000, 0x7000, 2 * PAGE, EPT_RWX)); /* ends on one */
    CHECK(ept_translate(&e, 0x4FFF, &hpa));
    CHECK_EQ_U64(hpa, 0x8FFF);
    CHECK(ept_translate(&e, 0x6000, &hpa));
    CHECK_EQ_U64(hpa, 0xA000);
    release();

    ept_init(&e, true, true);
    CHECK(ept_map(&e, 2 * MiB, 8 * MiB, 2 * MiB, EPT_RWX));
    CHECK(!ept_map(&e, 2 * MiB, 8 * MiB, 2 * MiB, EPT_RWX));
    CHECK(!ept_map(&e, 2 * MiB + PAGE, 0x1000, PAGE, EPT_RWX)); /* inside it */
    CHECK(!ept_map(&e, 4 * MiB - PAGE, 0x1000, PAGE, EPT_RWX));
    CHECK(!ept_map(&e, 0, 4 * GiB, GiB, EPT_RWX));
    CHECK(ept_translate(&e, 3 * MiB, &hpa));
    CHECK_EQ_U64(hpa, 9 * MiB);
    CHECK(ept_map(&e, 0, 6 * MiB, 2 * MiB, EPT_RWX)); /* neighbours */
    CHECK(ept_map(&e, 4 * MiB, 10 * MiB, 2 * MiB, EPT_RWX));
    check_census("2M twice", &e, EPT_RWX, 0, 3, 0, 3); /* no page table made */
    release();

    ept_init(&e, true, true);
    CHECK(ept_map(&e, GiB, 2 * GiB, GiB, EPT_RWX));
    CHECK(!ept_map(&e, GiB, 2 * GiB, GiB, EPT_RWX));
    CHECK(!ept_map(&e, GiB + 4 * MiB, 0, 2 * MiB, EPT_RWX));
    CHECK(!ept_map(&e, 2 * GiB - PAGE, 0, PAGE, EPT_RWX));
    CHECK(ept_translate(&e, GiB + 0x12345, &hpa));
    CHECK_EQ_U64(hpa, 2 * GiB + 0x12345);
    check_census("1G twice", &e, EPT_RWX, 0, 0, 1, 2);
    release();

    /* Overlapping ranges: the second starts inside the first. (Whether the
     * part before the overlap is left mapped is not specified.) */
    ept_init(&e, true, true);
    CHECK(ept_map(&e, 0, 64 * MiB, 4 * MiB, EPT_RWX));
    CHECK(!ept_map(&e, 2 * MiB, 128 * MiB, 4 * MiB, EPT_RWX));
    CHECK(!ept_map(&e, 4 * MiB - PAGE, 128 * MiB, 2 * PAGE, EPT_RWX));
    CHECK(ept_translate(&e, 3 * MiB, &hpa));
    CHECK_EQ_U64(hpa, 67 * MiB);
    release();
}

/* The EPTP: memory type 6 in bits 2:0, walk length minus 1 (3) in bits
 * 5:3, accessed/dirty enable in bit 6 only when asked, bits 11:7 reserved,
 * the PML4's physical address in bits 51:12. */
static void pointer(void)
{
    struct ept e;
    ept_init(&e, true, true);
    uint64_t pml4 = (uint64_t)(uintptr_t)e.pml4;
    for (int ad = 0; ad <= 1; ad++) {
        uint64_t eptp = ept_pointer(&e, ad);
        CHECK_EQ_U64(eptp & 7, 6);
        CHECK_EQ_U64((eptp >> 3) & 7, 3);
        CHECK_EQ_U64((eptp >> 6) & 1, (uint64_t)ad);
        CHECK_EQ_U64((eptp >> 7) & 0x1F, 0);
        CHECK_EQ_U64(eptp & ~0xFFFull, pml4);
        CHECK_EQ_U64(eptp, pml4 | 0x1E | (ad ? 0x40 : 0));
    }
    CHECK(pml4 % PAGE == 0 && pml4 < (1ull << 47));
    release();
}

int main(void)
{
    empty();
    guests();
    permissions();
    mapped_twice();
    pointer();
    free(allocated);
    return CHECK_DONE("test_ept");
}
