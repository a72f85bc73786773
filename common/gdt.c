/* SPDX-License-Identifier: MIT */
/* GDT and 64-bit TSS. Intel SDM Vol. 3A, "Segment Descriptors" and
 * "Task Management in 64-bit Mode". */
#include "descriptors.h"
#include "cpu.h"
#include "kstring.h"

/* Segment descriptor fields (Intel SDM Vol. 3A, "Segment Descriptors"). */
#define SEG_ACCESSED (1ul << 40)
#define SEG_READ_WRITE (1ul << 41)
#define SEG_EXECUTABLE (1ul << 43)
#define SEG_CODE_OR_DATA (1ul << 44) /* S: not a system descriptor */
#define SEG_PRESENT (1ul << 47)
#define SEG_LIMIT_MAX_LOW 0xFFFFul
#define SEG_LIMIT_MAX_HIGH (0xFul << 48)
#define SEG_LONG_MODE (1ul << 53)    /* L: 64-bit code */
#define SEG_DEFAULT_32 (1ul << 54)   /* D/B */
#define SEG_GRANULARITY (1ul << 55)  /* limit in 4 KiB units */
#define SEG_TYPE_TSS_AVAILABLE (9ul << 40)

#define KERNEL_CODE64                                                          \
    (SEG_LIMIT_MAX_LOW | SEG_LIMIT_MAX_HIGH | SEG_ACCESSED | SEG_READ_WRITE |  \
     SEG_EXECUTABLE | SEG_CODE_OR_DATA | SEG_PRESENT | SEG_LONG_MODE |         \
     SEG_GRANULARITY)
#define KERNEL_DATA                                                            \
    (SEG_LIMIT_MAX_LOW | SEG_LIMIT_MAX_HIGH | SEG_ACCESSED | SEG_READ_WRITE |  \
     SEG_CODE_OR_DATA | SEG_PRESENT | SEG_DEFAULT_32 | SEG_GRANULARITY)

#define EMERGENCY_STACK_SIZE 8192

/* The 64-bit TSS: only the stack pointers matter in long mode. */
struct __attribute__((packed)) tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t io_map_base;
};

static struct tss64 tss;
static uint8_t emergency_stack[EMERGENCY_STACK_SIZE] __attribute__((aligned(16)));

/* null, code, data, and the 16-byte TSS descriptor in two slots. */
static uint64_t gdt[5] __attribute__((aligned(16)));

static void set_tss_descriptor(uint64_t *slot, uint64_t base, uint32_t limit)
{
    slot[0] = (limit & 0xFFFFul) | ((base & 0xFFFFFFul) << 16) |
              SEG_TYPE_TSS_AVAILABLE | SEG_PRESENT |
              ((uint64_t)(limit >> 16 & 0xF) << 48) |
              ((base >> 24 & 0xFF) << 56);
    slot[1] = base >> 32;
}

uint64_t tss_base(void)
{
    return (uint64_t)&tss;
}

void gdt_init(void)
{
    gdt[GDT_KERNEL_CODE_SELECTOR / 8] = KERNEL_CODE64;
    gdt[GDT_KERNEL_DATA_SELECTOR / 8] = KERNEL_DATA;
    memset(&tss, 0, sizeof tss);
    tss.ist[IST_EMERGENCY - 1] = (uint64_t)(emergency_stack + EMERGENCY_STACK_SIZE);
    tss.io_map_base = sizeof tss; /* no I/O permission bitmap */
    set_tss_descriptor(&gdt[GDT_TSS_SELECTOR / 8], tss_base(), sizeof tss - 1);

    struct descriptor_table_register gdtr = {sizeof gdt - 1, (uint64_t)gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n" /* reload CS */
                     "1:\n\t"
                     "movw %w2, %%ds\n\t"
                     "movw %w2, %%es\n\t"
                     "movw %w2, %%ss\n\t"
                     "movw %w2, %%fs\n\t"
                     "movw %w2, %%gs\n\t"
                     "ltr %w3"
                     :
                     : "m"(gdtr), "i"(GDT_KERNEL_CODE_SELECTOR),
                       "r"(GDT_KERNEL_DATA_SELECTOR), "r"(GDT_TSS_SELECTOR)
                     : "rax", "memory");
}
