/* SPDX-License-Identifier: MIT */
/* Exceptions, each shown as the guest's handler saw it: vector, error code
 * (or none), the RIP saved, CR2 for a page fault. Some the CPU raises by
 * itself (#DE, UD2, #PF); others only the hypervisor can raise, because
 * the instruction exits and the hypervisor injects the exception hardware
 * would have raised (RDMSR of an MSR that does not exist: #GP(0); VMXON in
 * a virtual CPU without VMX: #UD). The guest cannot tell which is which,
 * and that is the point. */
#include "irq.h"
#include "guest.h"
#include "programs.h"

#define UNKNOWN_MSR 0x12345678u
#define SELECTOR_PAST_GDT 0x7F8  /* the GDT has 5 entries */
#define HOLE_OFFSET 0x40
#define VECTOR_DE 0
#define VECTOR_BP 3
#define VECTOR_UD 6
#define VECTOR_GP 13
#define VECTOR_PF 14
#define RFLAGS_RESERVED_1 0x2u

/* The cases of entry.asm's rm_exceptions, in its order. */
static const struct {
    const char *name;
    unsigned vector;
    bool trap; /* the IP saved is the next instruction's */
} rm_cases[RM_CASES] = {
    {"real mode #DE (DIV by 0)", VECTOR_DE, false},
    {"real mode #UD (UD2)", VECTOR_UD, false},
    {"real mode #BP (INT3)", VECTOR_BP, true},
    {"real mode #GP (RDMSR of an unknown MSR)", VECTOR_GP, false},
};

/* "<name>: vector N, <error code>, IP <where>". The real-mode frame is IP,
 * CS, FLAGS: an error code would have shifted it, putting the IP where
 * CS is expected and CS where FLAGS is (bit 1 of FLAGS is always 1). */
static void show_real_mode(void)
{
    for (unsigned i = 0; i < RM_CASES; i++) {
        const struct rm_result *r = &rm_results[i];
        line_start(rm_cases[i].name);
        line_add(": vector ");
        line_dec(r->vector);
        bool frame = r->cs == 0 && (r->flags & RFLAGS_RESERVED_1);
        line_add(frame ? ", no error code" : ", the frame is not IP, CS, FLAGS");
        if (r->ip == r->expected_ip) {
            line_add(rm_cases[i].trap ? ", IP after the INT3" : ", IP at the instruction");
        } else {
            line_add(", IP ");
            line_hex(r->ip);
            line_add(" instead of ");
            line_hex(r->expected_ip);
        }
        if (r->vector != rm_cases[i].vector)
            line_add(" (wrong vector)");
        line_print();
    }
}

/* A tried instruction: where to resume if it raises an exception (label
 * 1), and where it is (label 2), for the handler and for the check. */
#define TRY_START "leaq 1f(%%rip), %%r11\n\tmovq %%r11, exc_resume(%%rip)\n\t" \
                  "movq %%r11, exc_next(%%rip)\n\t" \
                  "leaq 2f(%%rip), %%r11\n\tmovq %%r11, exc_insn(%%rip)\n2:\t"
#define TRY_END "\n1:\n\tmovq $0, exc_resume(%%rip)"

/* "<name>: vector N, error code E (or none), RIP at/after the instruction". */
static void show(const char *name, bool trap)
{
    const volatile struct exception_record *r = &exc_last;
    line_start(name);
    if (r->vector == NO_VECTOR) {
        line_add(": no exception");
        line_print();
        return;
    }
    line_add(": vector ");
    line_dec(r->vector);
    if (r->error == NO_ERROR_CODE) {
        line_add(", no error code");
    } else {
        line_add(", error code ");
        line_hex(r->error);
    }
    if (r->vector == VECTOR_PF) {
        line_add(", CR2 ");
        line_hex(r->cr2);
    }
    uint64_t want = trap ? exc_next : exc_insn;
    if (r->rip == want) {
        line_add(trap ? ", RIP after the instruction" : ", RIP at the instruction");
    } else {
        line_add(", RIP ");
        line_hex(r->rip);
        line_add(" instead of ");
        line_hex(want);
    }
    line_print();
}

