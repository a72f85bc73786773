/* SPDX-License-Identifier: MIT */
/** @file exit_log.h
 *  What the guest makes the hypervisor print. Every character through the
 *  polled UART costs thousands of instructions, so a guest that exits in a
 *  loop and makes each exit log a line (an INT3, an unknown MSR, a line of
 *  text) would keep the hypervisor printing for minutes. The first
 *  EXIT_LOG_BUDGET such lines print; the rest are only counted, and the
 *  summary says how many. Guest text is printed escaped and prefixed, so
 *  that no guest can write a line the hypervisor did not (a verdict). */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/** More than twice what any chapter's normal run prints from its exits. */
#define EXIT_LOG_BUDGET 200
/** The longest guest text one line shows; longer text ends in "...". */
#define EXIT_LOG_TEXT_MAX 256
/** An escaped byte takes at most this many characters (backslash, x, two hex digits). */
#define EXIT_LOG_ESCAPE_WIDTH 4

/** Counts one line; true if it is within the budget and may print. */
bool exit_log_line(void);
/** Prints one line (fmt includes its newline) if within the budget. */
void exit_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** Writes text[0..len) to out (size bytes, NUL-terminated), escaped as
 *  exit_log_guest_text does; returns how many bytes of text it took. */
size_t exit_log_escape(char *out, size_t size, const char *text, size_t len);
/** Prints "<prefix>: <text>\n" within the budget, text escaped: bytes
 *  outside printable ASCII, and the backslash, print as a backslash, x and two hex digits. */
void exit_log_guest_text(const char *prefix, const char *text, size_t len);
/** If lines were suppressed, says how many (one line, always printed). */
void exit_log_summary(void);
