/* SPDX-License-Identifier: MIT */
/* The BIOS area a PC kernel reads. Linux's probe_roms reads 0xC0000-
 * 0xFFFFF; its MP table search reads the EBDA (the segment at 0x40E of
 * the BIOS data area), the last KiB below 640 KiB and 0xF0000-0xFFFFF;
 * reserve_bios_regions and the decompressor's trampoline placement trust
 * 0x40E and the base memory size at 0x413. Here the EBDA is the KiB below
 * 640 KiB, and the hole is a host buffer EPT maps without write access. */
#include "bios_area.h"
#include "guest.h"
#include "mptable.h"
#include "page_alloc.h"
#include "printf.h"
#include "run_end.h"
#include "x86.h"

/* The BIOS data area ("BDA"): the EBDA's real-mode segment, and the KiB of
 * conventional memory below it. */
#define BDA_GPA 0x400ul
#define BDA_SIZE 0x100ul
#define BDA_EBDA_SEGMENT 0x0E
#define BDA_BASE_MEMORY_KIB 0x13
#define REAL_MODE_SEGMENT_SHIFT 4
#define KIB 1024u

void bios_area_create(struct ept *e)
{
    uint64_t size = LEGACY_HOLE_END - LEGACY_HOLE_START;
    uint8_t *rom = page_alloc(size / PAGE_SIZE);
    size_t mp_bytes = mptable_write(rom + (MP_TABLE_GPA - LEGACY_HOLE_START), MP_TABLE_GPA);
    if (!ept_map(e, LEGACY_HOLE_START, (uint64_t)(uintptr_t)rom, size,
                 EPT_READ | EPT_EXECUTE))
        run_fail("EPT: could not map the BIOS area");

    uint8_t *bda = guest_place("the BIOS data area", BDA_GPA, BDA_SIZE);
    guest_place("the EBDA", EBDA_GPA, EBDA_SIZE);
    *(uint16_t *)(bda + BDA_EBDA_SEGMENT) = EBDA_GPA >> REAL_MODE_SEGMENT_SHIFT;
    *(uint16_t *)(bda + BDA_BASE_MEMORY_KIB) = EBDA_GPA / KIB;
    kprintf("bios: EBDA at 0x%lx (BDA 0x40E), %lu KiB base memory (BDA 0x413), "
            "MP table at 0x%lx (%lu bytes), 0x%lx-0x%lx read-only\n", EBDA_GPA,
            EBDA_GPA / KIB, MP_TABLE_GPA, mp_bytes, LEGACY_HOLE_START, LEGACY_HOLE_END - 1);
}

bool bios_area_contains(uint64_t gpa)
{
    return gpa >= LEGACY_HOLE_START && gpa < LEGACY_HOLE_END;
}
