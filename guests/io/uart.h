/* SPDX-License-Identifier: MIT */
/** @file uart.h
 *  A polling driver for the 16550 UART at COM1: no interrupts, no FIFO
 *  tricks, one byte at a time. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/** Programs 115200 8N1 with FIFOs on; false if the scratch register does
 *  not hold a value (no UART there). */
bool uart_init(void);
/** Sends len bytes; false if the transmitter never became ready. */
bool uart_write(const char *buf, size_t len);
