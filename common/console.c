/* SPDX-License-Identifier: MIT */
/* Polling COM1 driver, with every byte mirrored to port 0xE9. */
#include "console.h"
#include "cpu.h"
#include "uart16550.h"

void console_init(void)
{
    outb(COM1_BASE + UART_IER, 0); /* polling: no interrupts */
    outb(COM1_BASE + UART_LCR, UART_LCR_DLAB);
    outb(COM1_BASE + UART_DLL, UART_DIVISOR_115200);
    outb(COM1_BASE + UART_DLM, 0);
    outb(COM1_BASE + UART_LCR, UART_LCR_8N1);
    outb(COM1_BASE + UART_FCR, UART_FCR_ENABLE_CLEAR);
    outb(COM1_BASE + UART_MCR, UART_MCR_DTR_RTS_OUT2);
}

void console_putc(char c)
{
    if (c == '\n')
        console_putc('\r');
    while (!(inb(COM1_BASE + UART_LSR) & UART_LSR_THR_EMPTY))
        ;
    outb(COM1_BASE + UART_THR, (uint8_t)c);
    outb(DEBUGCON_PORT, (uint8_t)c);
}

void console_drain(void)
{
    while (!(inb(COM1_BASE + UART_LSR) & UART_LSR_TX_EMPTY))
        ;
}
