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

struct __attribute__((packed)) elf32_header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct __attribute__((packed)) elf64_header {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct __attribute__((packed)) elf32_phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

struct __attribute__((packed)) elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

/* One program header in either class. */
struct segment {
    uint32_t type;
    uint64_t offset, vaddr, paddr, filesz, memsz;
};

bool elf_is(struct blob f, unsigned elf_class)
{
    if (f.size < sizeof(struct elf64_header) || memcmp(f.data, ELF_MAGIC, ELF_MAGIC_SIZE) ||
        f.data[EI_CLASS] != elf_class || f.data[EI_DATA] != ELF_DATA_LITTLE_ENDIAN)
        return false;
    const struct elf32_header *h = (const struct elf32_header *)f.data;
    return h->type == ET_EXEC && (h->machine == EM_386 || h->machine == EM_X86_64);
}

static struct segment segment_at(struct blob f, bool is64, uint64_t at)
{
    if (is64) {
        const struct elf64_phdr *p = (const struct elf64_phdr *)(f.data + at);
        return (struct segment){p->type, p->offset, p->vaddr, p->paddr, p->filesz, p->memsz};
    }
    const struct elf32_phdr *p = (const struct elf32_phdr *)(f.data + at);
    return (struct segment){p->type, p->offset, p->vaddr, p->paddr, p->filesz, p->memsz};
}

uint64_t elf_load(struct blob f, unsigned elf_class, const char *what, uint64_t *end)
{
    bool is64 = elf_class == ELF_CLASS_64;
    const struct elf64_header *h64 = (const struct elf64_header *)f.data;
    const struct elf32_header *h32 = (const struct elf32_header *)f.data;
    uint64_t phoff = is64 ? h64->phoff : h32->phoff, entry = is64 ? h64->entry : h32->entry;
    uint16_t phnum = is64 ? h64->phnum : h32->phnum;
    uint16_t phentsize = is64 ? h64->phentsize : h32->phentsize;
    size_t want = is64 ? sizeof(struct elf64_phdr) : sizeof(struct elf32_phdr);
    if (phentsize != want || phoff > f.size || (uint64_t)phnum * want > f.size - phoff)
        loader_refuse("%s: program headers (%u of %u bytes at 0x%lx) outside the %lu-byte "
                      "file", what, phnum, phentsize, phoff, f.size);

    uint64_t entry_gpa = 0, loaded = 0;
    *end = 0;
    for (uint16_t i = 0; i < phnum; i++) {
        struct segment s = segment_at(f, is64, phoff + i * want);
        if (s.type != PT_LOAD || s.memsz == 0)
            continue;
        if (s.filesz > s.memsz || s.offset > f.size || s.filesz > f.size - s.offset)
            loader_refuse("%s: segment %u (0x%lx bytes at file offset 0x%lx, 0x%lx in "
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
