/* SPDX-License-Identifier: MIT */
/* The one way a run ends: a verdict line, a drained UART, a stopped emulator.
 * A negative scenario names the failure a correct hypervisor ends it with
 * (run_expect); that failure is then the scenario passing. */
#include "run_end.h"
#include "kstring.h"
#include "printf.h"

/** Room for one reason; a longer one is cut, never overrun. */
#define REASON_MAX 512

static const char *expected; /* NULL: the guest must end normally */

void run_expect(const char *reason_prefix)
{
    expected = reason_prefix;
}

noreturn void run_pass(void)
{
    if (expected) {
        kprintf("FAIL: expected \"%s\", but the guest ended normally\n", expected);
        stop_machine(ISA_DEBUG_EXIT_FAIL);
    }
    kprintf("PASS\n");
    stop_machine(ISA_DEBUG_EXIT_PASS);
}

noreturn void run_fail(const char *fmt, ...)
{
    static char reason[REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (expected && strncmp(reason, expected, strlen(expected)) == 0) {
        kprintf("expected outcome: %s\nPASS\n", reason);
        stop_machine(ISA_DEBUG_EXIT_PASS);
    }
    kprintf("FAIL: %s\n", reason);
    stop_machine(ISA_DEBUG_EXIT_FAIL);
}
