/* SPDX-License-Identifier: MIT */
/* A budget for the lines the guest makes the hypervisor print (exit_log.h). */
#include "exit_log.h"
#include <stdarg.h>
#include <stdint.h>
#include "printf.h"

#define ASCII_PRINTABLE_FIRST ' '
#define ASCII_PRINTABLE_LAST '~'

static uint64_t printed, suppressed;

bool exit_log_line(void)
{
    if (printed < EXIT_LOG_BUDGET) {
        printed++;
        return true;
    }
    suppressed++;
    return false;
}

void exit_log(const char *fmt, ...)
{
    if (!exit_log_line())
        return;
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}

size_t exit_log_escape(char *out, size_t size, const char *text, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0, i = 0;
    for (; i < len && n + EXIT_LOG_ESCAPE_WIDTH < size; i++) {
        uint8_t c = (uint8_t)text[i];
        if (c >= ASCII_PRINTABLE_FIRST && c <= ASCII_PRINTABLE_LAST && c != '\\') {
            out[n++] = (char)c;
        } else {
            out[n++] = '\\';
            out[n++] = 'x';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 0xF];
        }
    }
    if (size)
        out[n] = '\0';
    return i;
}

void exit_log_guest_text(const char *prefix, const char *text, size_t len)
{
    if (!exit_log_line())
        return;
    char shown[EXIT_LOG_TEXT_MAX * EXIT_LOG_ESCAPE_WIDTH + 1];
    size_t done = exit_log_escape(shown, sizeof shown, text, len);
    /* One kprintf per line, so that nothing else lands inside it. */
    kprintf("%s: %s%s\n", prefix, shown, done < len ? "..." : "");
}

void exit_log_summary(void)
{
    if (suppressed)
        kprintf("log: %lu more lines caused by the guest were not printed (at most %u "
                "are)\n", suppressed, EXIT_LOG_BUDGET);
}
