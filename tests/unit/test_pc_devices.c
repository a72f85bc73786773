// sources: chapters/06-linux/uart.c chapters/06-linux/cmos.c chapters/06-linux/i8042.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of chapter 6's port devices. The 16550 (PC16550D data sheet): the
 * scratch register and the divisor latch, the IER's writable bits, IIR
 * priorities (line status, received data or its timeout, THRE) with the
 * FIFO bits, THRE raised by enabling it and ended by
 * reading IIR or writing THR, the receive FIFO and its trigger level,
 * overrun in LSR, loopback mirrored into MSR as the
 * 8250 driver's probe tests it, and the IRQ line gated by MCR.OUT2.
 * The RTC/CMOS (MC146818A): the index port's bit 7 (NMI disable), 128
 * bytes, status registers A-D, BCD and binary, 12 and 24 hours, setting
 * the time, the clock advancing with the guest's seconds. The i8042: status,
 * command byte, self-test and port tests, loopback with its interrupt,
 * the reset line. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "cmos.h"
#include "i8042.h"
#include "uart.h"
#include "uart16550.h"

static bool line;
static int edges;
static char sent[64];
static unsigned nsent;

static int logged;
void exit_log(const char *fmt, ...)
{
    (void)fmt;
    logged++;
}

void uart_irq(bool level)
{
    edges += level && !line;
    line = level;
}

void console_guest_putc(const char *prefix, char c)
{
    (void)prefix;
    if (nsent < sizeof sent)
        sent[nsent++] = c;
}

#define IER_RX 0x01
#define IER_THRE 0x02
#define IER_LSR 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10
#define FIFO_ON 0x01
#define FIFO_TRIGGER_4 0x40

static void test_registers_and_autoconfig(void)
{
    uart_write(UART_SCR, 0x5A);
    CHECK_EQ_U64(uart_read(UART_SCR), 0x5A);
    uart_write(UART_IER, 0xFF);
    CHECK_EQ_U64(uart_read(UART_IER), 0x0F); /* bits 7:4 read 0 */
    uart_write(UART_IER, 0);
    uart_write(UART_LCR, UART_LCR_DLAB);
    uart_write(UART_DLL, 0x0C);
    uart_write(UART_DLM, 0x01);
    CHECK_EQ_U64(uart_read(UART_DLL), 0x0C);
    CHECK_EQ_U64(uart_read(UART_DLM), 0x01);
    uart_write(UART_LCR, UART_LCR_8N1);
    CHECK_EQ_U64(uart_read(UART_IER), 0);
    CHECK_EQ_U64(uart_read(UART_IIR), 0x01); /* no interrupt, FIFOs off */
    /* The 8250 driver's loopback test: RTS and OUT2 come back as CTS and DCD. */
    uart_write(UART_MCR, MCR_LOOP | 0x0A);
    CHECK_EQ_U64(uart_read(UART_MSR) & 0xF0, 0x90);
    uart_write(UART_MCR, MCR_LOOP | 0x05); /* DTR and OUT1: DSR and RI */
    CHECK_EQ_U64(uart_read(UART_MSR), 0x60);
    /* A byte sent in loopback comes back to the receiver. */
    uart_write(UART_THR, 'L');
    CHECK_EQ_U64(uart_read(UART_LSR) & UART_LSR_DATA_READY, 1);
    CHECK_EQ_U64(uart_read(UART_RBR), 'L');
    uart_write(UART_MCR, 0);
    CHECK_EQ_U64(uart_read(UART_MSR) & 0xF0, 0xB0); /* a modem present and ready */
    uart_read(UART_MSR);
    CHECK_EQ_U64(nsent, 0);
}

static void test_thre_interrupt(void)
{
    uart_write(UART_MCR, MCR_OUT2);
    edges = 0;
    uart_write(UART_IER, IER_THRE); /* THR is empty: THRE at once */
    CHECK(line);
    CHECK_EQ_U64(uart_read(UART_IIR), 0x02);
    CHECK(!line);                   /* reading IIR ended it */
    CHECK_EQ_U64(uart_read(UART_IIR), 0x01);
    uart_write(UART_IER, 0);        /* Linux's check for a UART that */
    uart_write(UART_IER, IER_THRE); /* does not raise THRE again */
    CHECK_EQ_U64(uart_read(UART_IIR), 0x02);
    uart_write(UART_THR, 'h');      /* each byte: THRE again, a new edge */
    uart_write(UART_THR, 'i');
    CHECK_EQ_U64(edges, 4);
    CHECK_EQ_U64(nsent, 2);
    CHECK_EQ_U64(uart_read(UART_LSR), UART_LSR_THR_EMPTY | UART_LSR_TX_EMPTY);
    uart_write(UART_MCR, 0);        /* OUT2 off: the line is gated */
    CHECK(!line);
    uart_write(UART_MCR, MCR_OUT2);
    CHECK(line);
    uart_write(UART_IER, 0);
    CHECK(!line);
}

