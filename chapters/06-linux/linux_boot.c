/* SPDX-License-Identifier: MIT */
/* The Linux x86 boot protocol (Documentation/x86/boot.rst, zero-page.rst):
 * a bzImage is its real-mode setup, whose header describes the kernel,
 * then the protected-mode kernel, which this loader copies to code32_start
 * and enters at its 32-bit entry. The kernel learns the rest from
 * boot_params (the "zero page"): the header, the command line, the
 * initramfs and the e820 memory map. The fast path loads the ELF vmlinux
 * itself, skipping the decompressor, and enters startup_64 in 64-bit mode
 * with the same boot_params ("64-bit Boot Protocol"). */
#include "elf.h"
#include "guest.h"
#include "kstring.h"
#include "pc.h"
#include "printf.h"
#include "x86.h"
#include "abi/virtio_mmio.h"

/* The setup header's place in the file and in boot_params. */
#define SETUP_HEADER_OFFSET 0x1F1
#define SETUP_JUMP_END 0x202       /* the header ends at this + the byte at 0x201 */
#define SETUP_JUMP_LENGTH 0x201
#define SECTOR_SIZE 512
#define SETUP_SECTS_DEFAULT 4      /* what 0 in setup_sects means */
#define BOOT_FLAG 0xAA55
#define HEADER_MAGIC 0x53726448u   /* "HdrS" */
#define PROTOCOL_MIN 0x020A        /* 2.10: pref_address and init_size */
#define PROTOCOL_64BIT_LOADER 0x020F
#define LOADED_HIGH (1u << 0)
#define TYPE_OF_LOADER_UNDEFINED 0xFF
#define INITRD_ADDR_MAX_DEFAULT 0x7FFFFFFFu
#define DEFAULT_CMDLINE "console=ttyS0"
#define PROTOCOL_MAJOR_SHIFT 8
#define PROTOCOL_MINOR_MASK 0xFF

/* boot_params fields outside the setup header (zero-page.rst). */
#define BP_E820_ENTRIES 0x1E8
#define BP_E820_TABLE 0x2D0

struct __attribute__((packed)) setup_header {
    uint8_t setup_sects;
    uint16_t root_flags;
    uint32_t syssize;
    uint16_t ram_size, vid_mode, root_dev, boot_flag, jump;
    uint32_t header;
    uint16_t version;
    uint32_t realmode_swtch;
    uint16_t start_sys_seg, kernel_version;
    uint8_t type_of_loader, loadflags;
    uint16_t setup_move_size;
    uint32_t code32_start, ramdisk_image, ramdisk_size, bootsect_kludge;
    uint16_t heap_end_ptr;
    uint8_t ext_loader_ver, ext_loader_type;
    uint32_t cmd_line_ptr, initrd_addr_max, kernel_alignment;
    uint8_t relocatable_kernel, min_alignment;
    uint16_t xloadflags;
    uint32_t cmdline_size, hardware_subarch;
    uint64_t hardware_subarch_data;
    uint32_t payload_offset, payload_length;
    uint64_t setup_data, pref_address;
    uint32_t init_size, handover_offset, kernel_info_offset;
};

struct __attribute__((packed)) boot_e820_entry {
    uint64_t addr, size;
    uint32_t type;
};

/* Where a "--" word starts in line (Linux hands what follows it to init),
 * or the end of line. */
static size_t kernel_part(const char *line)
{
    size_t i = 0;
    for (; line[i]; i++)
        if ((i == 0 || line[i - 1] == ' ') && line[i] == '-' && line[i + 1] == '-' &&
            (line[i + 2] == ' ' || line[i + 2] == '\0'))
            return i;
    return i;
}

/* The command line: the cmdline module's or console=ttyS0, then, always,
 * one virtio_mmio.device=SIZE@BASE:IRQ per device, which is how Linux
 * finds virtio-mmio devices without ACPI or a device tree; before a "--",
 * or init would get them. */
