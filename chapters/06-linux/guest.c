/* SPDX-License-Identifier: MIT */
/* Guest RAM is one block of host memory, 2 MiB-aligned so that EPT can map
 * it with large pages, at guest-physical 0, minus the PC's hole. The
 * kernel module is loaded by its own format, and every piece a loader puts
 * in guest RAM is checked here first: sizes and addresses from the file
 * are untrusted input. */
#include "guest.h"
#include "bios_area.h"
#include "guest_memory.h"
#include "kstring.h"
#include "page_alloc.h"
#include "printf.h"
#include "run_end.h"
#include "x86.h"

#define MIB (1ul << 20)
#define GUEST_RAM_MIN (2 * MIB)
#define GUEST_RAM_MAX (1024 * MIB)
#define MAX_PLACED 24
#define REFUSAL_MAX 200

/* The boot GDT ("Segment Descriptors"): flat 4 GiB, present, DPL 0, G = 1;
 * code execute/read, data read/write, accessed. Linux's boot protocol
 * wants its code at 0x10 (__BOOT_CS) and data at 0x18 (__BOOT_DS). */
#define BOOT_CS 0x10u
#define BOOT_DS 0x18u
#define DESCRIPTOR_CODE32 0x00CF9B000000FFFFull
#define DESCRIPTOR_CODE64 0x00AF9B000000FFFFull /* L = 1, D = 0 */
#define DESCRIPTOR_DATA 0x00CF93000000FFFFull
#define BOOT_GDT_ENTRIES 4

/* 4-level paging ("4-Level Paging and 5-Level Paging"): one PML4 entry,
 * one PDPT with four entries, four page directories of 2 MiB pages. */
#define PTE_PRESENT (1ull << 0)
#define PTE_WRITABLE (1ull << 1)
#define PTE_PAGE_SIZE (1ull << 7)
#define IDENTITY_MAP_GIB 4
#define UPPER_TABLES 2 /* the PML4 and the PDPT, before the page directories */
#define PAGE_TABLE_ENTRIES 512

static uint8_t *ram;
static uint64_t ram_size;
static const struct boot_info *boot;

static struct placed {
    const char *what;
    uint64_t start, end;
} placed[MAX_PLACED];
static unsigned placed_count;

noreturn void loader_refuse(const char *fmt, ...)
{
    char why[REFUSAL_MAX];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    kprintf("loader: refused: %s\n", why);
    run_fail("loader: refused: %s", why);
}

uint8_t *guest_place(const char *what, uint64_t gpa, uint64_t size)
{
    if (gpa > ram_size || size > ram_size - gpa)
        loader_refuse("%s at 0x%lx, %lu bytes, lies outside guest RAM (%lu MiB)", what, gpa,
                      size, ram_size / MIB);
    uint64_t end = gpa + size;
    if (gpa < LEGACY_HOLE_END && end > LEGACY_HOLE_START)
        loader_refuse("%s 0x%lx-0x%lx overlaps the PC hole", what, gpa, end);
    for (unsigned i = 0; i < placed_count; i++)
        if (gpa < placed[i].end && placed[i].start < end)
            loader_refuse("%s 0x%lx-0x%lx overlaps %s 0x%lx-0x%lx", what, gpa, end,
                          placed[i].what, placed[i].start, placed[i].end);
    if (placed_count == MAX_PLACED)
        loader_refuse("%s: more than %u pieces to place", what, MAX_PLACED);
    placed[placed_count++] = (struct placed){what, gpa, end};
    return ram + gpa;
}

uint64_t guest_ram_end(void)
{
    return ram_size;
}

unsigned guest_memory_map(struct map_entry map[MAP_ENTRIES], bool reserve_boot_area)
{
    unsigned n = 0;
    if (reserve_boot_area) {
        map[n++] = (struct map_entry){0, BOOT_GDT_GPA, MAP_RAM};
        map[n++] = (struct map_entry){BOOT_GDT_GPA, BOOT_AREA_END, MAP_RESERVED};
    }
    map[n++] = (struct map_entry){reserve_boot_area ? BOOT_AREA_END : 0, EBDA_GPA, MAP_RAM};
    map[n++] = (struct map_entry){EBDA_GPA, EBDA_GPA + EBDA_SIZE, MAP_RESERVED};
    map[n++] = (struct map_entry){LEGACY_HOLE_START, LEGACY_HOLE_END, MAP_RESERVED};
    map[n++] = (struct map_entry){LEGACY_HOLE_END, ram_size, MAP_RAM};
    return n;
}

struct blob guest_module(const char *name)
{
    const struct boot_module *m = boot_find_module(boot, name);
    if (!m)
        return (struct blob){0, 0};
    return (struct blob){(const uint8_t *)(uintptr_t)m->start, m->end - m->start};
}

