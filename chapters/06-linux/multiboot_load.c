/* SPDX-License-Identifier: MIT */
/* Multiboot 0.6.96 kernels ("OS image format", "Machine state", "Boot
 * information format" in the specification): an ELF32 file with a
 * multiboot header in its first 8 KiB, loaded at its physical addresses,
 * entered in 32-bit protected mode with paging off, EAX = 0x2BADB002 and
 * EBX = the multiboot information. This is how a student's own OS boots. */
#include "elf.h"
#include "guest.h"
#include "kstring.h"
#include "printf.h"
#include "x86.h"

#define MULTIBOOT_HEADER_MAGIC 0x1BADB002u
#define MULTIBOOT_SEARCH_BYTES 8192
#define MULTIBOOT_HEADER_ALIGN 4
#define MULTIBOOT_PAGE_ALIGN (1u << 0)  /* modules page-aligned: always */
#define MULTIBOOT_MEMORY_INFO (1u << 1) /* mem_* and mmap_*: always given */
#define MULTIBOOT_REQUIRED_MASK 0xFFFFu /* bits 0-15: a loader must honour or refuse */
#define MULTIBOOT_INFO_MEMORY (1u << 0)
#define KIB 1024u

struct __attribute__((packed)) multiboot_header {
    uint32_t magic, flags, checksum;
};

/* The header: 4-byte aligned in the first 8 KiB, magic + flags + checksum
 * summing to 0. */
static const struct multiboot_header *find_header(struct blob k)
{
    uint64_t limit = k.size < MULTIBOOT_SEARCH_BYTES ? k.size : MULTIBOOT_SEARCH_BYTES;
    for (uint64_t at = 0; at + sizeof(struct multiboot_header) <= limit;
         at += MULTIBOOT_HEADER_ALIGN) {
        const struct multiboot_header *h = (const struct multiboot_header *)(k.data + at);
        if (h->magic == MULTIBOOT_HEADER_MAGIC && h->magic + h->flags + h->checksum == 0)
            return h;
    }
    return 0;
}

/* The information structure, then the memory map and the module list
 * behind it in the same page; the command line; the one module (the
 * initrd), page-aligned after the kernel as GRUB places modules, its
 * string its name. */
static void write_info(uint64_t kernel_end, struct blob initrd, const char *cmdline)
{
    struct multiboot_info *mbi =
        (struct multiboot_info *)guest_place("the multiboot information", BOOT_INFO_GPA,
                                             BOOT_INFO_SIZE);
    struct multiboot_mmap_entry *mmap = (struct multiboot_mmap_entry *)(mbi + 1);
    struct map_entry map[MAP_ENTRIES];
    /* As GRUB's: the information is in available RAM, the kernel's to keep. */
    unsigned n = guest_memory_map(map, false);
    for (unsigned i = 0; i < n; i++)
        mmap[i] = (struct multiboot_mmap_entry){sizeof *mmap - sizeof mmap->size, map[i].start,
                                                map[i].end - map[i].start, map[i].type};
    struct multiboot_module *mod = (struct multiboot_module *)(mmap + n);
    *mbi = (struct multiboot_info){
        .flags = MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS |
                 MULTIBOOT_INFO_MEM_MAP,
        .mem_lower = EBDA_GPA / KIB, .mem_upper = (guest_ram_end() - LEGACY_HOLE_END) / KIB,
        .cmdline = BOOT_CMDLINE_GPA, .mmap_length = n * sizeof *mmap,
        .mods_addr = BOOT_INFO_GPA + sizeof *mbi + n * sizeof *mmap,
        .mmap_addr = BOOT_INFO_GPA + sizeof *mbi};

    const char *line = cmdline ? cmdline : "";
    size_t len = strlen(line) + 1;
    memcpy(guest_place("the command line", BOOT_CMDLINE_GPA, len), line, len);
    kprintf("loader: multiboot information at 0x%lx, command line at 0x%lx: \"%s\"\n",
            BOOT_INFO_GPA, BOOT_CMDLINE_GPA, line);

    if (initrd.data) {
        uint64_t at = (kernel_end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        memcpy(guest_place("the multiboot module", at, initrd.size), initrd.data, initrd.size);
        char *string = (char *)(mod + 1);
        memcpy(string, INITRD_MODULE, sizeof INITRD_MODULE);
        *mod = (struct multiboot_module){(uint32_t)at, (uint32_t)(at + initrd.size),
                                         (uint32_t)(mbi->mods_addr + sizeof *mod), 0};
        mbi->mods_count = 1;
        kprintf("loader: module \"%s\", %lu bytes, at 0x%lx\n", INITRD_MODULE, initrd.size, at);
    }
}

bool multiboot_load(struct blob k, struct blob initrd, const char *cmdline,
                    struct guest_start *start)
{
    const struct multiboot_header *h = find_header(k);
    if (!h)
        return false;
    uint32_t unknown = h->flags & MULTIBOOT_REQUIRED_MASK &
                       ~(MULTIBOOT_PAGE_ALIGN | MULTIBOOT_MEMORY_INFO);
    if (unknown)
        loader_refuse("multiboot header flags 0x%x require 0x%x (a video mode or more), "
                      "which this loader does not provide", h->flags, unknown);
    if (!elf_is(k, ELF_CLASS_32))
        loader_refuse("multiboot kernel is no ELF32 file (the a.out kludge is not supported)");
    kprintf("loader: multiboot kernel, ELF32, %lu bytes, header flags 0x%x\n", k.size,
            h->flags);
    uint64_t kernel_end;
    uint64_t entry = elf_load(k, ELF_CLASS_32, "multiboot segment", &kernel_end);

    write_info(kernel_end, initrd, cmdline);
    guest_entry_tables(start, GUEST_PROTECTED32);
    start->rip = entry;
    start->rax = MULTIBOOT_BOOTLOADER_MAGIC;
    start->rbx = BOOT_INFO_GPA;
    return true;
}
