/* SPDX-License-Identifier: MIT */
/** @file uart16550.h
 *  Register offsets and bits of the 16550 UART (PC16550D data sheet). */
#pragma once

#define UART_THR 0 /**< transmit holding register (write, DLAB=0) */
#define UART_RBR 0 /**< receive buffer register (read, DLAB=0) */
#define UART_DLL 0 /**< divisor latch low (DLAB=1) */
#define UART_IER 1 /**< interrupt enable register (DLAB=0) */
#define UART_DLM 1 /**< divisor latch high (DLAB=1) */
#define UART_IIR 2 /**< interrupt identification register (read) */
#define UART_FCR 2 /**< FIFO control register (write) */
#define UART_LCR 3 /**< line control register */
#define UART_MCR 4 /**< modem control register */
#define UART_LSR 5 /**< line status register */
#define UART_MSR 6 /**< modem status register */
#define UART_SCR 7 /**< scratch register */

#define UART_LCR_8N1 0x03  /**< 8 data bits, no parity, 1 stop bit */
#define UART_LCR_DLAB 0x80 /**< divisor latch access */
#define UART_FCR_ENABLE_CLEAR 0x07 /**< enable FIFOs, clear both */
#define UART_MCR_DTR_RTS_OUT2 0x0B
#define UART_LSR_DATA_READY 0x01
#define UART_LSR_THR_EMPTY 0x20 /**< transmit holding register empty */
#define UART_LSR_TX_EMPTY 0x40  /**< transmitter empty: last bit sent */
#define UART_DIVISOR_115200 1
