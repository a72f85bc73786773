// sources: chapters/06-linux/elf.c chapters/06-linux/mptable.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of chapter 6's ELF loader and MP table, under the
 * sanitizers: every PT_LOAD segment lands at its physical address with its
 * .bss zeroed and the entry translated; a file whose program headers or
 * segments leave it, or whose entry is in no segment, is refused by name,
 * reading nothing outside the file. The MP table's structures checksum to
 * 0 and hold one processor, one bus, one I/O APIC and 18 interrupts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "elf.h"
#include "mptable.h"

#define RAM_SIZE (4u << 20)
#define LOAD 0x100000u
#define FILE_MAX 512

static uint8_t ram[RAM_SIZE];
static char refusal[256];
static jmp_buf refused;

uint8_t *guest_place(const char *what, uint64_t gpa, uint64_t size)
{
    if (gpa > RAM_SIZE || size > RAM_SIZE - gpa)
        loader_refuse("%s outside RAM", what);
    return ram + gpa;
}

void loader_refuse(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(refusal, sizeof refusal, fmt, ap);
    va_end(ap);
    longjmp(refused, 1);
}

int kprintf(const char *fmt, ...)
{
    (void)fmt;
    return 0;
}

/* An ELF32 file with one segment: filesz bytes of 0xAB at file offset 0x80,
 * memsz in memory at paddr (vaddr virtual), entry e. In a heap block of
 * exactly its size, so that ASan catches any read past its end. */
static struct blob elf32(uint32_t paddr, uint32_t vaddr, uint32_t filesz, uint32_t memsz,
                         uint32_t entry, uint32_t size)
{
    uint8_t *f = calloc(1, FILE_MAX);
    memcpy(f, "\177ELF\1\1\1", 7);
    uint16_t type = 2, machine = 3, phentsize = 32, phnum = 1;
    uint32_t phoff = 52, one = 1, offset = 0x80;
    memcpy(f + 16, &type, 2);
    memcpy(f + 18, &machine, 2);
    memcpy(f + 24, &entry, 4);
    memcpy(f + 28, &phoff, 4);
    memcpy(f + 42, &phentsize, 2);
    memcpy(f + 44, &phnum, 2);
    uint32_t ph[8] = {one, offset, vaddr, paddr, filesz, memsz, 5, 0x1000};
    memcpy(f + phoff, ph, sizeof ph);
    memset(f + offset, 0xAB, filesz < FILE_MAX - offset ? filesz : FILE_MAX - offset);
    uint8_t *exact = malloc(size);
    memcpy(exact, f, size);
    free(f);
    return (struct blob){exact, size};
}

/* Loads f; returns the entry, or 0 with refusal set. */
static uint64_t load(struct blob f)
{
    uint64_t end, entry = 0;
    refusal[0] = '\0';
    if (!setjmp(refused))
        entry = elf_load(f, ELF_CLASS_32, "segment", &end);
    free((void *)f.data);
    return entry;
}

static void test_elf(void)
{
    memset(ram + LOAD, 0xCC, 0x200);
    struct blob f = elf32(LOAD, LOAD, 0x40, 0x100, LOAD + 4, 0xC0);
    CHECK(elf_is(f, ELF_CLASS_32));
    CHECK(!elf_is(f, ELF_CLASS_64));
    CHECK_EQ_U64(load(f), LOAD + 4);
    CHECK_EQ_U64(ram[LOAD + 0x3F], 0xAB);
    CHECK_EQ_U64(ram[LOAD + 0x40], 0);  /* .bss zeroed */
    CHECK_EQ_U64(ram[LOAD + 0xFF], 0);
    CHECK_EQ_U64(ram[LOAD + 0x100], 0xCC);
    /* A higher-half kernel: the entry is virtual, translated. */
    CHECK_EQ_U64(load(elf32(LOAD, 0xC0000000u + LOAD, 0x40, 0x40, 0xC0000010u + LOAD, 0xC0)),
                 LOAD + 0x10);

    CHECK_EQ_U64(load(elf32(LOAD, LOAD, 0x40, 0x40, 0x5000, 0xC0)), 0);
    CHECK_STR(refusal, "segment: the entry point 0x5000 is in no loaded segment");
    CHECK_EQ_U64(load(elf32(LOAD, LOAD, 0x40, 0x40, LOAD, 0xBF)), 0);
    CHECK_STR(refusal, "segment: segment 0 (0x40 bytes at file offset 0x80, 0x40 in memory) "
                       "is not in the 191-byte file");
    CHECK_EQ_U64(load(elf32(LOAD, LOAD, 0x80, 0x40, LOAD, 0x100)), 0);
    CHECK_STR(refusal, "segment: segment 0 (0x80 bytes at file offset 0x80, 0x40 in memory) "
                       "is not in the 256-byte file");
    CHECK_EQ_U64(load(elf32(LOAD, LOAD, 0x40, 0xFFFFFFFFu, LOAD, 0xC0)), 0);
    CHECK_STR(refusal, "segment outside RAM");
    /* Program headers past the end: 52 + 32 > 80 bytes of file. */
    CHECK_EQ_U64(load(elf32(LOAD, LOAD, 0, 0x40, LOAD, 80)), 0);
    CHECK_STR(refusal, "segment: program headers (1 of 32 bytes at 0x34) outside the 80-byte "
                       "file");
}

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    while (n--)
        s += *p++;
    return s;
}

static void test_mptable(void)
{
    static uint8_t rom[1024];
    size_t n = mptable_write(rom, 0xF0000);
    CHECK(memcmp(rom, "_MP_", 4) == 0);
    CHECK_EQ_U64(sum(rom, 16), 0);
    uint32_t config;
    memcpy(&config, rom + 4, 4);
    CHECK_EQ_U64(config, 0xF0010);
    const uint8_t *h = rom + 16;
    uint16_t length, count;
    memcpy(&length, h + 4, 2);
    memcpy(&count, h + 34, 2);
    CHECK(memcmp(h, "PCMP", 4) == 0);
    CHECK_EQ_U64(sum(h, length), 0);
    CHECK_EQ_U64(n, 16u + length);
    CHECK_EQ_U64(count, 1 + 1 + 1 + 16 + 2); /* ExtINT, 15 ISA IRQs, LINT0, LINT1 */
    CHECK_EQ_U64(length, 44 + 20 + 8 + 8 + 18 * 8);
}

int main(void)
{
    test_elf();
    test_mptable();
    return CHECK_DONE("test_loader");
}
