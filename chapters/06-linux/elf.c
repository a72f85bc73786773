/* SPDX-License-Identifier: MIT */
/* ELF executables (the System V ABI's "Object Files" and "Program
 * Loading"): the file header names the program headers; each PT_LOAD one
 * says which bytes of the file go where in memory, and how much memory
 * after them is zeroed (the .bss). Every offset and size is checked
 * against the file before anything is read. */
#include "elf.h"
#include "kstring.h"
#include "printf.h"

#define ELF_MAGIC "\177ELF"
#define ELF_MAGIC_SIZE 4
#define EI_CLASS 4
#define EI_DATA 5
#define ELF_DATA_LITTLE_ENDIAN 1
#define ET_EXEC 2
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1

/* ELF32 and ELF64 lay out the fields used here alike, in words of 4 or 8
 * bytes: the file header's e_entry, e_phoff (then e_shoff, e_flags and
 * e_ehsize) before e_phentsize and e_phnum; a program header's p_type,
 * then p_offset, p_vaddr, p_paddr, p_filesz and p_memsz at word 1 to 5
 * (ELF64 puts p_flags in p_type's word). */
#define E_TYPE 16
#define E_MACHINE 18
#define E_ENTRY 24
#define E_FLAGS_AND_EHSIZE 6 /* bytes between e_shoff and e_phentsize */
#define ELF_HEADER_MIN 64    /* an ELF64 header; an ELF32 one is smaller */
#define ELF32_PH_SIZE 32
#define ELF64_PH_SIZE 56
enum { PH_OFFSET = 1, PH_VADDR, PH_PADDR, PH_FILESZ, PH_MEMSZ };

/* One program header in either class. */
struct segment {
    uint32_t type;
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

static uint64_t field(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    memcpy(&v, p, size); /* little-endian, like the host */
    return v;
}

bool elf_is(struct blob f, unsigned elf_class)
{
    if (f.size < ELF_HEADER_MIN || memcmp(f.data, ELF_MAGIC, ELF_MAGIC_SIZE) ||
        f.data[EI_CLASS] != elf_class || f.data[EI_DATA] != ELF_DATA_LITTLE_ENDIAN)
        return false;
    uint64_t machine = field(f.data + E_MACHINE, sizeof(uint16_t));
    return field(f.data + E_TYPE, sizeof(uint16_t)) == ET_EXEC &&
           (machine == EM_386 || machine == EM_X86_64);
}

static struct segment segment_at(const uint8_t *p, unsigned w)
{
    return (struct segment){(uint32_t)field(p, sizeof(uint32_t)), field(p + PH_OFFSET * w, w),
                            field(p + PH_VADDR * w, w), field(p + PH_PADDR * w, w),
                            field(p + PH_FILESZ * w, w), field(p + PH_MEMSZ * w, w)};
}

uint64_t elf_load(struct blob f, unsigned elf_class, const char *what, uint64_t *end)
{
    unsigned w = elf_class == ELF_CLASS_64 ? sizeof(uint64_t) : sizeof(uint32_t);
    uint64_t entry = field(f.data + E_ENTRY, w), phoff = field(f.data + E_ENTRY + w, w);
    const uint8_t *sizes = f.data + E_ENTRY + 3 * w + E_FLAGS_AND_EHSIZE;
    uint64_t phentsize = field(sizes, sizeof(uint16_t));
    uint64_t phnum = field(sizes + sizeof(uint16_t), sizeof(uint16_t));
    uint64_t want = w == sizeof(uint64_t) ? ELF64_PH_SIZE : ELF32_PH_SIZE;
    if (phentsize != want || phoff > f.size || phnum * want > f.size - phoff)
        loader_refuse("%s: program headers (%lu of %lu bytes at 0x%lx) outside the %lu-byte "
                      "file", what, phnum, phentsize, phoff, f.size);

    uint64_t entry_gpa = 0, loaded = 0;
    *end = 0;
    for (uint64_t i = 0; i < phnum; i++) {
        struct segment s = segment_at(f.data + phoff + i * want, w);
        if (s.type != PT_LOAD || s.memsz == 0)
            continue;
        if (s.filesz > s.memsz || s.offset > f.size || s.filesz > f.size - s.offset)
            loader_refuse("%s: segment %lu (0x%lx bytes at file offset 0x%lx, 0x%lx in "
                          "memory) is not in the %lu-byte file", what, i, s.filesz, s.offset,
                          s.memsz, f.size);
        uint8_t *dst = guest_place(what, s.paddr, s.memsz);
        memcpy(dst, f.data + s.offset, s.filesz);
        memset(dst + s.filesz, 0, s.memsz - s.filesz);
        loaded++;
        kprintf("loader: %s at 0x%lx-0x%lx, %lu bytes from the file\n", what, s.paddr,
                s.paddr + s.memsz, s.filesz);
        if (s.paddr + s.memsz > *end)
            *end = s.paddr + s.memsz;
        /* The entry is physical, or virtual in a segment loaded elsewhere. */
        if (entry >= s.paddr && entry - s.paddr < s.memsz)
            entry_gpa = entry;
        else if (!entry_gpa && entry >= s.vaddr && entry - s.vaddr < s.memsz)
            entry_gpa = entry - s.vaddr + s.paddr;
    }
    if (!loaded)
        loader_refuse("%s: no PT_LOAD segment", what);
    if (!entry_gpa)
        loader_refuse("%s: the entry point 0x%lx is in no loaded segment", what, entry);
    return entry_gpa;
}
