/* SPDX-License-Identifier: MIT */
/** @file printf.h
 *  A small printf: %d %i %u %x %X %p %s %c %%, with flags '-' and '0', a
 *  field width, a precision for %s, and the length modifiers hh h l ll z. */
#pragma once
#include <stdarg.h>
#include <stddef.h>

/** Called once per output character. */
typedef void (*printf_sink)(char c, void *ctx);

/** Formats into sink; returns the number of characters produced. */
int format(printf_sink sink, void *ctx, const char *fmt, va_list ap);

/** Formats into buf (always NUL-terminated when size > 0); returns the
 *  length the full output would have had, as C's snprintf does. */
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/** Formats to the console. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
