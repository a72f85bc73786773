/* SPDX-License-Identifier: MIT */
/* A multiboot kernel that checks what a Multiboot 0.6.96 loader must give
 * it ("Machine state" and "Boot information format" in the specification):
 * the magic value in EAX, 32-bit protected mode with paging off, flat
 * segments, A20 on, interrupts off, .bss zeroed, the memory information,
 * the memory map, the command line and one module whose contents the
 * command line describes (module_bytes=N module_fnv1a=0xH).
 *
 * Each check prints one line on COM1, "mbcheck: <what>: ok", or
 * "mbcheck: <what>: FAILED: <why>" and stops there. The run ends through
 * QEMU's isa-debug-exit port: 0 when every check passed, else the number
 * of the check that failed. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "cpu.h"
#include "multiboot.h"
#include "serial.h"
#include "x86.h"

/* QEMU's isa-debug-exit device (-device isa-debug-exit,iobase=0xf4): a
 * byte V written here ends QEMU with exit status (V << 1) | 1. */
#define DEBUG_EXIT_PORT 0xF4
#define MULTIBOOT_INFO_MEMORY (1u << 0) /* mem_lower and mem_upper are valid */
#define KIB 1024u
#define LOWER_MEMORY_MAX_KIB 640u       /* conventional memory ends at 640 KiB */
#define UPPER_MEMORY_START 0x100000u    /* upper memory starts at 1 MiB */
#define MMAP_ENTRY_MIN_SIZE 20u         /* base, length, type after the size field */
#define CMDLINE_MAX 4096u
#define BSS_PROBE_BYTES 4096u
#define A20_ALIAS (1u << 20)            /* with A20 off, bit 20 reads as 0 */
#define FNV1A_OFFSET_BASIS 0x811C9DC5u  /* FNV-1a, 32 bits */
#define FNV1A_PRIME 0x01000193u

/* LAR's access-rights bits (Intel SDM Vol. 2A, "LAR"): descriptor bits
 * 8-23 in place. */
#define AR_TYPE_WRITABLE (1u << 9) /* data: writable; code: readable */
#define AR_TYPE_CODE (1u << 11)
#define AR_S (1u << 12)            /* code or data, not system */
#define AR_P (1u << 15)
#define AR_DB (1u << 22)           /* 32-bit code or stack */
#define FLAT_LIMIT 0xFFFFFFFFu

extern const uint8_t image_start[], image_end[]; /* linker.ld */

static volatile uint8_t bss_probe[BSS_PROBE_BYTES];
static volatile uint32_t a20_probe = 1;
static unsigned checks;

static noreturn void finish(uint8_t status)
{
    serial_flush();
    outb(DEBUG_EXIT_PORT, status);
    for (;;) /* not under QEMU: stop here */
        __asm__ volatile("cli; hlt");
}

static void begin(const char *what)
{
    checks++;
    serial_puts("mbcheck: ");
    serial_puts(what);
}

static void end(bool ok, const char *why_not)
{
    if (ok) {
        serial_puts(": ok\n");
        return;
    }
    serial_puts(": FAILED: ");
    serial_puts(why_not);
    serial_puts("\nmbcheck: check ");
    serial_put_dec(checks);
    serial_puts(" failed\n");
    finish((uint8_t)checks);
}

static void check(const char *what, bool ok, const char *why_not)
{
    begin(what);
    end(ok, why_not);
}

/* --- the machine state ---------------------------------------------------- */

/* Flat segments: base 0 (not visible to LAR and LSL; this code runs at
 * its link addresses only with base 0), limit 4 GiB, code or writable data,
 * 32-bit for CS and SS. */
static void check_segment(enum segment s, const char *name)
{
    bool code = s == SEG_CS, bits32 = code || s == SEG_SS;
    uint32_t kind = code ? AR_TYPE_CODE : AR_TYPE_WRITABLE;
    uint32_t mask = AR_S | AR_P | AR_TYPE_CODE | (code ? 0 : AR_TYPE_WRITABLE) |
                    (bits32 ? AR_DB : 0);
    uint32_t want = AR_S | AR_P | kind | (bits32 ? AR_DB : 0);
    uint32_t rights = 0, limit = 0;
    uint16_t selector = read_selector(s);
    bool ok = load_access_rights(selector, &rights) &&
              load_segment_limit(selector, &limit) && (rights & mask) == want &&
              limit == FLAT_LIMIT;
    begin(name);
    serial_puts(code ? ": 32-bit code" : bits32 ? ": 32-bit writable data" : ": writable data");
    serial_puts(", limit 0xffffffff");
    if (!ok) {
        serial_puts(" (selector ");
        serial_put_hex(selector, 4);
        serial_puts(", access rights ");
        serial_put_hex(rights, 8);
        serial_puts(", limit ");
        serial_put_hex(limit, 8);
        serial_putc(')');
    }
    end(ok, "not a flat segment of that kind");
}

/* With A20 masked, an address with bit 20 set reads the same memory as the
 * one without it: write two values and see whether the alias follows. */
