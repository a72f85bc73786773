/* SPDX-License-Identifier: MIT */
/* The guest's interrupt descriptor table: a GDT with a 64-bit TSS (for an
 * interrupt stack table entry), 256 gates whose stubs share one handler,
 * and the handler itself. An interrupt is counted and acknowledged at its
 * controller (the PIC for 0x20-0x2F, the local APIC above); an exception
 * ends a "tried" instruction (exc_resume) or, for the #PF cases, maps the
 * hole back in; anything else ends the guest naming the vector. */
#include "irq.h"
#include "guest.h"
#include "hypercall.h"
#include "io.h"
#include "kstring.h"
#include "programs.h"

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define TSS_SELECTOR 0x18
#define GDT_ENTRIES 5            /* null, code, data, TSS (two entries) */
#define GATE_INTERRUPT_64 0x8E00u
#define STUB_BYTES 16
#define TSS_BYTES 104
#define TSS_RSP0 4
#define TSS_IST1 36
#define TSS_IOPB 102
#define FIRST_EXTERNAL_VECTOR 32
#define PTE_PRESENT 1ul
#define DESC_KERNEL_CODE_64 0x00AF9A000000FFFFull /* "Segment Descriptors", Intel SDM Vol. 3A */
#define DESC_KERNEL_DATA 0x00CF92000000FFFFull
#define DESC_TSS_AVAILABLE_64 0x89ull
#define ISR_REGISTER_STRIDE 0x10
#define VECTORS_PER_REGISTER 32

volatile struct exception_record exc_last, exc_pf;
volatile uint64_t exc_insn, exc_next, exc_resume;
volatile bool pf_repair_hole;
volatile uint64_t irq_count[IDT_VECTORS], irq_tsc[IDT_VECTORS];
volatile bool send_eoi = true;
volatile uint32_t window_marker, window_marker_seen;
volatile uint64_t window_rip;
volatile uint32_t self_ipi_in_service;

/* What the stubs save, then what the CPU pushed. */
struct frame {
    uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
    uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

/* The stubs push 9 registers after the CPU's 5 quadwords, the error code
 * and the vector: 16, so the CPU's 16-byte alignment holds for the call. */
#define FRAME_QUADWORDS 16
_Static_assert(sizeof(struct frame) == FRAME_QUADWORDS * 8, "irq_common's pushes");

void interrupt_handler(struct frame *f);

/* Stubs of 16 bytes: the marker NO_ERROR_CODE where the CPU pushes no
 * error code (pushq sign-extends -1), the vector, then the common part. */
__asm__(".pushsection .text\n"
        ".balign 16\n"
        "irq_stubs:\n"
        ".set vector, 0\n"
        ".rept 256\n"
        ".balign 16\n"
        ".if (vector == 8) || (vector >= 10 && vector <= 14) || (vector == 17) || (vector == 21)\n"
        "  .byte 0x90, 0x90\n"
        ".else\n"
        "  pushq $-1\n"
        ".endif\n"
        "  pushq $vector\n"
        "  jmp irq_common\n"
        ".set vector, vector + 1\n"
        ".endr\n"
        "irq_common:\n"
        "  pushq %rax; pushq %rcx; pushq %rdx; pushq %rsi; pushq %rdi\n"
        "  pushq %r8; pushq %r9; pushq %r10; pushq %r11\n"
        "  movq %rsp, %rdi\n"       /* 16 quadwords on a stack the CPU aligned */
        "  cld\n"
        "  call interrupt_handler\n"
        "  popq %r11; popq %r10; popq %r9; popq %r8; popq %rdi\n"
        "  popq %rsi; popq %rdx; popq %rcx; popq %rax\n"
        "  addq $16, %rsp\n"
        "  iretq\n"
        ".popsection\n");
extern const char irq_stubs[];

static uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("movq %%cr2, %0" : "=r"(v));
    return v;
}

static void record(volatile struct exception_record *r, const struct frame *f)
{
    r->vector = (unsigned)f->vector;
    r->error = f->error;
    r->rip = f->rip;
    r->cr2 = f->vector == 14 ? read_cr2() : 0;
}

static void exception(struct frame *f)
{
    if (f->vector == 14 && pf_repair_hole) {
        record(&exc_pf, f);
        pf_repair_hole = false;
        hole_set_present(true);
        return;
    }
    if (exc_resume) {
        record(&exc_last, f);
        f->rip = exc_resume;
        exc_resume = 0;
        return;
    }
    hc_report("unexpected exception in the guest, vector", f->vector);
    hc_report("  error code", f->error);
    hc_report("  at RIP", f->rip);
    hc_exit(FAIL_UNEXPECTED_TRAP);
}

static void lapic_eoi(void)
{
    mmio_write32(LAPIC_BASE + LAPIC_EOI, 0);
}

