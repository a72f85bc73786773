/* SPDX-License-Identifier: MIT */
/* The hypervisor's console for a fuzz target: formats each call and checks
 * that guest input never makes it print anything but plain text lines
 * (guest text is escaped, so it can never pose as the verdict). */
#include <stdarg.h>
#include <stdio.h>

#include "fuzz.h"
#include "printf.h"

#define LINE_MAX_BYTES 2048

int kvprintf(const char *fmt, va_list ap)
{
    char line[LINE_MAX_BYTES];
    int n = vsnprintf(line, sizeof line, fmt, ap);
    for (const char *p = line; *p; p++)
        REQUIRE(*p == '\n' || (*p >= ' ' && *p <= '~'));
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