static void try_div_by_zero(void)
{
    exc_reset();
    __asm__ volatile(TRY_START "divl %%ecx" TRY_END
                     :: "a"(1), "d"(0), "c"(0) : "r11", "memory", "cc");
    show("#DE (DIV by 0)", false);
}

static void try_ud2(void)
{
    exc_reset();
    __asm__ volatile(TRY_START "ud2" TRY_END ::: "r11", "memory");
    show("#UD (UD2)", false);
}

static void try_vmxon(void)
{
    static uint64_t region[2];
    exc_reset();
    __asm__ volatile(TRY_START "vmxon (%0)" TRY_END :: "r"(region) : "r11", "memory", "cc");
    show("#UD (VMXON: the virtual CPU has no VMX)", false);
}

static void try_rdmsr(void)
{
    exc_reset();
    __asm__ volatile(TRY_START "rdmsr" TRY_END
                     :: "c"(UNKNOWN_MSR) : "rax", "rdx", "r11", "memory");
    show("#GP (RDMSR of an unknown MSR)", false);
}

static void try_bad_selector(void)
{
    exc_reset();
    __asm__ volatile(TRY_START "movl %0, %%fs" TRY_END
                     :: "r"(SELECTOR_PAST_GDT) : "r11", "memory");
    show("#GP (MOV FS, a selector past the GDT's limit)", false);
}

static void try_int3(void)
{
    exc_reset();
    __asm__ volatile(TRY_START "int3" TRY_END ::: "r11", "memory");
    show("#BP (INT3)", true);
}

static void try_page_faults(void)
{
    volatile uint32_t *p = (volatile uint32_t *)(HOLE_GPA + HOLE_OFFSET);
    hole_set_present(false);
    exc_reset();
    __asm__ volatile(TRY_START "movl (%0), %%eax" TRY_END :: "r"(p) : "rax", "r11", "memory");
    show("#PF (read, page not present)", false);
    exc_reset();
    __asm__ volatile(TRY_START "movl %%eax, (%0)" TRY_END :: "r"(p), "a"(0) : "r11", "memory");
    show("#PF (write, page not present)", false);
    hole_set_present(true);
}

/* INT3 through a gate whose interrupt stack (IST1) is in the hole: the
 * CPU faults pushing the frame, before the handler runs. The #PF handler
 * maps the hole back in and returns to the INT3, which runs again and is
 * delivered this time. A hypervisor that injected the #BP sees none of
 * this unless the delivery exits; then it must re-inject what the
 * IDT-vectoring information says. */
static void fault_during_delivery(void)
{
    hole_set_present(false);
    idt_set_ist(VECTOR_BP, 1);
    exc_reset();
    pf_repair_hole = true;
    __asm__ volatile(TRY_START "int3" TRY_END ::: "r11", "memory");
    idt_set_ist(VECTOR_BP, 0);
    const volatile struct exception_record *pf = &exc_pf;
    line_start("#PF while delivering #BP: ");
    if (pf->vector == NO_VECTOR) {
        line_add("none");
    } else {
        line_add("vector ");
        line_dec(pf->vector);
        line_add(", error code ");
        line_hex(pf->error);
        line_add(", CR2 ");
        line_hex(pf->cr2);
        line_add(pf->rip == exc_insn ? ", RIP at the INT3" : ", RIP not at the INT3");
    }
    line_print();
    show("#BP (INT3) again, on the stack the #PF handler mapped", true);
    pf_repair_hole = false;
}

void exceptions_show(void)
{
    show_real_mode();
    try_div_by_zero();
    try_ud2();
    try_vmxon();
    try_rdmsr();
    try_bad_selector();
    try_int3();
    try_page_faults();
    fault_during_delivery();
}
