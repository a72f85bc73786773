/* SPDX-License-Identifier: MIT */
/* String and memory functions. memset and memcpy use REP STOS and REP
 * MOVSB: short, and fast even in an emulator (guest RAM is megabytes). */
#include "kstring.h"

#define QWORD_BYTES 8
#define EVERY_BYTE 0x0101010101010101ull /* times a byte: it in all 8 */

void *memset(void *dst, int c, size_t n)
{
    /* An emulator counts every iteration: quadwords, then the last bytes
     * (256 MiB of guest RAM zeroed is 32 Mi iterations, not 256 Mi). */
    void *d = dst;
    size_t qwords = n / QWORD_BYTES, bytes = n % QWORD_BYTES;
    __asm__ volatile("rep stosq" : "+D"(d), "+c"(qwords) : "a"((unsigned char)c * EVERY_BYTE)
                     : "memory");
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(c) : "memory");
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            return 0;
    }
    return 0;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}
