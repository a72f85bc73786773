// sources: common/page_alloc.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of the physical page allocator on made-up memory maps:
 * clipping to [1 MiB, 4 GiB), carving out reserved ranges, first fit,
 * alignment, running out, and a long randomized run checked against a
 * page-by-page model. */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "page_alloc.h"

#define KiB 0x400ul
#define MiB 0x100000ul
#define GiB 0x40000000ul
#define PAGE 4096ul

#define N(array) (sizeof(array) / sizeof((array)[0]))

static struct page_allocator a;

static void init(const struct phys_range *avail, size_t n_avail,
                 const struct phys_range *resv, size_t n_resv)
{
    page_allocator_init(&a, avail, n_avail, resv, n_resv);
}

/* Memory below 1 MiB and from 4 GiB up is never handed out; ranges are
 * trimmed to whole pages. */
static void clipping(void)
{
    const struct phys_range low[] = {{0, 0x9fc00}};
    init(low, N(low), NULL, 0);
    CHECK_EQ_U64(page_allocator_free_bytes(&a), 0);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0);

    const struct phys_range high[] = {{4 * GiB, 6 * GiB}, {8 * GiB, 9 * GiB}};
    init(high, N(high), NULL, 0);
    CHECK_EQ_U64(page_allocator_free_bytes(&a), 0);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0);

    const struct phys_range map[] = {
        {0x9f000, 0x101800},             /* across 1 MiB: one page above */
        {4 * GiB - 0x2000, 4 * GiB + 0x2000}, /* across 4 GiB: two below */
        {0x200800, 0x203800},            /* unaligned: two whole pages */
        {5 * GiB, 5 * GiB + 0x10000},    /* above 4 GiB: none */
        {0x300000, 0x300fff},            /* less than a page: none */
    };
    init(map, N(map), NULL, 0);
    CHECK_EQ_U64(page_allocator_free_bytes(&a), 5 * PAGE);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0x100000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0x201000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0x202000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 2, PAGE), 4 * GiB - 2 * PAGE);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0);
    CHECK_EQ_U64(page_allocator_free_bytes(&a), 0);
    CHECK_EQ_U64(a.pages_allocated, 5);
}

/* Reserved ranges are removed, rounded out to whole pages. */
static void reserved_ranges(void)
{
    const struct phys_range avail[] = {{1 * MiB, 16 * MiB}};
    const struct phys_range resv[] = {
        {0x100000, 0x123456},   /* the image: unaligned end */
        {0x200800, 0x201001},   /* a module, unaligned at both ends */
        {0x400000, 0x500000},   /* a module on page boundaries */
        {0xf00000, 0x2000000},  /* runs past the end of the memory */
        {0x3000000, 0x3001000}, /* outside the memory */
        {0x9000, 0x9100},       /* below 1 MiB */
    };
    init(avail, N(avail), resv, N(resv));
    uint64_t want_free = 15 * MiB - 0x24000 - 0x2000 - 0x100000 - 0x100000;
    CHECK_EQ_U64(page_allocator_free_bytes(&a), want_free);

    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0x124000);
    /* Exactly the rest of the gap below the second module. */
    CHECK_EQ_U64(page_allocator_alloc(&a, (0x200000 - 0x125000) / PAGE, PAGE),
                 0x125000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0x202000);
    /* One page more than the gap below the third module holds. */
    uint64_t gap = (0x400000 - 0x203000) / PAGE;
    CHECK_EQ_U64(page_allocator_alloc(&a, gap + 1, PAGE), 0x500000);
    /* ... and the gap is still there for what fits. */
    CHECK_EQ_U64(page_allocator_alloc(&a, gap, PAGE), 0x203000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE),
                 0x500000 + (gap + 1) * PAGE);
    CHECK_EQ_U64(a.pages_allocated, 1 + (0x200000 - 0x125000) / PAGE + 1 +
                                        (gap + 1) + gap + 1);

    /* Reserving all of it leaves nothing. */
    const struct phys_range all[] = {{0, 32 * MiB}};
    init(avail, N(avail), all, N(all));
    CHECK_EQ_U64(page_allocator_free_bytes(&a), 0);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0);
}

