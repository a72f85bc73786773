/* SPDX-License-Identifier: MIT */
/** @file cpu.h
 *  Thin wrappers for the x86 instructions C cannot express: CPUID, MSRs,
 *  control registers, port I/O, descriptor-table registers. */
#pragma once
#include <stdint.h>

/** Register results of one CPUID leaf. */
struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid"
                     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

/** CPUID with its results as 64-bit registers hold them: in 64-bit mode the
 *  instruction clears bits 63:32 of RAX, RBX, RCX and RDX. */
static inline void cpuid64(uint32_t leaf, uint32_t subleaf, uint64_t *rax, uint64_t *rbx,
                           uint64_t *rcx, uint64_t *rdx)
{
    __asm__ volatile("cpuid" : "=a"(*rax), "=b"(*rbx), "=c"(*rcx), "=d"(*rdx)
                     : "a"(leaf), "c"(subleaf));
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)value),
                     "d"((uint32_t)(value >> 32)));
}

#define DEFINE_CR_ACCESSORS(n)                                                 \
    static inline uint64_t read_cr##n(void)                                    \
    {                                                                          \
        uint64_t v;                                                            \
        __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));                      \
        return v;                                                              \
    }                                                                          \
    static inline void write_cr##n(uint64_t v)                                 \
    {                                                                          \
        __asm__ volatile("mov %0, %%cr" #n ::"r"(v) : "memory");               \
    }
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline uint64_t read_rflags(void)
{
    uint64_t v;
    __asm__ volatile("pushfq; popq %0" : "=r"(v));
    return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/** The 10-byte operand of LGDT/SGDT/LIDT/SIDT. */
struct __attribute__((packed)) descriptor_table_register {
    uint16_t limit;
    uint64_t base;
};

static inline struct descriptor_table_register read_gdtr(void)
{
    struct descriptor_table_register r;
    __asm__ volatile("sgdt %0" : "=m"(r));
    return r;
}
static inline struct descriptor_table_register read_idtr(void)
{
    struct descriptor_table_register r;
    __asm__ volatile("sidt %0" : "=m"(r));
    return r;
}

#define DEFINE_SEGMENT_READER(seg)                                             \
    static inline uint16_t read_##seg(void)                                    \
    {                                                                          \
        uint16_t v;                                                            \
        __asm__ volatile("mov %%" #seg ", %0" : "=r"(v));                      \
        return v;                                                              \
    }
DEFINE_SEGMENT_READER(cs)
DEFINE_SEGMENT_READER(ds)
DEFINE_SEGMENT_READER(es)
DEFINE_SEGMENT_READER(ss)
DEFINE_SEGMENT_READER(fs)
DEFINE_SEGMENT_READER(gs)
#undef DEFINE_SEGMENT_READER

static inline uint16_t read_tr(void)
{
    uint16_t v;
    __asm__ volatile("str %0" : "=r"(v));
    return v;
}

static inline void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}
