/* SPDX-License-Identifier: MIT */
/** @file console.h
 *  The hypervisor's console: COM1 (a 16550 UART, 115200 8N1), mirrored to
 *  port 0xE9, which Bochs and QEMU's debugcon print. */
#pragma once

#define COM1_BASE 0x3F8
#define DEBUGCON_PORT 0xE9

void console_init(void);
void console_putc(char c);
/** Guest text as it comes: each of its lines starts with "prefix: ",
 *  bytes outside printable ASCII (and the backslash) print escaped (a
 *  backslash, x, two hex digits), carriage returns are dropped, a newline
 *  ends the line. A guest's partial line (a shell's prompt) shows at once. */
void console_guest_putc(const char *prefix, char c);
/** Ends a guest line left open, so the hypervisor's own words start a
 *  line of their own (console_putc calls it): no guest text can forge them. */
void console_end_guest_line(void);
/** Waits until the UART has sent its last bit, so nothing is lost when the
 *  emulator stops right after. */
void console_drain(void);