void interrupt_handler(struct frame *f)
{
    unsigned v = (unsigned)f->vector;
    if (v < FIRST_EXTERNAL_VECTOR) {
        exception(f);
        return;
    }
    irq_count[v]++;
    irq_tsc[v] = rdtsc();
    if (v == VECTOR_WINDOW) {
        window_marker_seen = window_marker;
        window_rip = f->rip;
    }
    if (v == VECTOR_SELF_IPI) {
        uint32_t isr = mmio_read32(LAPIC_BASE + LAPIC_ISR +
                                   v / VECTORS_PER_REGISTER * ISR_REGISTER_STRIDE);
        self_ipi_in_service = isr >> (v % VECTORS_PER_REGISTER) & 1;
    }
    if (!send_eoi || v == VECTOR_SPURIOUS) /* a spurious interrupt takes no EOI */
        return;
    if (v >= VECTOR_PIC_BASE && v < VECTOR_PIC_BASE + 16) {
        if (v >= VECTOR_PIC_BASE + 8)
            outb(PIC_SLAVE_COMMAND, PIC_OCW2_EOI);
        outb(PIC_MASTER_COMMAND, PIC_OCW2_EOI);
        return;
    }
    lapic_eoi();
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

static void set_gate(unsigned vector, unsigned ist)
{
    uint64_t *idt = (uint64_t *)IDT_GPA;
    uint64_t handler = (uint64_t)(uintptr_t)(irq_stubs + STUB_BYTES * vector);
    idt[2 * vector] = (handler & 0xFFFF) | ((uint64_t)KERNEL_CS << 16) |
                      ((uint64_t)(GATE_INTERRUPT_64 | ist) << 32) |
                      ((handler >> 16 & 0xFFFF) << 48);
    idt[2 * vector + 1] = handler >> 32;
}

void idt_set_ist(unsigned vector, unsigned ist)
{
    set_gate(vector, ist);
}

static void load_gdt_and_tss(void)
{
    uint8_t *tss = (uint8_t *)TSS_GPA;
    memset(tss, 0, TSS_BYTES);
    uint64_t rsp0 = GUEST_STACK_TOP, ist1 = HOLE_IST_TOP;
    memcpy(tss + TSS_RSP0, &rsp0, sizeof rsp0);
    memcpy(tss + TSS_IST1, &ist1, sizeof ist1);
    uint16_t iopb = TSS_BYTES; /* no I/O permission bitmap */
    memcpy(tss + TSS_IOPB, &iopb, sizeof iopb);

    uint64_t *gdt = (uint64_t *)GDT_GPA;
    gdt[0] = 0;
    gdt[KERNEL_CS / 8] = DESC_KERNEL_CODE_64;
    gdt[KERNEL_DS / 8] = DESC_KERNEL_DATA;
    uint64_t base = TSS_GPA, limit = TSS_BYTES - 1;
    gdt[TSS_SELECTOR / 8] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
                            (DESC_TSS_AVAILABLE_64 << 40) | ((base >> 24 & 0xFF) << 56);
    gdt[TSS_SELECTOR / 8 + 1] = base >> 32;

    struct table_register r = {GDT_ENTRIES * 8 - 1, GDT_GPA};
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

void idt_init(void)
{
    load_gdt_and_tss();
    for (unsigned v = 0; v < IDT_VECTORS; v++)
        set_gate(v, 0);
    load_idt(IDT_GPA, IDT_VECTORS * 16 - 1);
    exc_reset();
}

void exc_reset(void)
{
    exc_last.vector = NO_VECTOR;
    exc_last.error = NO_ERROR_CODE;
    exc_pf.vector = NO_VECTOR;
}

void hole_set_present(bool present)
{
    volatile uint64_t *pde = (volatile uint64_t *)PD_GPA + HOLE_GPA / PAGE_SIZE_2M;
    *pde = present ? *pde | PTE_PRESENT : *pde & ~PTE_PRESENT;
    for (uint64_t a = HOLE_GPA; a < HOLE_GPA + PAGE_SIZE_2M; a += PAGE_SIZE_2M)
        __asm__ volatile("invlpg (%0)" ::"r"(a) : "memory");
}

void wait_for_interrupt(unsigned vector, uint64_t seen)
{
    for (;;) {
        cli();
        if (irq_count[vector] != seen)
            break;
        sti_hlt();
    }
    sti();
}

void spin_tsc(uint64_t ticks)
{
    uint64_t start = rdtsc();
    while (rdtsc() - start < ticks)
        __asm__ volatile("pause");
}

/* --- lines --------------------------------------------------------------- */

#define LINE_MAX 200
static char line[LINE_MAX];
static size_t line_len;

void line_start(const char *text)
{
    line_len = 0;
    line_add(text);
}

void line_add(const char *text)
{
    size_t n = strlen(text);
    if (n > LINE_MAX - line_len)
        n = LINE_MAX - line_len;
    memcpy(line + line_len, text, n);
    line_len += n;
}

static void line_digits(uint64_t v, unsigned base)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    char text[sizeof digits + 1];
    for (int i = 0; i < n; i++)
        text[i] = digits[n - 1 - i];
    text[n] = 0;
    line_add(text);
}

void line_hex(uint64_t v)
{
    line_add("0x");
    line_digits(v, 16);
}

void line_dec(uint64_t v)
{
    line_digits(v, 10);
}

void line_print(void)
{
    hc_print(line, line_len);
}
