/* SPDX-License-Identifier: MIT */
/* COM1, polled. Register names from the 16550 data sheet (uart16550.h). */
#include "serial.h"
#include "cpu.h"
#include "uart16550.h"

#define COM1_PORT 0x3F8

void serial_init(void)
{
    outb(COM1_PORT + UART_IER, 0); /* polled: no interrupts */
    outb(COM1_PORT + UART_LCR, UART_LCR_DLAB);
    outb(COM1_PORT + UART_DLL, UART_DIVISOR_115200);
    outb(COM1_PORT + UART_DLM, 0);
    outb(COM1_PORT + UART_LCR, UART_LCR_8N1); /* also clears DLAB */
    outb(COM1_PORT + UART_FCR, UART_FCR_ENABLE_CLEAR);
    outb(COM1_PORT + UART_MCR, UART_MCR_DTR_RTS_OUT2);
}

void serial_putc(char c)
{
    while (!(inb(COM1_PORT + UART_LSR) & UART_LSR_THR_EMPTY))
        ;
    outb(COM1_PORT + UART_THR, (uint8_t)c);
}

void serial_puts(const char *s)
{
    while (*s)
        serial_putc(*s++);
}

void serial_put_dec(uint32_t v)
{
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        serial_putc(digits[--n]);
}

void serial_put_hex(uint64_t v, int digits)
{
    while (digits < 16 && (v >> (digits * 4)))
        digits++; /* more digits than asked when v needs them */
    serial_puts("0x");
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4)
        serial_putc("0123456789abcdef"[(v >> shift) & 0xF]);
}

void serial_flush(void)
{
    while (!(inb(COM1_PORT + UART_LSR) & UART_LSR_TX_EMPTY))
        ;
}
