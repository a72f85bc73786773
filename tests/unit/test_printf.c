// sources: common/printf.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of ksnprintf and the format() engine behind kprintf:
 * against the host's snprintf where the behaviour is standard C, and
 * against exact strings where ours is its own (printf.h). */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "printf.h"

#define BUF 256
static char got[BUF], want[BUF];

/* Both buffers start as the same filler, so comparing all BUF bytes also
 * checks that neither side wrote past what it should. */
static void fill(void)
{
    memset(got, '#', BUF);
    memset(want, '#', BUF);
}

static void same_at(const char *file, int line, const char *what, int got_n,
                    int want_n)
{
    int ok = memcmp(got, want, BUF) == 0 && got_n == want_n;
    if (check_at(ok, file, line, what))
        check_end(": got \"%.*s\" (returned %d), libc \"%.*s\" (returned %d)\n",
                  BUF - 1, got, got_n, BUF - 1, want, want_n);
}

/* ksnprintf and the host's snprintf agree on the buffer and the return
 * value, formatting into a buffer of `size` bytes. */
#define SAME_N(size, ...)                                                    \
    do {                                                                     \
        fill();                                                              \
        int got_n_ = ksnprintf(got, (size), __VA_ARGS__);                    \
        int want_n_ = snprintf(want, (size), __VA_ARGS__);                   \
        same_at(__FILE__, __LINE__, #__VA_ARGS__, got_n_, want_n_);          \
    } while (0)
#define SAME(...) SAME_N(BUF, __VA_ARGS__)

/* ksnprintf without the compiler's format checking, for the formats that
 * are ours alone (unknown conversions, a trailing '%', ...). */
static int kfmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void is_at(const char *file, int line, const char *what,
                  const char *expected, int n)
{
    int ok = strcmp(got, expected) == 0 && n == (int)strlen(expected);
    if (check_at(ok, file, line, what))
        check_end(": got \"%s\" (returned %d), want \"%s\" (%d)\n", got, n,
                  expected, (int)strlen(expected));
}

/* Formatting the arguments gives exactly `expected`. */
#define IS(expected, ...)                                                    \
    is_at(__FILE__, __LINE__, #__VA_ARGS__, (expected),                      \
          kfmt(got, BUF, __VA_ARGS__))

/* A sink that records what format() hands it, one call per character. */
struct record {
    char text[BUF];
    int calls;
};

static void record_sink(char c, void *ctx)
{
    struct record *r = ctx;
    if (r->calls < BUF - 1)
        r->text[r->calls] = c;
    r->calls++;
}

static int format_to(struct record *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    memset(r, 0, sizeof *r);
    int n = format(record_sink, r, fmt, ap);
    va_end(ap);
    return n;
}

static void conversions(void)
{
    SAME("plain text, no conversions");
    SAME("%d", 0);
    SAME("%d", 42);
    SAME("%d", -42);
    SAME("%d", INT_MAX);
    SAME("%d", INT_MIN);
    SAME("%i", -7);
    SAME("%i", 123456789);
    SAME("%u", 0u);
    SAME("%u", 4294967295u);
    SAME("%x", 0u);
    SAME("%x", 0xdeadbeefu);
    SAME("%X", 0xdeadbeefu);
    SAME("%x", -1);
    SAME("%s", "hello");
    SAME("%s", "");
    SAME("%c", 'A');
    SAME("%c", 0); /* a NUL character is output, and counted */
    SAME("%%");
    SAME("100%% sure");
    SAME("%p", (void *)0x1234);
    SAME("%p", (void *)0xffff800000001000ul);
    SAME("%s=%d (0x%x) %c%%", "exits", 17, 17u, '!');
    /* Ours prints a null pointer as a number; glibc says "(nil)". */
    IS("0x0", "%p", (void *)0);
    const char *null = 0;
    IS("(null)", "%s", null);
}

static void flags_and_widths(void)
{
    SAME("[%5d]", 42);
    SAME("[%-5d]", 42);
    SAME("[%05d]", 42);
    SAME("[%05d]", -42);
    SAME("[%-5d]", -42);
    SAME("[%5d]", -42);
    SAME("[%2d]", 12345); /* a width narrower than the number */
    SAME("[%1d]", 0);
    SAME("[%08x]", 0xbeefu);
    SAME("[%-8X]", 0xbeefu);
    SAME("[%016lx]", 0xfffffffful);
    SAME("[%20lu]", UINT64_MAX);
    SAME("[%-21ld]", (long)INT64_MIN);
    SAME("[%021ld]", (long)INT64_MIN);
    SAME("[%10s]", "abc");
    SAME("[%-10s]", "abc");
    SAME("[%2s]", "abcdef");
    SAME("[%3c]", 'x');
    SAME("[%-3c]", 'x');
    SAME("[%10u]", 0u);
    SAME("%200d|", 1); /* a width beyond any buffer inside */
    /* '-' wins over '0', as in C; '0' does not pad strings or characters. */
    IS("[42   ]", "[%-05d]", 42);
    IS("[42   ]", "[%0-5d]", 42);
    IS("[   ab]", "[%05s]", "ab");
    IS("[  z]", "[%03c]", 'z');
}

static void string_precision(void)
{
    SAME("[%.3s]", "abcdef");
    SAME("[%.3s]", "ab");
    SAME("[%.0s]", "abc");
    SAME("[%.s]", "abc");
    SAME("[%.10s]", "abc");
    SAME("[%.*s]", 2, "abcdef");
    SAME("[%.*s]", 0, "abcdef");
    SAME("[%.*s]", -1, "abcdef"); /* negative: as if no precision */
    SAME("[%8.3s]", "abcdef");
    SAME("[%-8.3s]", "abcdef");
    SAME("[%.*s|%s]", 3, "abcdef", "next"); /* the '*' used one argument */
}

static void length_modifiers(void)
{
    SAME("%hhd", 255);
    SAME("%hhd", -129);
    SAME("%hhd", 127);
    SAME("%hhu", 256 + 7);
    SAME("%hhx", -1);
    SAME("%hhi", 0x180);
    SAME("%hd", 65535);
    SAME("%hd", -32768);
    SAME("%hu", 70000);
    SAME("%hx", 0x12345);
    SAME("%hX", 0xabcde);
    SAME("%ld", 0l);
    SAME("%ld", (long)INT64_MIN);
    SAME("%ld", (long)INT64_MAX);
    SAME("%li", -1l);
    SAME("%lu", 0ul);
    SAME("%lu", UINT64_MAX);
    SAME("%lx", UINT64_MAX);
    SAME("%lX", 0x0123456789abcdeful);
    SAME("%lld", LLONG_MIN);
    SAME("%llu", ULLONG_MAX);
    SAME("%llx", 0x123456789abcdefull);
    SAME("%zu", (size_t)0);
    SAME("%zu", SIZE_MAX);
    SAME("%zx", (size_t)0x1000);
    /* 32 bits without 'l', even when a 64-bit value was meant. */
    SAME("%u %x", 0xffffffffu, 0x80000000u);
}

/* Truncation is the point here, so gcc need not warn about it. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-truncation"
static void truncation(void)
{
    SAME_N(5, "hello world");
    SAME_N(5, "%d", 123456);
    SAME_N(5, "%s|%s", "ab", "cdef");
    SAME_N(6, "[%10s]", "x");
    SAME_N(1, "anything");
    SAME_N(2, "%c", 'q');
    SAME_N(0, "nothing is written"); /* the '#' filler survives */
    SAME_N(0, "%lu", UINT64_MAX);
    SAME_N(BUF, "%300d", 7); /* 300 characters into 256 bytes */

    /* The return value is the whole length; NUL lands at size - 1. */
    fill();
    CHECK_EQ_U64(ksnprintf(got, 4, "%lx", 0xabcdeful), 6);
    CHECK_STR(got, "abc");
    CHECK_EQ_U64(got[4], '#');
    CHECK_EQ_U64(ksnprintf(NULL, 0, "%s%d", "abc", -12), 6);
}
#pragma GCC diagnostic pop