/* Aligned runs, and the pages skipped to reach them stay free. */
static void alignment(void)
{
    const struct phys_range avail[] = {{1 * MiB, 64 * MiB}};
    const struct phys_range image[] = {{0x100000, 0x180000}};
    init(avail, N(avail), image, N(image));
    uint64_t free0 = page_allocator_free_bytes(&a);

    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0x180000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 512, 2 * MiB), 0x200000);
    CHECK_EQ_U64(page_allocator_free_bytes(&a), free0 - PAGE - 2 * MiB);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0x181000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, 2 * MiB), 0x400000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 2, 8 * KiB), 0x182000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, 16 * KiB), 0x184000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0x185000);
    /* The rest below 2 MiB, in one run. */
    CHECK_EQ_U64(page_allocator_alloc(&a, (0x200000 - 0x186000) / PAGE, PAGE),
                 0x186000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0x401000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, 1 * GiB), 0); /* none in 64 MiB */
    /* 63 MiB less the image's 512 KiB, all of [0x180000, 0x400000) and
     * two pages at 0x400000. */
    CHECK_EQ_U64(page_allocator_free_bytes(&a), 60 * MiB - 2 * PAGE);

    /* The first range has the pages but not at the alignment. */
    const struct phys_range two[] = {{0x100000, 0x380000},
                                     {0x600000, 0x900000}};
    init(two, N(two), NULL, 0);
    CHECK_EQ_U64(page_allocator_alloc(&a, 512, 2 * MiB), 0x600000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 256, 2 * MiB), 0x200000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 256, PAGE), 0x100000);
    CHECK_EQ_U64(page_allocator_alloc(&a, 128, PAGE), 0x300000);
    CHECK_EQ_U64(page_allocator_free_bytes(&a), 1 * MiB);
}

/* Bad requests return 0 and change nothing. */
static void invalid_requests(void)
{
    const struct phys_range avail[] = {{1 * MiB, 8 * MiB}};
    init(avail, N(avail), NULL, 0);
    const uint64_t bad_aligns[] = {0, 1, 2, 512, 2048, 4095, 4097, 3 * PAGE,
                                   6 * PAGE, 2 * MiB + PAGE, UINT64_MAX};
    for (size_t i = 0; i < N(bad_aligns); i++)
        CHECK_EQ_U64(page_allocator_alloc(&a, 1, bad_aligns[i]), 0);
    CHECK_EQ_U64(page_allocator_alloc(&a, 0, PAGE), 0);
    /* A power of two too large for any memory: valid, and nothing fits. */
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, 1ull << 63), 0);
    CHECK_EQ_U64(page_allocator_free_bytes(&a), 7 * MiB);
    CHECK_EQ_U64(a.pages_allocated, 0);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 1 * MiB);
}

static void out_of_memory(void)
{
    const struct phys_range avail[] = {{1 * MiB, 1 * MiB + 16 * PAGE}};
    init(avail, N(avail), NULL, 0);
    CHECK_EQ_U64(page_allocator_alloc(&a, 17, PAGE), 0);
    CHECK_EQ_U64(page_allocator_alloc(&a, 16, PAGE), 1 * MiB);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0);
    CHECK_EQ_U64(page_allocator_free_bytes(&a), 0);
    CHECK_EQ_U64(a.pages_allocated, 16);

    /* 16 pages free in all, but no run of 9. */
    const struct phys_range split[] = {{2 * MiB, 2 * MiB + 8 * PAGE},
                                       {4 * MiB, 4 * MiB + 8 * PAGE}};
    init(split, N(split), NULL, 0);
    CHECK_EQ_U64(page_allocator_alloc(&a, 9, PAGE), 0);
    CHECK_EQ_U64(page_allocator_free_bytes(&a), 16 * PAGE);
    CHECK_EQ_U64(page_allocator_alloc(&a, 8, PAGE), 2 * MiB);
    CHECK_EQ_U64(page_allocator_alloc(&a, 8, PAGE), 4 * MiB);
    CHECK_EQ_U64(a.pages_allocated, 16);

    init(NULL, 0, NULL, 0);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 0);
}

/* --- a randomized run against a model -------------------------------- */

/* The model: one flag per page of the low 64 MiB. Every available range of
 * the map below lies there, apart from the one above 4 GiB. */
#define MODEL_PAGES (64 * MiB / PAGE)
#define REQUESTS 3000

static const struct phys_range rand_avail[] = {
    {0x0, 0x9fc00},                 /* below 1 MiB */
    {0xf0000, 0x1400000},           /* across 1 MiB */
    {0x1500800, 0x2400000},         /* unaligned start */
    {0x2500000, 0x3fff800},         /* unaligned end */
    {4 * GiB, 5 * GiB},             /* above 4 GiB */
};
static const struct phys_range rand_resv[] = {
    {0x100000, 0x1a3456},           /* the image */
    {0x1000800, 0x1080010},         /* a module, unaligned */
    {0x1fff000, 0x2001000},         /* across a 2 MiB boundary */
    {0x9000, 0x9100},               /* the multiboot information */
    {0x23ff000, 0x2501000},         /* across a hole in the map */
    {0x3000000, 0x3000001},         /* one byte */
};

static bool overlaps(uint64_t s1, uint64_t e1, uint64_t s2, uint64_t e2)
{
    return s1 < e2 && s2 < e1;
}

/* Usable pages: wholly inside an available range, at or above 1 MiB, and
 * touching no reserved byte. */
