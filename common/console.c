/* SPDX-License-Identifier: MIT */
/* Polling COM1 driver, with every byte mirrored to port 0xE9. */
#include "console.h"
#include <stdbool.h>
#include "cpu.h"
#include "uart16550.h"

#define PRINTABLE_FIRST ' '
#define PRINTABLE_LAST '~'

static bool guest_line_open;

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

/* One byte to COM1 (and port 0xE9). */
static void put(char c)
{
    if (c == '\n')
        put('\r');
    while (!(inb(COM1_BASE + UART_LSR) & UART_LSR_THR_EMPTY))
        ;
    outb(COM1_BASE + UART_THR, (uint8_t)c);
    outb(DEBUGCON_PORT, (uint8_t)c);
}

static void put_string(const char *s)
{
    while (*s)
        put(*s++);
}

void console_putc(char c)
{
    console_end_guest_line();
    put(c);
}

void console_end_guest_line(void)
{
    if (guest_line_open)
        put('\n');
    guest_line_open = false;
}

void console_guest_putc(const char *prefix, char c)
{
    static const char hex[] = "0123456789abcdef";
    if (c == '\r')
        return;
    if (!guest_line_open) {
        put_string(prefix);
        put_string(c == '\n' ? ":" : ": ");
        guest_line_open = true;
    }
    if (c == '\n') {
        console_end_guest_line();
    } else if (c >= PRINTABLE_FIRST && c <= PRINTABLE_LAST && c != '\\') {
        put(c);
    } else {
        char escaped[] = {'\\', 'x', hex[(uint8_t)c >> 4], hex[c & 0xF], 0};
        put_string(escaped);
    }
}

void console_drain(void)
{
    while (!(inb(COM1_BASE + UART_LSR) & UART_LSR_TX_EMPTY))
        ;
}