static uint64_t place_cmdline(const char *given, uint32_t max)
{
    static char line[BOOT_CMDLINE_MAX];
    const char *base = given ? given : DEFAULT_CMDLINE;
    size_t head = kernel_part(base);
    int n = ksnprintf(line, sizeof line,
                      "%.*s%svirtio_mmio.device=4K@0x%lx:%u virtio_mmio.device=4K@0x%lx:%u%s%s",
                      (int)head, base, head && base[head - 1] != ' ' ? " " : "",
                      VIRTIO_CONSOLE_BASE, IRQ_VIRTIO_CONSOLE, VIRTIO_BLK_BASE, IRQ_VIRTIO_BLK,
                      base[head] ? " " : "", base + head);
    if (n < 0 || (size_t)n >= sizeof line || (uint32_t)n > max)
        loader_refuse("the command line is %d bytes; the kernel takes at most %u", n, max);
    memcpy(guest_place("the command line", BOOT_CMDLINE_GPA, (size_t)n + 1), line,
           (size_t)n + 1);
    kprintf("loader: command line at 0x%lx: \"%s\"\n", BOOT_CMDLINE_GPA, line);
    return BOOT_CMDLINE_GPA;
}

/* The initramfs goes high, page-aligned, below initrd_addr_max and the
 * end of RAM, where the kernel's own decompression will not reach. */
static void place_initrd(struct setup_header *h, struct blob initrd)
{
    if (!initrd.data)
        return;
    /* LAB boot-params (continued): place the initramfs at the highest
     * page-aligned address where it ends below both initrd_addr_max + 1 and
     * the end of RAM (guest_ram_end()), copy it there through guest_place()
     * (which refuses a place that meets the kernel) and tell the kernel in
     * ramdisk_image and ramdisk_size.
     * Student stub:
     *     (void)h;
     *     run_fail("lab boot-params is not done yet");
     *     return;
     */
    uint64_t top = guest_ram_end();
    if (h->initrd_addr_max < top - 1)
        top = (uint64_t)h->initrd_addr_max + 1;
    if (initrd.size > top)
        loader_refuse("the initramfs of %lu bytes does not fit below 0x%lx", initrd.size, top);
    uint64_t gpa = (top - initrd.size) & ~(PAGE_SIZE - 1);
    memcpy(guest_place("the initramfs", gpa, initrd.size), initrd.data, initrd.size);
    h->ramdisk_image = (uint32_t)gpa;
    h->ramdisk_size = (uint32_t)initrd.size;
    kprintf("loader: initramfs, %lu bytes, at 0x%lx\n", initrd.size, gpa);
    /* END LAB boot-params */
}

/* boot_params: zeroed, the setup header, the loader's fields, e820. */
static void fill_boot_params(uint8_t *bp, struct setup_header *h, struct blob initrd,
                             const char *cmdline)
{
    /* LAB boot-params (30 points): fill boot_params (bp, zeroed) for the
     * 32- and 64-bit boot protocols: the loader's fields of the setup
     * header (type_of_loader: a loader without an assigned ID;
     * cmd_line_ptr: place_cmdline(); the initramfs: place_initrd(), whose
     * placement is yours too), then the header itself at its offset, then
     * the e820 map from guest_memory_map(), reserving the loader's areas.
     * Graded by: test_ch06_linux.py::test_linux_boots_to_the_shell_prompt,
     *   test_ch06_linux.py::test_hvc0_output_shows_in_the_hypervisors_log,
     *   test_ch06_boot.py::test_an_initramfs_that_meets_the_kernel_is_refused
     * Student stub:
     *     (void)bp;
     *     (void)h;
     *     (void)initrd;
     *     (void)cmdline;
     *     (void)place_cmdline;
     *     (void)place_initrd;
     *     run_fail("lab boot-params is not done yet");
     */
    h->type_of_loader = TYPE_OF_LOADER_UNDEFINED;
    h->cmd_line_ptr = (uint32_t)place_cmdline(cmdline, h->cmdline_size);
    place_initrd(h, initrd);
    memcpy(bp + SETUP_HEADER_OFFSET, h, sizeof *h);
    struct map_entry map[MAP_ENTRIES];
    /* The loader's GDT, page tables, boot_params and command line are
     * reserved: Linux is told of every area in use. */
    unsigned n = guest_memory_map(map, true);
    struct boot_e820_entry *e820 = (struct boot_e820_entry *)(bp + BP_E820_TABLE);
    for (unsigned i = 0; i < n; i++)
        e820[i] = (struct boot_e820_entry){map[i].start, map[i].end - map[i].start, map[i].type};
    bp[BP_E820_ENTRIES] = (uint8_t)n;
    /* END LAB boot-params */
}

