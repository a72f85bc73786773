/* SPDX-License-Identifier: MIT */
/* The attack programs' exception handling: a GDT with ring-3 segments and a
 * TSS (for the stack an exception from ring 3 switches to), an IDT whose
 * 256 gates share one handler, and "wrapped" instructions: before one runs,
 * trap_resume_rip says where to continue if it faults; the handler records
 * the exception and resumes there, in ring 0. Any other exception or
 * interrupt is reported and ends the guest. Fixed addresses are below the
 * stack, in RAM the drivers do not use. */
#include "attack.h"
#include "guest.h"
#include "hypercall.h"
#include "kstring.h"
#include "programs.h"

#define IDT_GPA 0x30000ul
#define GDT_GPA 0x31000ul
#define TSS_GPA 0x31800ul
#define VMX_OPERAND_GPA 0x32000ul
#define USER_STACK_TOP 0x50000ul
#define KERNEL_INTERRUPT_STACK 0x60000ul
#define PML4_GPA 0x10000ul /* boot64.inc's page tables */
#define PDPT_GPA 0x11000ul
#define PD_GPA 0x12000ul
#define PTE_USER 0x4ul

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_DS 0x18
#define USER_CS 0x20
#define TSS_SELECTOR 0x28
#define GATE_INTERRUPT_64 0x8E00u
#define IDT_VECTORS 256
#define STUB_BYTES 16
#define FIRST_EXTERNAL_VECTOR 32
#define TSS_BYTES 104
#define TSS_RSP0 4
#define TSS_IOPB 102
#define RPL_3 3
#define RFLAGS_TF 0x100ul

volatile struct trap_record trap_last;
volatile uint64_t trap_resume_rip, trap_resume_rsp;

/* The registers the stubs save, then what the CPU pushed. */
struct trap_frame {
    uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
    uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

void trap_handler(struct trap_frame *f);

/* 256 stubs of 16 bytes: push a 0 where the CPU pushes no error code,
 * push the vector, and go to the common part. */
__asm__(".pushsection .text\n"
        ".balign 16\n"
        ".globl trap_stubs\n"
        "trap_stubs:\n"
        ".set vector, 0\n"
        ".rept 256\n"
        ".balign 16\n"
        ".if (vector == 8) || (vector >= 10 && vector <= 14) || (vector == 17) || (vector == 21)\n"
        "  .byte 0x90, 0x90\n"
        ".else\n"
        "  pushq $0\n"
        ".endif\n"
        "  pushq $vector\n"
        "  jmp trap_common\n"
        ".set vector, vector + 1\n"
        ".endr\n"
        "trap_common:\n"
        "  pushq %rax; pushq %rcx; pushq %rdx; pushq %rsi; pushq %rdi\n"
        "  pushq %r8; pushq %r9; pushq %r10; pushq %r11\n"
        "  movq %rsp, %rdi\n"
        "  cld\n"
        "  call trap_handler\n"
        "  popq %r11; popq %r10; popq %r9; popq %r8; popq %rdi\n"
        "  popq %rsi; popq %rdx; popq %rcx; popq %rax\n"
        "  addq $16, %rsp\n"
        "  iretq\n"
        ".popsection\n");
extern const char trap_stubs[];

void trap_handler(struct trap_frame *f)
{
    if (trap_resume_rip) {
        trap_last.vector = (unsigned)f->vector;
        trap_last.error = f->error;
        trap_last.rip = f->rip;
        f->rip = trap_resume_rip;
        f->rflags &= ~RFLAGS_TF; /* a single step ends with its #DB */
        trap_resume_rip = 0;
        if (f->cs & RPL_3) { /* back to ring 0, on the stack it left */
            f->cs = KERNEL_CS;
            f->ss = KERNEL_DS;
            f->rsp = trap_resume_rsp;
        }
        return;
    }
    if (f->vector >= FIRST_EXTERNAL_VECTOR) {
        hc_report("an interrupt reached the guest, vector", f->vector);
        hc_exit(FAIL_INTERRUPT);
    }
    hc_report("unexpected exception in the guest, vector", f->vector);
    hc_report("  at RIP", f->rip);
    hc_exit(FAIL_UNEXPECTED_TRAP);
}

struct __attribute__((packed)) table_register {
    uint16_t limit;
    uint64_t base;
};

void load_idt(uint64_t base, uint16_t limit)
{
    struct table_register r = {limit, base};
    __asm__ volatile("lidt %0" ::"m"(r) : "memory");
}

static void set_gate(uint64_t *idt, unsigned vector, uint64_t handler)
{
    idt[2 * vector] = (handler & 0xFFFF) | ((uint64_t)KERNEL_CS << 16) |
                      ((uint64_t)GATE_INTERRUPT_64 << 32) | ((handler >> 16 & 0xFFFF) << 48);
    idt[2 * vector + 1] = handler >> 32;
}

/* Long-mode descriptors ("Segment Descriptors", Intel SDM Vol. 3A). */
#define DESC_KERNEL_CODE_64 0x00AF9A000000FFFFull
#define DESC_KERNEL_DATA 0x00CF92000000FFFFull
#define DESC_USER_DATA 0x00CFF2000000FFFFull
#define DESC_USER_CODE_64 0x00AFFA000000FFFFull
#define DESC_TSS_AVAILABLE_64 0x89ull

static void load_gdt_and_tss(void)
{
    uint8_t *tss = (uint8_t *)TSS_GPA;
    memset(tss, 0, TSS_BYTES);
    uint64_t rsp0 = KERNEL_INTERRUPT_STACK;
    memcpy(tss + TSS_RSP0, &rsp0, sizeof rsp0);
    uint16_t iopb = TSS_BYTES; /* no I/O permission bitmap */
    memcpy(tss + TSS_IOPB, &iopb, sizeof iopb);

    uint64_t *gdt = (uint64_t *)GDT_GPA;
    gdt[0] = 0;
    gdt[KERNEL_CS / 8] = DESC_KERNEL_CODE_64;
    gdt[KERNEL_DS / 8] = DESC_KERNEL_DATA;
    gdt[USER_DS / 8] = DESC_USER_DATA;
    gdt[USER_CS / 8] = DESC_USER_CODE_64;
    uint64_t base = TSS_GPA, limit = TSS_BYTES - 1;
    gdt[TSS_SELECTOR / 8] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
                            (DESC_TSS_AVAILABLE_64 << 40) | ((base >> 24 & 0xFF) << 56);
    gdt[TSS_SELECTOR / 8 + 1] = base >> 32;

    struct table_register r = {(TSS_SELECTOR / 8 + 2) * 8 - 1, GDT_GPA};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movl %2, %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%ss\n\t"
                     "movw %3, %%ax\n\t"
                     "ltr %%ax"
                     :
                     : "m"(r), "i"(KERNEL_CS), "i"(KERNEL_DS), "i"(TSS_SELECTOR)
                     : "rax", "memory");
}