static bool a20_enabled(void)
{
    volatile uint32_t *alias = (volatile uint32_t *)((uintptr_t)&a20_probe - A20_ALIAS);
    for (uint32_t v = 0; v < 2; v++) {
        a20_probe = 0xA20u + v;
        if (*alias != a20_probe)
            return true;
    }
    return false;
}

static bool bss_zeroed(void)
{
    for (size_t i = 0; i < BSS_PROBE_BYTES; i++)
        if (bss_probe[i])
            return false;
    return true;
}

/* --- the boot information ------------------------------------------------- */

static const struct multiboot_info *mbi;

/* Walks the memory map; f sees each entry, and false ends the walk. */
static bool mmap_walk(bool (*f)(const struct multiboot_mmap_entry *, void *), void *arg)
{
    uintptr_t p = mbi->mmap_addr, end_of_map = p + mbi->mmap_length;
    while (p < end_of_map) {
        const struct multiboot_mmap_entry *e = (const void *)p;
        if (e->size < MMAP_ENTRY_MIN_SIZE || p + sizeof e->size + e->size > end_of_map)
            return false;
        if (!f(e, arg))
            return true;
        p += sizeof e->size + e->size;
    }
    return true;
}

static bool print_entry(const struct multiboot_mmap_entry *e, void *count)
{
    ++*(unsigned *)count;
    serial_puts("mbcheck: memory map: [");
    serial_put_hex(e->addr, 1);
    serial_puts(", ");
    serial_put_hex(e->addr + e->len, 1);
    serial_puts(") type ");
    serial_put_dec(e->type);
    serial_putc('\n');
    return true;
}

struct range_query {
    uint64_t start, end; /* [start, end) */
    uint64_t available;  /* the length of available RAM from start */
};

static bool find_available(const struct multiboot_mmap_entry *e, void *arg)
{
    struct range_query *q = arg;
    if (e->type == MULTIBOOT_MEMORY_AVAILABLE && e->addr <= q->start &&
        q->start < e->addr + e->len) {
        q->available = e->addr + e->len - q->start;
        return false;
    }
    return true;
}

/* Bytes of available RAM from start on (0 when start is not available). */
static uint64_t available_from(uint64_t start)
{
    struct range_query q = {start, 0, 0};
    mmap_walk(find_available, &q);
    return q.available;
}

static bool in_available_ram(uint64_t start, uint64_t end)
{
    return end >= start && available_from(start) >= end - start;
}

static bool overlap(uint64_t a_start, uint64_t a_end, uint64_t b_start, uint64_t b_end)
{
    return a_start < b_end && b_start < a_end;
}

static size_t bounded_strlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

static bool printable(const char *s)
{
    for (; *s; s++)
        if (*s < ' ' || *s > '~')
            return false;
    return true;
}

/* The value of key=VALUE among the words of cmdline, as a number (decimal,
 * or hexadecimal after 0x); false when absent or not a number. */
static bool cmdline_number(const char *cmdline, const char *key, uint32_t *value)
{
    size_t key_len = bounded_strlen(key, CMDLINE_MAX);
    for (const char *w = cmdline; *w; w++) {
        if (w != cmdline && w[-1] != ' ')
            continue;
        size_t i = 0;
        while (i < key_len && w[i] == key[i])
            i++;
        if (i < key_len || w[i] != '=')
            continue;
        const char *d = w + i + 1;
        unsigned base = 10;
        if (d[0] == '0' && d[1] == 'x') {
            base = 16;
            d += 2;
        }
        uint32_t v = 0;
        size_t digits = 0;
        for (; *d && *d != ' '; d++, digits++) {
            unsigned digit;
            if (*d >= '0' && *d <= '9')
                digit = (unsigned)(*d - '0');
            else if (base == 16 && *d >= 'a' && *d <= 'f')
                digit = (unsigned)(*d - 'a' + 10);
            else
                return false;
            if (v > (UINT32_MAX - digit) / base)
                return false;
            v = v * base + digit;
        }
        *value = v;
        return digits > 0;
    }
    return false;
}

static uint32_t fnv1a(const uint8_t *p, size_t n)
{
    uint32_t h = FNV1A_OFFSET_BASIS;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= FNV1A_PRIME;
    }
    return h;
}

static void check_memory(void)
{
    check("flags: mem_lower/mem_upper, cmdline, mods, mmap",
          (mbi->flags & (MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE |
                         MULTIBOOT_INFO_MODS | MULTIBOOT_INFO_MEM_MAP)) ==
              (MULTIBOOT_INFO_MEMORY | MULTIBOOT_INFO_CMDLINE | MULTIBOOT_INFO_MODS |
               MULTIBOOT_INFO_MEM_MAP),
          "a flag is missing");

    unsigned entries = 0;
    bool well_formed = mmap_walk(print_entry, &entries);
    begin("memory map: ");
    serial_put_dec(entries);
    serial_puts(" entries, well-formed");
    end(well_formed && entries > 0, "an entry's size is short or runs past mmap_length");

    /* mem_lower and mem_upper are at most the RAM the map shows from 0 and
     * from 1 MiB, up to the first hole. */
    begin("mem_lower ");
    serial_put_dec(mbi->mem_lower);
    serial_puts(" KiB, within the map's RAM from 0");
    end(mbi->mem_lower <= LOWER_MEMORY_MAX_KIB &&
            (uint64_t)mbi->mem_lower * KIB <= available_from(0),
        "more than the map shows");
    begin("mem_upper ");
    serial_put_dec(mbi->mem_upper);
    serial_puts(" KiB, within the map's RAM from 1 MiB");
    end(mbi->mem_upper > 0 &&
            (uint64_t)mbi->mem_upper * KIB <= available_from(UPPER_MEMORY_START),
        "zero, or more than the map shows");

    check("the kernel image lies in available RAM",
          in_available_ram((uintptr_t)image_start, (uintptr_t)image_end),
          "the map does not show its range as available");
}

