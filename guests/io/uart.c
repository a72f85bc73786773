/* SPDX-License-Identifier: MIT */
/* COM1 as a 16550: each register is one I/O port, so each byte sent costs
 * two VM exits (IN from LSR, OUT to THR), which is the point of comparing
 * it with virtio. Register names as in the 16550 data sheet. */
#include "uart.h"
#include "guest.h"
#include "io.h"

#define UART_THR 0 /* transmit holding register (write); DLL when DLAB = 1 */
#define UART_IER 1 /* interrupt enable; DLM when DLAB = 1 */
#define UART_DLL 0
#define UART_DLM 1
#define UART_FCR 2 /* FIFO control (write) */
#define UART_LCR 3 /* line control */
#define UART_MCR 4 /* modem control */
#define UART_LSR 5 /* line status */
#define UART_SCR 7 /* scratch */

#define LCR_DLAB 0x80      /* the divisor latch replaces THR and IER */
#define LCR_8N1 0x03       /* 8 data bits, no parity, 1 stop bit */
#define FCR_ENABLE_CLEAR 0x07 /* enable FIFOs, clear receive and transmit */
#define MCR_DTR_RTS_OUT2 0x0B
#define LSR_THR_EMPTY 0x20 /* THR can take a byte */
#define SCRATCH_PATTERN 0x5A

/* A real 16550 at 115200 baud drains a byte in about 87 us; an emulated
 * one is ready at once. Give up rather than spin forever. */
#define THR_WAIT_LIMIT 100000

bool uart_init(void)
{
    outb(COM1_PORT + UART_IER, 0);              /* polling: no interrupts */
    outb(COM1_PORT + UART_LCR, LCR_DLAB);
    outb(COM1_PORT + UART_DLL, 1);              /* divisor 1: 115200 baud */
    outb(COM1_PORT + UART_DLM, 0);
    outb(COM1_PORT + UART_LCR, LCR_8N1);        /* also clears DLAB */
    outb(COM1_PORT + UART_FCR, FCR_ENABLE_CLEAR);
    outb(COM1_PORT + UART_MCR, MCR_DTR_RTS_OUT2);
    /* With no device on the port, reads return 0xFF: the scratch register
     * is the classic check that a UART is there. */
    outb(COM1_PORT + UART_SCR, SCRATCH_PATTERN);
    return inb(COM1_PORT + UART_SCR) == SCRATCH_PATTERN;
}

static bool uart_putc(char c)
{
    for (int i = 0; i < THR_WAIT_LIMIT; i++) {
        if (inb(COM1_PORT + UART_LSR) & LSR_THR_EMPTY) {
            outb(COM1_PORT + UART_THR, (uint8_t)c);
            return true;
        }
    }
    return false;
}

bool uart_write(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!uart_putc(buf[i]))
            return false;
    return true;
}
