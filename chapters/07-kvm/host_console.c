/* SPDX-License-Identifier: MIT */
/* The bare-metal chapters print through common/kprintf.c to COM1; this
 * program prints to its standard output, which the launcher keeps as the
 * run's log. The same interface (printf.h, run_end.h), so the device
 * files and common/exit_log.c, line_buffer.c, run_end.c and printf.c
 * compile here unchanged. One lock: two vCPU threads never mix a line. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "printf.h"
#include "run_end.h"

static pthread_mutex_t console = PTHREAD_MUTEX_INITIALIZER;

int kvprintf(const char *fmt, va_list ap)
{
    pthread_mutex_lock(&console);
    int n = vfprintf(stdout, fmt, ap);
    fflush(stdout);
    pthread_mutex_unlock(&console);
    return n;
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}

/* The process's exit status is the verdict's: 0 for PASS, 1 for FAIL. */
noreturn void stop_machine(uint8_t qemu_code)
{
    fflush(stdout);
    exit(qemu_code == ISA_DEBUG_EXIT_PASS ? EXIT_SUCCESS : EXIT_FAILURE);
}
