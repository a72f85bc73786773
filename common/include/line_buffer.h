/* SPDX-License-Identifier: MIT */
/** @file line_buffer.h
 *  Text a guest sends a character at a time, printed on the hypervisor's
 *  console a line at a time, each line prefixed with where it came from
 *  ("guest uart: ...") so nobody mistakes it for the hypervisor's words. */
#pragma once
#include <stddef.h>

#define LINE_BUFFER_MAX 120

struct line_buffer {
    const char *prefix;
    char text[LINE_BUFFER_MAX + 1];
    size_t len;
};

/** Adds c; prints the line at a newline, or when it is full, escaped and
 *  within the exit-log budget (exit_log.h). Carriage returns are dropped. */
void line_buffer_putc(struct line_buffer *b, char c);
