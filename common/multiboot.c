/* SPDX-License-Identifier: MIT */
/* Turns the loader's multiboot information into a struct boot_info. The
 * pointers in the structure are physical; the low 4 GiB is identity-mapped. */
#include "multiboot.h"
#include "kstring.h"

extern char __image_start[], __image_end[];

static void add_range(struct phys_range *ranges, size_t *count, uint64_t start,
                      uint64_t end)
{
    if (*count < BOOT_MAX_RANGES && start < end)
        ranges[(*count)++] = (struct phys_range){start, end};
}

bool multiboot_parse(uint32_t magic, const struct multiboot_info *mbi,
                     struct boot_info *info, const char **why)
{
    memset(info, 0, sizeof *info);
    info->cmdline = "";
    if (magic != MULTIBOOT_BOOTLOADER_MAGIC) {
        *why = "not started by a multiboot loader (bad magic in EAX)";
        return false;
    }
    if (!(mbi->flags & MULTIBOOT_INFO_MEM_MAP)) {
        *why = "the loader gave no memory map";
        return false;
    }
    if (mbi->flags & MULTIBOOT_INFO_CMDLINE) {
        info->cmdline = (const char *)(uintptr_t)mbi->cmdline;
        add_range(info->reserved, &info->reserved_count, mbi->cmdline,
                  mbi->cmdline + strlen(info->cmdline) + 1);
    }

    add_range(info->reserved, &info->reserved_count, (uintptr_t)__image_start,
              (uintptr_t)__image_end);
    add_range(info->reserved, &info->reserved_count, (uintptr_t)mbi,
              (uintptr_t)mbi + sizeof *mbi);

    if (mbi->flags & MULTIBOOT_INFO_MODS) {
        const struct multiboot_module *m =
            (const struct multiboot_module *)(uintptr_t)mbi->mods_addr;
        add_range(info->reserved, &info->reserved_count, mbi->mods_addr,
                  mbi->mods_addr + mbi->mods_count * sizeof *m);
        for (uint32_t i = 0; i < mbi->mods_count && i < BOOT_MAX_MODULES; i++) {
            const char *s = m[i].string ? (const char *)(uintptr_t)m[i].string : "";
            info->modules[info->module_count++] =
                (struct boot_module){m[i].mod_start, m[i].mod_end, s};
            add_range(info->reserved, &info->reserved_count, m[i].mod_start,
                      m[i].mod_end);
            if (m[i].string)
                add_range(info->reserved, &info->reserved_count, m[i].string,
                          m[i].string + strlen(s) + 1);
        }
    }

    add_range(info->reserved, &info->reserved_count, mbi->mmap_addr,
              mbi->mmap_addr + mbi->mmap_length);
    for (uint32_t off = 0; off < mbi->mmap_length;) {
        const struct multiboot_mmap_entry *e =
            (const struct multiboot_mmap_entry *)(uintptr_t)(mbi->mmap_addr + off);
        if (e->type == MULTIBOOT_MEMORY_AVAILABLE)
            add_range(info->available, &info->available_count, e->addr,
                      e->addr + e->len);
        off += e->size + sizeof e->size;
    }
    return true;
}

/* True if word (up to a space or NUL) is file or ends in "/file". */
static bool names_file(const char *word, const char *file)
{
    size_t len = 0, flen = strlen(file);
    while (word[len] && word[len] != ' ')
        len++;
    if (len < flen || strncmp(word + len - flen, file, flen) != 0)
        return false;
    return len == flen || word[len - flen - 1] == '/';
}

const struct boot_module *boot_find_module(const struct boot_info *info,
                                           const char *file)
{
    for (size_t i = 0; i < info->module_count; i++) {
        const char *s = info->modules[i].string;
        /* GRUB and QEMU differ in whether the path leads the string, so
         * look at every word. */
        for (const char *w = s; *w; w++)
            if ((w == s || w[-1] == ' ') && names_file(w, file))
                return &info->modules[i];
    }
    return 0;
}