static void model_init(bool *used)
{
    for (uint64_t p = 0; p < MODEL_PAGES; p++) {
        uint64_t s = p * PAGE, e = s + PAGE;
        bool avail = false;
        for (size_t i = 0; i < N(rand_avail); i++)
            if (rand_avail[i].start <= s && e <= rand_avail[i].end)
                avail = true;
        bool resv = false;
        for (size_t i = 0; i < N(rand_resv); i++)
            if (overlaps(s, e, rand_resv[i].start, rand_resv[i].end))
                resv = true;
        used[p] = !avail || resv || s < PAGE_ALLOC_FLOOR;
    }
}

/* The lowest aligned run of free pages, as an address; 0 if none. */
static uint64_t model_alloc(bool *used, uint64_t pages, uint64_t align)
{
    uint64_t step = align / PAGE;
    for (uint64_t p = 0; p + pages <= MODEL_PAGES;) {
        uint64_t j = p;
        while (j < p + pages && !used[j])
            j++;
        if (j == p + pages) {
            for (j = p; j < p + pages; j++)
                used[j] = true;
            return p * PAGE;
        }
        p = (j / step + 1) * step; /* past the used page, aligned */
    }
    return 0;
}

static uint64_t model_free_bytes(const bool *used)
{
    uint64_t n = 0;
    for (uint64_t p = 0; p < MODEL_PAGES; p++)
        n += !used[p];
    return n * PAGE;
}

static uint64_t rng_state;

/* xorshift64*: the same sequence on every host. */
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

struct run {
    uint64_t at[REQUESTS], pages[REQUESTS];
    unsigned granted, refused;
    unsigned model_mismatches, misaligned, outside, on_reserved, on_other;
    unsigned accounting; /* free bytes or page counts that do not add up */
    size_t most_ranges;
    uint64_t end_free, end_model_free;
};

static void report(unsigned *counter, const char *what, unsigned i,
                   uint64_t pages, uint64_t align, uint64_t at, uint64_t want)
{
    if ((*counter)++ < 3)
        printf("  request %u (%llu pages, align 0x%llx): %s: got 0x%llx, "
               "model 0x%llx\n",
               i, (unsigned long long)pages, (unsigned long long)align, what,
               (unsigned long long)at, (unsigned long long)want);
}

/* REQUESTS random requests: mostly small, some large, some 2 MiB-aligned.
 * reversed hands the allocator the map in the opposite order. */
static void random_run(struct run *r, uint64_t seed, bool reversed)
{
    static bool used[MODEL_PAGES];
    struct phys_range avail[N(rand_avail)], resv[N(rand_resv)];
    for (size_t i = 0; i < N(avail); i++)
        avail[i] = rand_avail[reversed ? N(avail) - 1 - i : i];
    for (size_t i = 0; i < N(resv); i++)
        resv[i] = rand_resv[reversed ? N(resv) - 1 - i : i];

    memset(r, 0, sizeof *r);
    init(avail, N(avail), resv, N(resv));
    model_init(used);
    rng_state = seed;
    if (page_allocator_free_bytes(&a) != model_free_bytes(used))
        report(&r->accounting, "free bytes after init", 0, 0, 0,
               page_allocator_free_bytes(&a), model_free_bytes(used));

    for (unsigned i = 0; i < REQUESTS; i++) {
        uint64_t x = rng();
        uint64_t pages = x % 64 == 0 ? 64 + (x >> 8) % 600 : 1 + (x >> 8) % 8;
        static const uint64_t aligns[] = {PAGE, PAGE, PAGE, PAGE, PAGE, PAGE,
                                          8 * KiB, 64 * KiB, 2 * MiB, 2 * MiB};
        uint64_t align = aligns[(x >> 20) % N(aligns)];
        uint64_t free_before = page_allocator_free_bytes(&a);
        uint64_t count_before = a.pages_allocated;

        uint64_t at = page_allocator_alloc(&a, pages, align);
        uint64_t want = model_alloc(used, pages, align);
        r->at[i] = at;
        r->pages[i] = pages;
        if (a.count > r->most_ranges)
            r->most_ranges = a.count;
        if (at != want)
            report(&r->model_mismatches, "not the lowest fit", i, pages, align,
                   at, want);
        if (!at) {
            r->refused++;
            if (page_allocator_free_bytes(&a) != free_before ||
                a.pages_allocated != count_before)
                report(&r->accounting, "a refusal changed the counts", i,
                       pages, align, at, want);
            continue;
        }
        r->granted++;
        uint64_t end = at + pages * PAGE;
        if (at % align)
            report(&r->misaligned, "misaligned", i, pages, align, at, want);
        if (at < PAGE_ALLOC_FLOOR || end > PAGE_ALLOC_CEILING)
            report(&r->outside, "outside [1 MiB, 4 GiB)", i, pages, align, at,
                   want);
        for (size_t k = 0; k < N(rand_resv); k++)
            if (overlaps(at, end, rand_resv[k].start, rand_resv[k].end))
                report(&r->on_reserved, "on a reserved range", i, pages, align,
                       at, want);
        for (unsigned k = 0; k < i; k++)
            if (r->at[k] &&
                overlaps(at, end, r->at[k], r->at[k] + r->pages[k] * PAGE))
                report(&r->on_other, "on an earlier allocation", i, pages,
                       align, at, r->at[k]);
        if (page_allocator_free_bytes(&a) != free_before - pages * PAGE ||
            a.pages_allocated != count_before + pages)
            report(&r->accounting, "free bytes or pages_allocated", i, pages,
                   align, page_allocator_free_bytes(&a),
                   free_before - pages * PAGE);
    }
    r->end_free = page_allocator_free_bytes(&a);
    r->end_model_free = model_free_bytes(used);
}

