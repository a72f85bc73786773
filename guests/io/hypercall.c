/* SPDX-License-Identifier: MIT */
/* Hypercalls: one VMCALL, wrapped once per function. VMCALL always exits
 * to the hypervisor, which reads RAX, RDI and RSI from the guest's saved
 * registers and writes the result to RAX. The "memory" clobber makes the
 * compiler finish writing any string or buffer the call points to before
 * the exit, since the hypervisor reads guest memory directly. */
#include "hypercall.h"
#include "kstring.h"

uint64_t hc_raw(uint64_t function, uint64_t arg1, uint64_t arg2)
{
    uint64_t result;
    __asm__ volatile("vmcall"
                     : "=a"(result)
                     : "a"(function), "D"(arg1), "S"(arg2)
                     : "memory");
    return result;
}

void hc_print(const char *text, size_t len)
{
    hc_raw(HYPERCALL_PRINT, (uintptr_t)text, len);
}

void hc_puts(const char *text)
{
    hc_print(text, strlen(text));
}

void hc_report(const char *label, uint64_t value)
{
    hc_raw(HYPERCALL_REPORT, (uintptr_t)label, value);
}

void hc_measure_begin(const char *label)
{
    hc_raw(HYPERCALL_MEASURE_BEGIN, (uintptr_t)label, 0);
}

void hc_measure_end(uint64_t bytes)
{
    hc_raw(HYPERCALL_MEASURE_END, bytes, 0);
}

_Noreturn void hc_exit(uint64_t status)
{
    for (;;)
        hc_raw(HYPERCALL_EXIT, status, 0);
}
