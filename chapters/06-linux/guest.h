/* SPDX-License-Identifier: MIT */
/** @file guest.h
 *  The guest's machine: RAM at guest-physical 0 built with EPT, the PC's
 *  hole at 640 KiB-1 MiB, and the kernel a loader puts in it. The loaders
 *  (linux_boot.c, multiboot_load.c) place every piece through guest_place,
 *  which refuses, by name, anything outside RAM, in the hole, or on top of
 *  another piece. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include "ept.h"
#include "multiboot.h"
#include "vmcs.h"

/** The multiboot modules the launcher names (chapters/06-linux/modules):
 *  the guest kernel in any format, its initramfs or multiboot module, its
 *  command line as a text file, and the virtio-blk disk. */
#define KERNEL_MODULE "kernel"
#define INITRD_MODULE "initrd"
#define CMDLINE_MODULE "cmdline"
#define DISK_MODULE "disk.img"
#define GUEST_RAM_DEFAULT (256ul << 20)

/** Like a PC, no RAM between 640 KiB and 1 MiB: that is the video memory
 *  and the BIOS ROMs (bios_area.c), read-only to the guest. */
#define LEGACY_HOLE_START 0xA0000ul
#define LEGACY_HOLE_END 0x100000ul
/** The extended BIOS data area, the last KiB below the hole: conventional
 *  memory (the BDA's "base memory size") is 639 KiB. */
#define EBDA_GPA 0x9FC00ul
#define EBDA_SIZE 0x400ul

/** Where the loaders put their own structures, in low RAM. */
#define BOOT_GDT_GPA 0x1000ul
#define BOOT_PAGE_TABLES_GPA 0x2000ul /**< the 64-bit entry's identity map */
#define BOOT_INFO_GPA 0x8000ul        /**< boot_params or the multiboot info */
#define BOOT_INFO_SIZE 0x1000ul
#define BOOT_CMDLINE_GPA 0x9000ul
#define BOOT_CMDLINE_MAX 0x1000ul     /**< with its NUL */
#define BOOT_AREA_END (BOOT_CMDLINE_GPA + BOOT_CMDLINE_MAX)

/** Guest memory map entry types: e820's and multiboot's share 1 and 2. */
#define MAP_RAM 1u
#define MAP_RESERVED 2u
#define MAP_ENTRIES 6

struct map_entry {
    uint64_t start, end;
    uint32_t type;
};

/** A module's bytes, as the hypervisor's loader handed them over. */
struct blob {
    const uint8_t *data;
    uint64_t size;
};

/** Builds guest RAM of ram_size bytes and the BIOS area with EPT, loads
 *  the kernel module by its own format, and returns how the guest starts;
 *  fails the run, by name, if anything is missing or refused. */
struct guest_start guest_load(const struct boot_info *info, struct ept *e,
                              uint64_t ram_size);

/** Reserves [gpa, gpa + size) of guest RAM for what and returns its host
 *  address; refuses (loader_refuse) a range that leaves RAM, touches the
 *  hole or overlaps an earlier one. */
uint8_t *guest_place(const char *what, uint64_t gpa, uint64_t size);
/** Guest RAM's size in bytes. */
uint64_t guest_ram_end(void);
/** The guest's memory map, as e820 and multiboot give it, the loader's
 *  own low area reserved if asked; returns the entry count. */
unsigned guest_memory_map(struct map_entry map[MAP_ENTRIES], bool reserve_boot_area);
/** The module named name (a blob of size 0 if absent). */
struct blob guest_module(const char *name);
/** Ends the run: "loader: refused: <why>". */
noreturn void loader_refuse(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** Writes the boot GDT (flat code at BOOT_CS, data at BOOT_DS; the code
 *  segment 64-bit when long) and, for long, 4 GiB of identity-mapped page
 *  tables; fills start's segments, mode and CR3. */
void guest_entry_tables(struct guest_start *start, enum guest_mode mode);

/** The loaders: each returns false if the file is not its format, else
 *  loads it (or refuses it) and fills start. */
bool multiboot_load(struct blob kernel, struct blob initrd, const char *cmdline,
                    struct guest_start *start);
bool linux_load(struct blob kernel, struct blob initrd, const char *cmdline,
                struct guest_start *start);
