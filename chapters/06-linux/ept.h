/* SPDX-License-Identifier: MIT */
/** @file ept.h
 *  Extended page tables: the second translation, from guest-physical to
 *  host-physical addresses, that the CPU walks after the guest's own page
 *  tables. Intel SDM Vol. 3C, "The Extended Page Table Mechanism (EPT)". */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* EPT paging-structure entries ("EPT Translation Mechanism", tables
 * "Format of an EPT PML4 Entry" to "Format of an EPT Page-Table Entry"). */
#define EPT_READ (1ul << 0)
#define EPT_WRITE (1ul << 1)
#define EPT_EXECUTE (1ul << 2)
#define EPT_RWX (EPT_READ | EPT_WRITE | EPT_EXECUTE)
#define EPT_MEMORY_TYPE_SHIFT 3 /**< leaf entries: bits 5:3 */
#define EPT_LARGE_PAGE (1ul << 7)
#define EPT_ADDRESS_MASK 0x000FFFFFFFFFF000ul
#define EPT_ENTRIES 512
#define EPT_LEVELS 4

/* The EPT pointer ("Extended-Page-Table Pointer (EPTP)"). */
#define EPTP_MEMORY_TYPE_WB 6ul
#define EPTP_WALK_LENGTH_SHIFT 3 /**< bits 5:3: walk length minus 1 */
#define EPTP_ACCESSED_DIRTY (1ul << 6)

/** One EPT hierarchy and what building it cost. */
struct ept {
    uint64_t *pml4;
    bool use_2m, use_1g;          /**< large pages the CPU offers */
    uint64_t table_pages;         /**< PML4, PDPTs, PDs and PTs allocated */
    uint64_t pages_4k, pages_2m, pages_1g;
};

/** Starts an empty hierarchy (one PML4 page). */
void ept_init(struct ept *e, bool use_2m, bool use_1g);
/** Maps [gpa, gpa + size) to [hpa, hpa + size) with write-back memory and
 *  the permissions perms, using the largest pages alignment allows. Both
 *  addresses and size must be 4 KiB-aligned; false if something is already
 *  mapped there. */
bool ept_map(struct ept *e, uint64_t gpa, uint64_t hpa, uint64_t size, uint64_t perms);
/** Walks the hierarchy as the CPU would: the host-physical address of gpa,
 *  or false if gpa is not mapped. */
bool ept_translate(const struct ept *e, uint64_t gpa, uint64_t *hpa);
/** The EPTP: write-back, 4-level walk, accessed/dirty flags if asked. */
uint64_t ept_pointer(const struct ept *e, bool accessed_dirty);
