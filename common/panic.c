/* SPDX-License-Identifier: MIT */
/* panic(): the hypervisor found a bug in itself. Show where and how the CPU
 * stood, then end the run with FAIL. */
#include "panic.h"
#include "cpu.h"

void dump_trap_frame(const struct trap_frame *f)
{
    kprintf("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", f->rax, f->rbx,
            f->rcx, f->rdx);
    kprintf("  RSI %016lx RDI %016lx RBP %016lx RSP %016lx\n", f->rsi, f->rdi,
            f->rbp, f->rsp);
    kprintf("  R8  %016lx R9  %016lx R10 %016lx R11 %016lx\n", f->r8, f->r9,
            f->r10, f->r11);
    kprintf("  R12 %016lx R13 %016lx R14 %016lx R15 %016lx\n", f->r12, f->r13,
            f->r14, f->r15);
    kprintf("  RIP %016lx CS %04lx RFLAGS %08lx SS %04lx\n", f->rip, f->cs,
            f->rflags, f->ss);
}

noreturn void panic(const char *fmt, ...)
{
    static char reason[160];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    kprintf("PANIC: %s\n", reason);

    uint64_t rsp, rbp;
    __asm__ volatile("mov %%rsp, %0; mov %%rbp, %1" : "=r"(rsp), "=r"(rbp));
    kprintf("  called from %p, RSP %016lx RBP %016lx RFLAGS %08lx\n",
            __builtin_return_address(0), rsp, rbp, read_rflags());
    kprintf("  CR0 %016lx CR3 %016lx CR4 %016lx\n", read_cr0(), read_cr3(),
            read_cr4());
    run_fail("panic: %s", reason);
}
