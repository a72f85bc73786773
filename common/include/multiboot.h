/* SPDX-License-Identifier: MIT */
/** @file multiboot.h
 *  The parts of the Multiboot 0.6.96 information structure stepvisor reads:
 *  command line, modules (guests, disk images) and the memory map. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002u
#define MULTIBOOT_INFO_CMDLINE (1u << 2)
#define MULTIBOOT_INFO_MODS (1u << 3)
#define MULTIBOOT_INFO_MEM_MAP (1u << 6)
#define MULTIBOOT_MEMORY_AVAILABLE 1u

struct __attribute__((packed)) multiboot_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper;
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
};

struct __attribute__((packed)) multiboot_module {
    uint32_t mod_start, mod_end;
    uint32_t string;
    uint32_t reserved;
};

/** One memory-map entry; size counts the bytes after the size field. */
struct __attribute__((packed)) multiboot_mmap_entry {
    uint32_t size;
    uint64_t addr, len;
    uint32_t type;
};

#define BOOT_MAX_MODULES 8
#define BOOT_MAX_RANGES 32

/** A module as the hypervisor sees it. */
struct boot_module {
    uint64_t start, end; /**< physical, end exclusive */
    const char *string;  /**< the loader's module string */
};

/** A physical address range [start, end). */
struct phys_range {
    uint64_t start, end;
};

/** Everything boot learned from the loader, in plain form. */
struct boot_info {
    const char *cmdline; /**< never NULL */
    struct boot_module modules[BOOT_MAX_MODULES];
    size_t module_count;
    struct phys_range available[BOOT_MAX_RANGES]; /**< usable RAM */
    size_t available_count;
    struct phys_range reserved[BOOT_MAX_RANGES]; /**< in use by image, info, modules */
    size_t reserved_count;
};

/** Fills info from the loader's structure; false with a reason if unusable. */
bool multiboot_parse(uint32_t magic, const struct multiboot_info *mbi,
                     struct boot_info *info, const char **why);

/** Finds the module whose string names file (by basename), or NULL. */
const struct boot_module *boot_find_module(const struct boot_info *info,
                                           const char *file);