static bool load_bzimage(struct blob k, struct blob initrd, const char *cmdline,
                         struct guest_start *start)
{
    const uint64_t header_end = SETUP_HEADER_OFFSET + sizeof(struct setup_header);
    if (k.size < header_end)
        return false;
    /* The header ends where its first field, a jump, lands: bytes past
     * that are not the header's, and the loader's fields stay zero. */
    uint64_t end = SETUP_JUMP_END + k.data[SETUP_JUMP_LENGTH];
    struct setup_header h = {0};
    memcpy(&h, k.data + SETUP_HEADER_OFFSET,
           (end < header_end ? end : header_end) - SETUP_HEADER_OFFSET);
    if (h.boot_flag != BOOT_FLAG)
        return false;
    if (h.header != HEADER_MAGIC)
        loader_refuse("bzImage: no \"HdrS\" at 0x202: no boot protocol 2.00 or later");
    if (h.version < PROTOCOL_MIN)
        loader_refuse("bzImage: boot protocol %u.%02u; this loader needs 2.10 or later",
                      h.version >> PROTOCOL_MAJOR_SHIFT, h.version & PROTOCOL_MINOR_MASK);
    if (!(h.loadflags & LOADED_HIGH))
        loader_refuse("bzImage: loadflags 0x%x lack LOADED_HIGH: a zImage, loaded at 64 KiB, "
                      "is not supported", h.loadflags);
    uint64_t setup_size = (uint64_t)((h.setup_sects ? h.setup_sects : SETUP_SECTS_DEFAULT) + 1) *
                          SECTOR_SIZE;
    if (setup_size >= k.size)
        loader_refuse("bzImage: setup_sects %u put the kernel past the file's end (%lu bytes)",
                      h.setup_sects, k.size);
    uint64_t kernel_size = k.size - setup_size;
    memcpy(guest_place("the bzImage's kernel", h.code32_start, kernel_size),
           k.data + setup_size, kernel_size);
    guest_place("the kernel's decompression area (pref_address, init_size)", h.pref_address,
                h.init_size);
    kprintf("loader: bzImage, boot protocol %u.%02u, %lu bytes of kernel at 0x%x\n",
            h.version >> PROTOCOL_MAJOR_SHIFT, h.version & PROTOCOL_MINOR_MASK, kernel_size,
            h.code32_start);
    kprintf("loader: the kernel decompresses itself to 0x%lx-0x%lx (init_size)\n",
            h.pref_address, h.pref_address + h.init_size);
    uint8_t *bp = guest_place("boot_params", BOOT_INFO_GPA, BOOT_INFO_SIZE);
    fill_boot_params(bp, &h, initrd, cmdline);
    kprintf("loader: boot_params at 0x%lx\n", BOOT_INFO_GPA);

    /* "32-bit Boot Protocol": flat __BOOT_CS and __BOOT_DS, paging off,
     * interrupts off, ESI = boot_params, EBP, EDI and EBX zero. */
    guest_entry_tables(start, GUEST_PROTECTED32);
    start->rip = h.code32_start;
    start->rsi = BOOT_INFO_GPA;
    return true;
}

static bool load_vmlinux(struct blob k, struct blob initrd, const char *cmdline,
                         struct guest_start *start)
{
    if (!elf_is(k, ELF_CLASS_64))
        return false;
    kprintf("loader: vmlinux, ELF64, %lu bytes: the kernel without its decompressor\n",
            k.size);
    uint64_t end;
    uint64_t entry = elf_load(k, ELF_CLASS_64, "vmlinux segment", &end);
    /* No bzImage, no header to copy: the fields a 64-bit loader sets. */
    struct setup_header h = {.boot_flag = BOOT_FLAG, .header = HEADER_MAGIC,
                             .version = PROTOCOL_64BIT_LOADER, .loadflags = LOADED_HIGH,
                             .initrd_addr_max = INITRD_ADDR_MAX_DEFAULT,
                             .cmdline_size = BOOT_CMDLINE_MAX - 1};
    uint8_t *bp = guest_place("boot_params", BOOT_INFO_GPA, BOOT_INFO_SIZE);
    fill_boot_params(bp, &h, initrd, cmdline);
    kprintf("loader: boot_params at 0x%lx\n", BOOT_INFO_GPA);

    /* "64-bit Boot Protocol": 64-bit mode, the kernel, boot_params and the
     * command line identity-mapped, __BOOT_CS and __BOOT_DS, RSI. */
    guest_entry_tables(start, GUEST_LONG64);
    start->rip = entry;
    start->rsi = BOOT_INFO_GPA;
    return true;
}

bool linux_load(struct blob kernel, struct blob initrd, const char *cmdline,
                struct guest_start *start)
{
    return load_bzimage(kernel, initrd, cmdline, start) ||
           load_vmlinux(kernel, initrd, cmdline, start);
}