void traps_init(void)
{
    load_gdt_and_tss();
    uint64_t *idt = (uint64_t *)IDT_GPA;
    for (unsigned v = 0; v < IDT_VECTORS; v++)
        set_gate(idt, v, (uint64_t)(uintptr_t)(trap_stubs + STUB_BYTES * v));
    load_idt(IDT_GPA, IDT_LIMIT);
    trap_last.vector = TRAP_NONE;
}

/* A wrapped instruction: arm the resume point, run it, disarm. */
#define ARM "leaq 1f(%%rip), %%r11\n\tmovq %%r11, trap_resume_rip(%%rip)\n\t"
#define DISARM "\n1:\n\tmovq $0, trap_resume_rip(%%rip)"

static void trap_reset(void)
{
    trap_last.vector = TRAP_NONE;
    trap_last.error = 0;
}

unsigned trap_rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    trap_reset();
    __asm__ volatile(ARM "rdmsr" DISARM : "=a"(lo), "=d"(hi) : "c"(msr) : "r11", "memory");
    (void)lo, (void)hi;
    return trap_last.vector;
}

unsigned trap_xsetbv(uint32_t xcr, uint64_t value)
{
    trap_reset();
    __asm__ volatile(ARM "xsetbv" DISARM
                     :: "c"(xcr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
                     : "r11", "memory");
    return trap_last.vector;
}

unsigned trap_rdtscp(void)
{
    trap_reset();
    __asm__ volatile(ARM "rdtscp" DISARM ::: "rax", "rcx", "rdx", "r11", "memory");
    return trap_last.vector;
}

unsigned trap_write_cr0(uint64_t value)
{
    trap_reset();
    __asm__ volatile(ARM "movq %0, %%cr0" DISARM :: "r"(value) : "r11", "memory");
    return trap_last.vector;
}

unsigned trap_write_cr8(uint64_t value)
{
    trap_reset();
    __asm__ volatile(ARM "movq %0, %%cr8" DISARM :: "r"(value) : "r11", "memory");
    return trap_last.vector;
}

#define TRY_VMX(name, text)                                                                 \
    static unsigned name(void)                                                              \
    {                                                                                       \
        trap_reset();                                                                       \
        __asm__ volatile(ARM text DISARM ::"a"(VMX_OPERAND_GPA), "b"(0ul)                   \
                         : "r11", "memory", "cc");                                          \
        return trap_last.vector;                                                            \
    }
TRY_VMX(try_vmxon, "vmxon (%%rax)")
TRY_VMX(try_vmclear, "vmclear (%%rax)")
TRY_VMX(try_vmptrld, "vmptrld (%%rax)")
TRY_VMX(try_vmptrst, "vmptrst (%%rax)")
TRY_VMX(try_vmread, "vmread %%rbx, %%rcx")
TRY_VMX(try_vmwrite, "vmwrite %%rbx, %%rbx")
TRY_VMX(try_vmlaunch, "vmlaunch")
TRY_VMX(try_vmresume, "vmresume")
TRY_VMX(try_vmxoff, "vmxoff")
TRY_VMX(try_invept, "invept (%%rax), %%rbx")
TRY_VMX(try_invvpid, "invvpid (%%rax), %%rbx")

unsigned vmx_instructions_try_all(void)
{
    static unsigned (*const tries[VMX_INSTRUCTIONS])(void) = {
        try_vmxon, try_vmclear, try_vmptrld, try_vmptrst, try_vmread, try_vmwrite,
        try_vmlaunch, try_vmresume, try_vmxoff, try_invept, try_invvpid};
    memset((void *)VMX_OPERAND_GPA, 0, 16);
    unsigned ud = 0;
    for (unsigned i = 0; i < VMX_INSTRUCTIONS; i++)
        ud += tries[i]() == 6;
    return ud;
}

void enter_user_mode_for_vmcall(void)
{
    /* Let ring 3 use the first 2 MiB: the U/S bit at every level. */
    *(volatile uint64_t *)PML4_GPA |= PTE_USER;
    *(volatile uint64_t *)PDPT_GPA |= PTE_USER;
    *(volatile uint64_t *)PD_GPA |= PTE_USER;
    __asm__ volatile("movq %%cr3, %%rax; movq %%rax, %%cr3" ::: "rax", "memory");
    trap_reset();
    __asm__ volatile("movq %%rsp, trap_resume_rsp(%%rip)\n\t"
                     ARM
                     "pushq %0\n\t"
                     "pushq %1\n\t"
                     "pushq $2\n\t"
                     "pushq %2\n\t"
                     "leaq 2f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "iretq\n"
                     "2:\n\t"
                     "movl %3, %%eax\n\t"
                     "xorl %%edi, %%edi\n\t"
                     "vmcall\n\t"
                     "ud2"
                     DISARM
                     :
                     : "i"(USER_DS | RPL_3), "r"(USER_STACK_TOP), "i"(USER_CS | RPL_3),
                       "i"(HYPERCALL_EXIT)
                     : "rax", "rdi", "r11", "memory");
}

uint64_t trap_single_step_mov_ss(uint64_t *after_cpuid)
{
    uint64_t after;
    trap_reset();
    __asm__ volatile(ARM
                     "leaq 2f(%%rip), %%rax\n\t"
                     "movq %%rax, %0\n\t"
                     "movl %%ss, %%esi\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "xorl %%ecx, %%ecx\n\t"
                     "pushfq\n\t"
                     "orq %1, (%%rsp)\n\t"
                     "popfq\n\t"
                     "movl %%esi, %%ss\n\t"
                     "cpuid\n"
                     "2:\n\t"
                     "nop\n\t"
                     "nop"
                     DISARM
                     : "=m"(after)
                     : "i"(RFLAGS_TF)
                     : "rax", "rbx", "rcx", "rdx", "rsi", "r11", "memory", "cc");
    *after_cpuid = after;
    return trap_last.vector == 1 ? trap_last.rip : 0;
}

struct cpuid_result guest_cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_result r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

uint64_t xgetbv0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t)hi << 32 | lo;
}

#define READ_CR(n)                                                                          \
    uint64_t read_cr##n(void)                                                               \
    {                                                                                       \
        uint64_t v;                                                                         \
        __asm__ volatile("movq %%cr" #n ", %0" : "=r"(v));                                   \
        return v;                                                                           \
    }
READ_CR(0)
READ_CR(4)
READ_CR(8)

void write_cr4(uint64_t value)
{
    __asm__ volatile("movq %0, %%cr4" ::"r"(value) : "memory");
}