static void test_receive_fifo_and_priorities(void)
{
    uart_write(UART_FCR, FIFO_ON | FIFO_TRIGGER_4);
    uart_write(UART_IER, IER_RX | IER_THRE | IER_LSR);
    CHECK_EQ_U64(uart_read(UART_IIR), 0xC2); /* THRE, FIFOs on */
    CHECK(uart_receive('a'));
    CHECK(line);
    CHECK_EQ_U64(uart_read(UART_IIR), 0xCC); /* below the trigger: timeout */
    for (char c = 'b'; c <= 'p'; c++)
        CHECK(uart_receive((uint8_t)c));
    CHECK(!uart_receive('q'));               /* 16 bytes: full */
    CHECK_EQ_U64(uart_read(UART_IIR), 0xC4); /* data available outranks THRE */
    for (char c = 'a'; c <= 'p'; c++)
        CHECK_EQ_U64(uart_read(UART_RBR), c);
    CHECK_EQ_U64(uart_read(UART_LSR) & UART_LSR_DATA_READY, 0);
    CHECK_EQ_U64(uart_read(UART_IIR), 0xC1); /* THRE went when IIR said it */
    /* Overrun in loopback: a line status interrupt, cleared by reading LSR. */
    uart_write(UART_FCR, 0);                 /* no FIFO: one byte of room */
    uart_write(UART_MCR, MCR_OUT2 | MCR_LOOP);
    uart_write(UART_THR, '1');
    uart_write(UART_THR, '2');
    CHECK_EQ_U64(uart_read(UART_IIR), 0x06);
    CHECK_EQ_U64(uart_read(UART_LSR) & 0x03, 0x03);
    CHECK_EQ_U64(uart_read(UART_IIR), 0x04);
    CHECK_EQ_U64(uart_read(UART_RBR), '1');
    CHECK_EQ_U64(uart_bytes_received(), 18); /* '2' was lost */
}

static uint8_t cmos_get(struct cmos *c, uint8_t index, uint64_t now)
{
    cmos_write(c, CMOS_INDEX_PORT, index, now);
    return cmos_read(c, CMOS_DATA_PORT, now);
}

static void cmos_set(struct cmos *c, uint8_t index, uint8_t value, uint64_t now)
{
    cmos_write(c, CMOS_INDEX_PORT, index, now);
    cmos_write(c, CMOS_DATA_PORT, value, now);
}

