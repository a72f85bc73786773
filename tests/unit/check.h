/* SPDX-License-Identifier: MIT */
/* The checks the host unit tests share. Each CHECK_* counts a pass or a
 * failure; a failure prints file:line, the expression and both values.
 * main() ends with `return CHECK_DONE("test_name");`, which prints
 * "test_name: N passed, M failed" (tests/test_unit.py reads that line) and
 * yields the exit code. One test program is one translation unit, so the
 * counters are plain statics. A failure's message is flushed at once, so
 * it survives a sanitizer stopping the program at a later check. */
#pragma once
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int check_passed_, check_failed_;

/** Counts one check; if it failed, prints "FAIL file:line: what" and
 *  returns 1, and the caller ends the line with check_end(). The CHECK_*
 *  macros are built on it, and so are a test's own checks. */
static inline int check_at(int ok, const char *file, int line, const char *what)
{
    if (ok) {
        check_passed_++;
        return 0;
    }
    check_failed_++;
    printf("FAIL %s:%d: %s", file, line, what);
    return 1;
}

/** Ends a failure's line (the values, then a newline) and flushes it. */
__attribute__((format(printf, 1, 2))) static inline void
check_end(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
}

/** cond is true. */
#define CHECK(cond)                                                          \
    do {                                                                     \
        if (check_at(!!(cond), __FILE__, __LINE__, #cond))                   \
            check_end("\n");                                                 \
    } while (0)

/** a == b, as 64-bit unsigned numbers; shows both in hex and decimal. */
#define CHECK_EQ_U64(a, b)                                                   \
    do {                                                                     \
        uint64_t got_ = (uint64_t)(a), want_ = (uint64_t)(b);                \
        if (check_at(got_ == want_, __FILE__, __LINE__, #a " == " #b))       \
            check_end(": got 0x%llx (%llu), want 0x%llx (%llu)\n",           \
                      (unsigned long long)got_, (unsigned long long)got_,    \
                      (unsigned long long)want_, (unsigned long long)want_); \
    } while (0)

/** a and b are equal strings (NULL equals only NULL). */
#define CHECK_STR(a, b)                                                      \
    do {                                                                     \
        const char *got_ = (a), *want_ = (b);                                \
        int ok_ = got_ && want_ ? strcmp(got_, want_) == 0 : got_ == want_;  \
        if (check_at(ok_, __FILE__, __LINE__, #a " == " #b))                 \
            check_end(": got %s%s%s, want %s%s%s\n", got_ ? "\"" : "",       \
                      got_ ? got_ : "NULL", got_ ? "\"" : "",                \
                      want_ ? "\"" : "", want_ ? want_ : "NULL",             \
                      want_ ? "\"" : "");                                    \
    } while (0)

/** Prints the tally; the value is main()'s exit code. */
#define CHECK_DONE(name)                                                     \
    (printf("%s: %d passed, %d failed\n", (name), check_passed_,             \
            check_failed_),                                                  \
     check_failed_ != 0)
