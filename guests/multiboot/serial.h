/* SPDX-License-Identifier: MIT */
/** @file serial.h
 *  Output on COM1, polled: text, decimal and hexadecimal numbers. */
#pragma once
#include <stdint.h>

/** Programs COM1 for 115200 baud, 8N1, no interrupts. */
void serial_init(void);
void serial_puts(const char *s);
void serial_putc(char c);
void serial_put_dec(uint32_t v);
/** 0x and at least digits hexadecimal digits (zeros in front), more when
 *  v needs them. */
void serial_put_hex(uint64_t v, int digits);
/** Returns once the last byte has left the transmitter, so that nothing is
 *  lost when the machine stops right after. */
void serial_flush(void);
