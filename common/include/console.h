/* SPDX-License-Identifier: MIT */
/** @file console.h
 *  The hypervisor's console: COM1 (a 16550 UART, 115200 8N1), mirrored to
 *  port 0xE9, which Bochs and QEMU's debugcon print. */
#pragma once

#define COM1_BASE 0x3F8
#define DEBUGCON_PORT 0xE9

void console_init(void);
void console_putc(char c);
/** Waits until the UART has sent its last bit, so nothing is lost when the
 *  emulator stops right after. */
void console_drain(void);