static void test_cmos(void)
{
    struct cmos c;
    cmos_reset(&c, 1798761598, 100); /* 2026-12-31 23:59:58 when the clock reads 100: a Thursday */
    CHECK_EQ_U64(cmos_get(&c, CMOS_STATUS_A, 100), 0x26);
    CHECK_EQ_U64(cmos_get(&c, CMOS_STATUS_B, 100), 0x02); /* BCD, 24 hours */
    CHECK_EQ_U64(cmos_get(&c, CMOS_STATUS_D, 100), 0x80); /* valid RAM and time */
    CHECK_EQ_U64(cmos_get(&c, CMOS_HOURS, 100), 0x23);
    CHECK_EQ_U64(cmos_get(&c, CMOS_SECONDS, 101), 0x59);
    CHECK_EQ_U64(cmos_get(&c, CMOS_WEEKDAY, 101), 5);     /* Sunday is 1 */
    /* Two seconds of virtual time later it is a new year. */
    CHECK_EQ_U64(cmos_get(&c, CMOS_YEAR, 102), 0x27);
    CHECK_EQ_U64(cmos_get(&c, CMOS_MONTH, 102), 0x01);
    CHECK_EQ_U64(cmos_get(&c, CMOS_DAY, 102), 0x01);
    CHECK_EQ_U64(cmos_get(&c, CMOS_CENTURY, 102), 0x20);
    /* Binary, 12 hours: 00:00 is 12 AM; 13:00 is 1 PM. */
    cmos_set(&c, CMOS_STATUS_B, CMOS_B_BINARY, 102);
    CHECK_EQ_U64(cmos_get(&c, CMOS_HOURS, 102), 12);
    CHECK_EQ_U64(cmos_get(&c, CMOS_YEAR, 102), 27);
    /* Setting the time: SET stops the clock, the fields are written. */
    cmos_set(&c, CMOS_STATUS_B, CMOS_B_SET | CMOS_B_BINARY, 102);
    cmos_set(&c, CMOS_HOURS, CMOS_HOUR_PM | 1, 102);
    cmos_set(&c, CMOS_MINUTES, 30, 102);
    CHECK_EQ_U64(cmos_get(&c, CMOS_MINUTES, 500), 30); /* stopped */
    cmos_set(&c, CMOS_STATUS_B, CMOS_B_BINARY | CMOS_B_24_HOUR, 600);
    CHECK_EQ_U64(cmos_get(&c, CMOS_HOURS, 600), 13);
    CHECK_EQ_U64(cmos_get(&c, CMOS_MINUTES, 660), 31);
    /* Bit 7 of the index disables NMI; the index is 7 bits: 128 bytes. */
    logged = 0;
    cmos_set(&c, 0x80 | 0x7F, 0xA5, 660);
    CHECK(c.nmi_disabled);
    CHECK_EQ_U64(cmos_get(&c, 0x7F, 660), 0xA5);
    CHECK(!c.nmi_disabled);
    CHECK_EQ_U64(logged, 1);
    CHECK_EQ_U64(c.index_high, 1);
    CHECK_EQ_U64(cmos_read(&c, CMOS_INDEX_PORT, 660), 0xFF); /* write-only */
    cmos_set(&c, CMOS_STATUS_D, 0, 660);                      /* read-only */
    CHECK_EQ_U64(cmos_get(&c, CMOS_STATUS_D, 660), 0x80);
}

static void test_i8042(void)
{
    struct i8042 k;
    i8042_reset(&k);
    CHECK_EQ_U64(i8042_read(&k, I8042_COMMAND_PORT), 0x14); /* SYS, unlocked, empty */
    i8042_write(&k, I8042_COMMAND_PORT, 0xAA);               /* self-test */
    CHECK_EQ_U64(i8042_read(&k, I8042_COMMAND_PORT), 0x1D); /* OBF, A2 */
    CHECK(i8042_keyboard_irq(&k));
    CHECK_EQ_U64(i8042_read(&k, I8042_DATA_PORT), 0x55);
    CHECK(!i8042_keyboard_irq(&k));
    i8042_write(&k, I8042_COMMAND_PORT, 0xAB);               /* keyboard port test */
    CHECK_EQ_U64(i8042_read(&k, I8042_DATA_PORT), 0x00);
    i8042_write(&k, I8042_COMMAND_PORT, 0xA9);               /* AUX port test */
    CHECK_EQ_U64(i8042_read(&k, I8042_DATA_PORT), 0x00);
    i8042_write(&k, I8042_COMMAND_PORT, 0x60);               /* write the command byte */
    i8042_write(&k, I8042_DATA_PORT, 0x47);
    i8042_write(&k, I8042_COMMAND_PORT, 0x20);
    CHECK_EQ_U64(i8042_read(&k, I8042_DATA_PORT), 0x47);
    i8042_write(&k, I8042_COMMAND_PORT, 0xD3);               /* AUX loopback: IRQ 12 */
    i8042_write(&k, I8042_DATA_PORT, 0xA5);
    CHECK_EQ_U64(i8042_read(&k, I8042_COMMAND_PORT) & 0x21, 0x21);
    CHECK(i8042_aux_irq(&k) && !i8042_keyboard_irq(&k));
    CHECK_EQ_U64(i8042_read(&k, I8042_DATA_PORT), 0xA5);
    CHECK(!k.reset);
    i8042_write(&k, I8042_COMMAND_PORT, 0xFF);               /* pulses nothing */
    CHECK(!k.reset);
    i8042_write(&k, I8042_COMMAND_PORT, 0xFE);               /* pulses the reset line */
    CHECK(k.reset);
}

int main(void)
{
    test_registers_and_autoconfig();
    test_thre_interrupt();
    test_receive_fifo_and_priorities();
    test_cmos();
    test_i8042();
    return CHECK_DONE("test_pc_devices");
}
