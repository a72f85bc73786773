/* SPDX-License-Identifier: MIT */
/* After the verdict: a drained UART and a stopped emulator. */
#include "console.h"
#include "cpu.h"
#include "run_end.h"

noreturn void stop_machine(uint8_t qemu_code)
{
    console_drain();
    outb(ISA_DEBUG_EXIT_PORT, qemu_code);
    for (const char *s = "Shutdown"; *s; s++)
        outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*s);
    halt_forever(); /* real hardware: nothing else to do */
    __builtin_unreachable();
}