void guest_entry_tables(struct guest_start *start, enum guest_mode mode)
{
    uint64_t *gdt = (uint64_t *)guest_place("the boot GDT", BOOT_GDT_GPA,
                                            BOOT_GDT_ENTRIES * sizeof(uint64_t));
    gdt[BOOT_CS / sizeof *gdt] = mode == GUEST_LONG64 ? DESCRIPTOR_CODE64 : DESCRIPTOR_CODE32;
    gdt[BOOT_DS / sizeof *gdt] = DESCRIPTOR_DATA;
    *start = (struct guest_start){.mode = mode, .gdt_base = BOOT_GDT_GPA, .cs = BOOT_CS,
                                  .ds = BOOT_DS,
                                  .gdt_limit = BOOT_GDT_ENTRIES * sizeof(uint64_t) - 1};
    if (mode != GUEST_LONG64)
        return;
    uint64_t *pml4 = (uint64_t *)guest_place("the boot page tables", BOOT_PAGE_TABLES_GPA,
                                             (UPPER_TABLES + IDENTITY_MAP_GIB) * PAGE_SIZE);
    uint64_t *pdpt = pml4 + PAGE_TABLE_ENTRIES, *pd = pdpt + PAGE_TABLE_ENTRIES;
    const uint64_t table = PTE_PRESENT | PTE_WRITABLE;
    pml4[0] = (BOOT_PAGE_TABLES_GPA + PAGE_SIZE) | table;
    for (uint64_t i = 0; i < IDENTITY_MAP_GIB; i++)
        pdpt[i] = (BOOT_PAGE_TABLES_GPA + (UPPER_TABLES + i) * PAGE_SIZE) | table;
    for (uint64_t i = 0; i < IDENTITY_MAP_GIB * PAGE_TABLE_ENTRIES; i++)
        pd[i] = (i * LARGE_PAGE_SIZE) | table | PTE_PAGE_SIZE;
    start->cr3 = BOOT_PAGE_TABLES_GPA;
}

/* The cmdline module's text, without a trailing newline; NULL if absent. */
static const char *module_cmdline(void)
{
    static char text[BOOT_CMDLINE_MAX];
    struct blob b = guest_module(CMDLINE_MODULE);
    if (!b.data)
        return 0;
    uint64_t n = b.size;
    while (n && (b.data[n - 1] == '\n' || b.data[n - 1] == '\r'))
        n--;
    if (n >= sizeof text)
        loader_refuse("the command line is %lu bytes; at most %lu fit", n, sizeof text - 1);
    for (uint64_t i = 0; i < n; i++)
        if (b.data[i] < ' ')
            loader_refuse("the command line holds a control character (0x%x) at byte %lu",
                          b.data[i], i);
    memcpy(text, b.data, n);
    text[n] = '\0';
    return text;
}

struct guest_start guest_load(const struct boot_info *info, struct ept *e,
                              uint64_t size)
{
    boot = info;
    struct blob kernel = guest_module(KERNEL_MODULE);
    if (!kernel.data)
        run_fail("no guest: the multiboot module %s is missing", KERNEL_MODULE);
    if (size < GUEST_RAM_MIN || size > GUEST_RAM_MAX || size % PAGE_SIZE)
        run_fail("guest RAM of %lu bytes: it must be 2 MiB to 1 GiB, in whole pages", size);

    ram_size = size;
    ram = page_alloc_aligned(ram_size / PAGE_SIZE, LARGE_PAGE_SIZE);
    uint64_t hpa = (uint64_t)(uintptr_t)ram;
    if (!ept_map(e, 0, hpa, LEGACY_HOLE_START, EPT_RWX) ||
        !ept_map(e, LEGACY_HOLE_END, hpa + LEGACY_HOLE_END, ram_size - LEGACY_HOLE_END,
                 EPT_RWX))
        run_fail("EPT: could not map guest RAM");
    bios_area_create(e);
    guest_memory_init(e, hpa, ram_size);
    kprintf("EPT: guest RAM %lu MiB at GPA 0 (host 0x%lx), hole at 0x%lx-0x%lx (read-only)\n",
            ram_size / MIB, hpa, LEGACY_HOLE_START, LEGACY_HOLE_END - 1);
    kprintf("EPT: %lu pages of 4 KiB, %lu of 2 MiB, %lu of 1 GiB; %lu table pages\n",
            e->pages_4k, e->pages_2m, e->pages_1g, e->table_pages);

    struct blob initrd = guest_module(INITRD_MODULE);
    const char *cmdline = module_cmdline();
    struct guest_start start;
    if (!multiboot_load(kernel, initrd, cmdline, &start) &&
        !linux_load(kernel, initrd, cmdline, &start))
        loader_refuse("the kernel module (%lu bytes) is no bzImage, ELF64 vmlinux or "
                      "multiboot kernel", kernel.size);
    static const char *const mode_names[] = {
        [GUEST_REAL] = "real mode", [GUEST_PROTECTED32] = "32-bit protected mode",
        [GUEST_LONG64] = "64-bit mode"};
    kprintf("loader: entering the kernel at 0x%lx in %s\n", start.rip, mode_names[start.mode]);
    return start;
}
