/* SPDX-License-Identifier: MIT */
/* The formatting engine behind kprintf and ksnprintf. It has no state and
 * no dependencies, so the host unit tests compile it unchanged. */
#include "printf.h"
#include <stdbool.h>
#include <stdint.h>

/* Widths beyond this are clamped: no console line is that long. */
#define MAX_WIDTH 4096

struct spec {
    bool left;   /* '-' */
    bool zero;   /* '0' */
    int width;
    int precision; /* -1: none */
};

struct out {
    printf_sink sink;
    void *ctx;
    int count;
};

static void emit(struct out *o, char c)
{
    o->sink(c, o->ctx);
    o->count++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        emit(o, c);
}

/* prefix ("-" or "0x") goes before zero padding, after space padding. */
static void emit_field(struct out *o, const struct spec *s, const char *prefix,
                       const char *body, int len)
{
    int prefixlen = 0;
    while (prefix && prefix[prefixlen])
        prefixlen++;
    int fill = s->width - len - prefixlen;
    if (!s->left && !s->zero)
        pad(o, ' ', fill);
    for (int i = 0; i < prefixlen; i++)
        emit(o, prefix[i]);
    if (!s->left && s->zero)
        pad(o, '0', fill);
    for (int i = 0; i < len; i++)
        emit(o, body[i]);
    if (s->left)
        pad(o, ' ', fill);
}

static void emit_number(struct out *o, const struct spec *s, uint64_t v,
                        unsigned base, bool upper, const char *prefix)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int len = 0;
    do {
        buf[sizeof buf - 1 - len++] = digits[v % base];
        v /= base;
    } while (v);
    emit_field(o, s, prefix, buf + sizeof buf - len, len);
}

int format(printf_sink sink, void *ctx, const char *fmt, va_list ap)
{
    struct out o = {sink, ctx, 0};

    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            emit(&o, *fmt);
            continue;
        }
        struct spec s = {false, false, 0, -1};
        for (;; fmt++) {
            if (fmt[1] == '-')
                s.left = true;
            else if (fmt[1] == '0')
                s.zero = true;
            else
                break;
        }
        for (; fmt[1] >= '0' && fmt[1] <= '9'; fmt++)
            if (s.width < MAX_WIDTH)
                s.width = s.width * 10 + (fmt[1] - '0');
        if (fmt[1] == '.') {
            fmt++;
            s.precision = 0;
            if (fmt[1] == '*') {
                s.precision = va_arg(ap, int);
                fmt++;
            }
            for (; fmt[1] >= '0' && fmt[1] <= '9'; fmt++)
                if (s.precision < MAX_WIDTH)
                    s.precision = s.precision * 10 + (fmt[1] - '0');
        }
        /* Length: -2 hh, -1 h, 0 int, 1 l, 2 ll or z (both 64-bit here). */
        int longs = 0;
        if (fmt[1] == 'h') {
            fmt++;
            longs = -1;
            if (fmt[1] == 'h') {
                fmt++;
                longs = -2;
            }
        } else if (fmt[1] == 'l') {
            fmt++;
            longs = 1;
            if (fmt[1] == 'l') {
                fmt++;
                longs = 2;
            }
        } else if (fmt[1] == 'z') {
            fmt++;
            longs = 2;
        }
        fmt++;

        uint64_t u;
        int64_t i;
        switch (*fmt) {
        case 'd':
        case 'i':
            i = longs >= 1 ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (longs == -1)
                i = (short)i;
            else if (longs <= -2)
                i = (signed char)i;
            emit_number(&o, &s, i < 0 ? -(uint64_t)i : (uint64_t)i, 10, false,
                        i < 0 ? "-" : 0);
            break;
        case 'u':
        case 'x':
        case 'X':
            u = longs >= 1 ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
            if (longs == -1)
                u = (unsigned short)u;
            else if (longs <= -2)
                u = (unsigned char)u;
            emit_number(&o, &s, u, *fmt == 'u' ? 10 : 16, *fmt == 'X', 0);
            break;
        case 'p':
            emit_number(&o, &s, (uintptr_t)va_arg(ap, void *), 16, false, "0x");
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            int len = 0;
            while ((s.precision < 0 || len < s.precision) && str[len])
                len++;
            s.zero = false;
            emit_field(&o, &s, 0, str, len);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            s.zero = false;
            emit_field(&o, &s, 0, &c, 1);
            break;
        }
        case '%':
            emit(&o, '%');
            break;
        case '\0':
            return o.count; /* a lone '%' at the end */
        default:
            /* Unknown conversion: show it rather than guess. */
            emit(&o, '%');
            emit(&o, *fmt);
            break;
        }
    }
    return o.count;
}

struct buffer {
    char *buf;
    size_t size;
    size_t used;
};

static void buffer_sink(char c, void *ctx)
{
    struct buffer *b = ctx;
    if (b->used + 1 < b->size)
        b->buf[b->used] = c;
    b->used++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct buffer b = {buf, size, 0};
    int n = format(buffer_sink, &b, fmt, ap);
    if (size)
        buf[b.used < size ? b.used : size - 1] = '\0';
    return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
