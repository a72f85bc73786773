/* SPDX-License-Identifier: MIT */
/* From the 32-bit stub's long-mode jump to the chapter: console, descriptor
 * tables, boot information, memory. */
#include "chapter.h"
#include "console.h"
#include "descriptors.h"
#include "page_alloc.h"
#include "printf.h"
#include "run_end.h"

void boot_main(uint32_t magic, uint32_t multiboot_info_phys);

void boot_main(uint32_t magic, uint32_t multiboot_info_phys)
{
    static struct boot_info info;
    const char *why;

    console_init();
    gdt_init();
    idt_init();
    if (!multiboot_parse(magic,
                         (const struct multiboot_info *)(uintptr_t)multiboot_info_phys,
                         &info, &why))
        run_fail("boot: %s", why);
    memory_init(&info);
    kprintf("boot: command line \"%s\", %zu module(s)\n", info.cmdline,
            info.module_count);
    chapter_main(&info);
}
