/* The one way a run ends: a verdict line, a drained UART, a stopped emulator. */
#include "run_end.h"
#include "console.h"
#include "cpu.h"
#include "kstring.h"
#include "printf.h"

#define REASON_MAX 512

static const char *expected_prefix;

static noreturn void stop_machine(uint8_t qemu_code)
{
    console_drain();
    outb(ISA_DEBUG_EXIT_PORT, qemu_code);
    for (const char *s = "Shutdown"; *s; s++)
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
    halt_forever(); /* real hardware: nothing else to do */
    __builtin_unreachable();
}

void run_expect(const char *prefix)
{
    expected_prefix = prefix;
}

static noreturn void pass(void)
{
    kprintf("PASS\n");
    stop_machine(ISA_DEBUG_EXIT_PASS);
}

static noreturn void fail(const char *reason)
{
    kprintf("FAIL: %s\n", reason);
    stop_machine(ISA_DEBUG_EXIT_FAIL);
}

noreturn void run_pass(void)
{
    if (expected_prefix) {
        char reason[REASON_MAX];
        ksnprintf(reason, sizeof reason, "the run ended normally, but the scenario expects "
                  "it to end with \"%s\"", expected_prefix);
        fail(reason);
    }
    pass();
}

noreturn void run_fail(const char *fmt, ...)
{
    char reason[REASON_MAX];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    if (expected_prefix && strncmp(reason, expected_prefix, strlen(expected_prefix)) == 0) {
        kprintf("expected outcome: %s\n", reason);
        pass();
    }
    fail(reason);
}