static const char *check_cmdline(void)
{
    const char *cmdline = (const char *)(uintptr_t)mbi->cmdline;
    size_t len = cmdline ? bounded_strlen(cmdline, CMDLINE_MAX) : CMDLINE_MAX;
    begin("command line \"");
    if (len < CMDLINE_MAX && printable(cmdline))
        serial_puts(cmdline);
    serial_putc('"');
    end(len < CMDLINE_MAX && printable(cmdline), "absent, unterminated or not printable");
    return cmdline;
}

static void check_module(const char *cmdline)
{
    check("one module", mbi->mods_count == 1, "mods_count is not 1");
    const struct multiboot_module *m = (const void *)(uintptr_t)mbi->mods_addr;
    uint32_t size = m->mod_end - m->mod_start;
    const char *string = (const char *)(uintptr_t)m->string;
    size_t string_len = string ? bounded_strlen(string, CMDLINE_MAX) : CMDLINE_MAX;
    bool string_ok = string_len < CMDLINE_MAX && printable(string);

    begin("module \"");
    if (string_ok)
        serial_puts(string);
    serial_puts("\", ");
    serial_put_dec(size);
    serial_puts(" bytes, page-aligned, in available RAM, clear of the kernel");
    end(string_ok && m->mod_end > m->mod_start && m->mod_start % PAGE_SIZE == 0 &&
            in_available_ram(m->mod_start, m->mod_end) &&
            !overlap(m->mod_start, m->mod_end, (uintptr_t)image_start,
                     (uintptr_t)image_end),
        "string, alignment or placement wrong");

    uint32_t want_bytes = 0, want_hash = 0;
    begin("module contents as the command line says");
    if (!cmdline_number(cmdline, "module_bytes", &want_bytes) ||
        !cmdline_number(cmdline, "module_fnv1a", &want_hash))
        end(false, "no module_bytes=N module_fnv1a=0xH on the command line");
    uint32_t hash = fnv1a((const uint8_t *)(uintptr_t)m->mod_start, size);
    serial_puts(" (");
    serial_put_dec(size);
    serial_puts(" bytes, FNV-1a ");
    serial_put_hex(hash, 8);
    serial_putc(')');
    end(size == want_bytes && hash == want_hash, "size or hash differ");

    check("information structure clear of the kernel",
          !overlap((uintptr_t)mbi, (uintptr_t)mbi + sizeof *mbi, (uintptr_t)image_start,
                   (uintptr_t)image_end),
          "the loader put it inside the image");
}

noreturn void mbcheck_main(uint32_t magic, uint32_t info, uint32_t eflags);

noreturn void mbcheck_main(uint32_t magic, uint32_t info, uint32_t eflags)
{
    serial_init();
    serial_puts("mbcheck: multiboot check kernel\n");

    begin("EAX = ");
    serial_put_hex(magic, 8);
    end(magic == MULTIBOOT_BOOTLOADER_MAGIC, "not the multiboot magic 0x2badb002");
    uint32_t cr0 = read_cr0();
    check("protected mode (CR0.PE=1)", cr0 & CR0_PE, "CR0.PE is 0");
    check("paging off (CR0.PG=0)", !(cr0 & CR0_PG), "CR0.PG is 1");
    check("interrupts off (EFLAGS.IF=0)", !(eflags & RFLAGS_IF), "EFLAGS.IF is 1");
    check("not virtual-8086 (EFLAGS.VM=0)", !(eflags & RFLAGS_VM), "EFLAGS.VM is 1");
    check_segment(SEG_CS, "CS");
    check_segment(SEG_DS, "DS");
    check_segment(SEG_ES, "ES");
    check_segment(SEG_FS, "FS");
    check_segment(SEG_GS, "GS");
    check_segment(SEG_SS, "SS");
    check("A20 enabled", a20_enabled(), "an address with bit 20 set aliases without it");
    check(".bss zeroed", bss_zeroed(), "a byte of .bss is not zero");

    mbi = (const struct multiboot_info *)(uintptr_t)info;
    check_memory();
    const char *cmdline = check_cmdline();
    check_module(cmdline);

    serial_puts("mbcheck: all ");
    serial_put_dec(checks);
    serial_puts(" checks passed\n");
    finish(0);
}
