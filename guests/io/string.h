/** @file string.h
 *  The few C library string functions the guest uses. GCC may also emit
 *  calls to memset and memcpy on its own (for a large struct copy or a
 *  zeroing loop) even with -fno-builtin, so these must exist. */
#pragma once
#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
