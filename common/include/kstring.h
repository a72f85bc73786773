/* SPDX-License-Identifier: MIT */
/** @file kstring.h
 *  The few C library string and memory functions the hypervisor uses.
 *  The compiler may emit calls to memset/memcpy itself, so the names are
 *  the standard ones. */
#pragma once
#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
