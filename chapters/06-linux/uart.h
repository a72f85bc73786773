/* SPDX-License-Identifier: MIT */
/** @file uart.h
 *  An emulated 16550 UART at COM1, enough for a polling driver: every
 *  register access is a VM exit (port I/O through the I/O bitmap). */
#pragma once
#include <stdint.h>
#include "vcpu.h"

#define UART_PORTS 8

/** Handles an IN from COM1 register reg (0-7). */
uint8_t uart_read(unsigned reg);
/** Handles an OUT to COM1 register reg (0-7). */
void uart_write(unsigned reg, uint8_t value);
/** Bytes the guest has sent through the transmit holding register. */
uint64_t uart_bytes_sent(void);
