/* The one way a run ends: a verdict line, a drained UART, a stopped emulator. */
#include "run_end.h"
#include "console.h"
#include "cpu.h"
#include "printf.h"

static noreturn void stop_machine(uint8_t qemu_code)
{
    console_drain();
    outb(ISA_DEBUG_EXIT_PORT, qemu_code);
    for (const char *s = "Shutdown"; *s; s++)
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
    halt_forever(); /* real hardware: nothing else to do */
    __builtin_unreachable();
}

noreturn void run_pass(void)
{
    kprintf("PASS\n");
    stop_machine(ISA_DEBUG_EXIT_PASS);
}

noreturn void run_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kprintf("FAIL: ");
    kvprintf(fmt, ap);
    kprintf("\n");
    va_end(ap);
    stop_machine(ISA_DEBUG_EXIT_FAIL);
}
