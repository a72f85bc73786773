// sources: common/run_end.c common/printf.c common/kprintf.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of how a run ends: the verdict lines of run_pass and
 * run_fail with and without an expected outcome (run_expect). The console
 * is a buffer here, and stopping the machine jumps back to the test. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "run_end.h"

static char out[1024];
static size_t out_len;
static jmp_buf stopped;
static int stop_code;

void console_putc(char c);
void console_putc(char c)
{
    if (out_len + 1 < sizeof out)
        out[out_len++] = c;
    out[out_len] = '\0';
}

noreturn void stop_machine(uint8_t qemu_code)
{
    stop_code = qemu_code;
    longjmp(stopped, 1);
}

/* Ends a run with reason (or normally, for NULL) after run_expect(expect);
 * checks the console and the exit code. */
static void ends(const char *expect, const char *reason, const char *want, int code)
{
    out_len = 0;
    out[0] = '\0';
    stop_code = -1;
    run_expect(expect);
    if (setjmp(stopped) == 0) {
        if (reason)
            run_fail("%s", reason);
        run_pass();
    }
    CHECK_STR(out, want);
    CHECK_EQ_U64(stop_code, code);
}

int main(void)
{
    ends(0, 0, "PASS\n", ISA_DEBUG_EXIT_PASS);
    ends(0, "no VMX", "FAIL: no VMX\n", ISA_DEBUG_EXIT_FAIL);
    ends("guest hung at RIP", "guest hung at RIP 0x7c10 (VMX-preemption timer expired)",
         "expected outcome: guest hung at RIP 0x7c10 (VMX-preemption timer expired)\nPASS\n",
         ISA_DEBUG_EXIT_PASS);
    ends("guest hung at RIP", 0,
         "FAIL: expected \"guest hung at RIP\", but the guest ended normally\n",
         ISA_DEBUG_EXIT_FAIL);
    ends("guest hung at RIP", "no VMX", "FAIL: no VMX\n", ISA_DEBUG_EXIT_FAIL);
    ends("guest hung at RIP", "guest hung", "FAIL: guest hung\n", ISA_DEBUG_EXIT_FAIL);
    /* A reason longer than the buffer is cut, not overrun. */
    char longer[700];
    memset(longer, 'x', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    char cut[sizeof out];
    snprintf(cut, sizeof cut, "FAIL: %.511s\n", longer); /* REASON_MAX - 1 */
    ends(0, longer, cut, ISA_DEBUG_EXIT_FAIL);
    return CHECK_DONE("test_run_end");
}