static void randomized(void)
{
    static struct run first, again, reversed;
    random_run(&first, 0x5eed5eed5eedull, false);
    /* Both outcomes are exercised: memory runs out part way through. */
    CHECK(first.granted > 500);
    CHECK(first.refused > 500);
    CHECK_EQ_U64(first.model_mismatches, 0);
    CHECK_EQ_U64(first.misaligned, 0);
    CHECK_EQ_U64(first.outside, 0);
    CHECK_EQ_U64(first.on_reserved, 0);
    CHECK_EQ_U64(first.on_other, 0);
    CHECK_EQ_U64(first.accounting, 0);
    CHECK_EQ_U64(first.end_free, first.end_model_free);
    CHECK(first.most_ranges < PAGE_ALLOC_MAX_RANGES);

    /* The same requests give the same addresses, whatever the map order. */
    random_run(&again, 0x5eed5eed5eedull, false);
    CHECK(memcmp(first.at, again.at, sizeof first.at) == 0);
    random_run(&reversed, 0x5eed5eed5eedull, true);
    CHECK(memcmp(first.at, reversed.at, sizeof first.at) == 0);
    CHECK_EQ_U64(reversed.model_mismatches, 0);
}

/* Maps as firmware gives them: overlapping, split, and absurd requests. */
static void untidy_maps(void)
{
    /* Overlapping available entries must not be counted twice. */
    const struct phys_range overlap[] = {{0x100000, 0x104000},
                                         {0x102000, 0x106000}};
    init(overlap, N(overlap), NULL, 0);
    CHECK_EQ_U64(page_allocator_free_bytes(&a), 6 * PAGE);
    uint64_t first = page_allocator_alloc(&a, 4, PAGE);
    uint64_t second = page_allocator_alloc(&a, 2, PAGE);
    CHECK(!overlaps(first, first + 4 * PAGE, second, second + 2 * PAGE));

    /* A run across two adjacent entries is not found. */
    const struct phys_range adjacent[] = {{1 * MiB, 3 * MiB},
                                          {3 * MiB, 5 * MiB}};
    init(adjacent, N(adjacent), NULL, 0);
    CHECK_EQ_U64(page_allocator_alloc(&a, 512, 2 * MiB), 2 * MiB);

    /* pages * 4096 must not wrap: 2^52 pages is no request to grant. */
    const struct phys_range avail[] = {{1 * MiB, 8 * MiB}};
    init(avail, N(avail), NULL, 0);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1ull << 52, PAGE), 0);
    CHECK_EQ_U64(page_allocator_alloc(&a, (1ull << 52) + 1, PAGE), 0);
}

#ifdef KNOWN_BUGS
/* A documented limitation (page_alloc.h), kept visible: build with
 * -DKNOWN_BUGS (UNIT_CFLAGS=-DKNOWN_BUGS for tests/test_unit.py). */
static void known_bugs(void)
{
    /* With the range table full, the pages skipped to reach an aligned
     * run are dropped instead of staying free. */
    struct phys_range many[PAGE_ALLOC_MAX_RANGES];
    for (size_t i = 0; i < N(many); i++)
        many[i] = (struct phys_range){(i + 1) * 4 * MiB + PAGE,
                                      (i + 2) * 4 * MiB - PAGE};
    init(many, N(many), NULL, 0);
    uint64_t before = page_allocator_free_bytes(&a);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, 2 * MiB), 6 * MiB);
    CHECK_EQ_U64(before - page_allocator_free_bytes(&a), PAGE);
    CHECK_EQ_U64(page_allocator_alloc(&a, 1, PAGE), 4 * MiB + PAGE);
}
#endif

int main(void)
{
    clipping();
    reserved_ranges();
    alignment();
    invalid_requests();
    out_of_memory();
    randomized();
    untidy_maps();
#ifdef KNOWN_BUGS
    known_bugs();
#endif
    return CHECK_DONE("test_page_alloc");
}
