/* SPDX-License-Identifier: MIT */
/** @file uart.h
 *  An emulated 16550 UART at COM1 (PC16550D data sheet): its registers,
 *  the receive FIFO, its line status, received data and THRE interrupts
 *  and their priorities in the IIR, and the IRQ line (gated by MCR.OUT2, as on a PC). What the
 *  guest sends goes out on the hypervisor's console as it comes; what the
 *  user types arrives at the host's own COM1 and is passed on
 *  (uart_poll_host). Every register access is a VM exit. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define UART_PORTS 8
#define UART_FIFO_SIZE 16

/** Handles an IN from COM1 register reg (0-7). */
uint8_t uart_read(unsigned reg);
/** Handles an OUT to COM1 register reg (0-7). */
void uart_write(unsigned reg, uint8_t value);
/** A byte arrives on the serial line; false if the receiver had no room
 *  (the byte stays with the sender). */
bool uart_receive(uint8_t byte);
/** Moves what the user typed from the host's COM1 into the guest's
 *  receiver, as far as it has room. */
void uart_poll_host(void);
/** Waits, in real time, until the user types something (then takes it
 *  in: true) or the host's TSC reaches deadline (false). */
bool uart_wait_host_input(uint64_t deadline);
/** True if the guest waits for input: the receiver's interrupt is enabled
 *  and reaches the IRQ line. */
bool uart_waits_for_input(void);
/** Bytes the guest has sent through the transmit holding register. */
uint64_t uart_bytes_sent(void);
/** Bytes the guest has received. */
uint64_t uart_bytes_received(void);
/** The machine's end of the UART's interrupt line (vpc.c: IRQ_COM1). */
void uart_irq(bool level);