static void ours_alone(void)
{
    /* An unknown conversion is printed as written, using no argument. */
    IS("%q", "%q");
    IS("a%qb", "a%qb");
    IS("%q 5", "%q %d", 5);
    IS("%*", "%*");
    /* A '%' at the very end prints nothing and stops. */
    IS("abc", "abc%");
    IS("", "%");
    IS("50", "%d%", 50);
    IS("x", "x%-");
    IS("x", "x%l");
    fill();
    CHECK_EQ_U64(kfmt(got, 3, "%q%"), 2);
    CHECK_STR(got, "%q");
}

static void format_engine(void)
{
    struct record r;
    int n = format_to(&r, "%s:%05d:%-3c|%%", "id", -7, 'k');
    CHECK_EQ_U64(n, r.calls);
    CHECK_STR(r.text, "id:-0007:k  |%");
    CHECK_EQ_U64(format_to(&r, ""), 0);
    CHECK_EQ_U64(r.calls, 0);
    n = format_to(&r, "%300d", 1);
    CHECK_EQ_U64(n, 300);
    CHECK_EQ_U64(r.calls, 300);
}

/* Once bugs, now fixed: the width counts the "0x" of %p, and a precision
 * lets a string array lack its NUL. */
static void edge_cases(void)
{
    /* The width is the width of the whole field, "0x" included. */
    SAME("[%10p]", (void *)0x1234);
    SAME("[%-10p]", (void *)0x1234);
    /* With a precision, C lets the array lack a NUL if it is at least that
     * long; ours reads one byte past it (AddressSanitizer stops here). */
    static const char exact[3] = {'a', 'b', 'c'};
    SAME("[%.3s]", exact);
}

int main(void)
{
    conversions();
    flags_and_widths();
    string_precision();
    length_modifiers();
    truncation();
    ours_alone();
    format_engine();
    edge_cases();
    return CHECK_DONE("test_printf");
}
