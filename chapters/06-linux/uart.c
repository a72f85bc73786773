/* SPDX-License-Identifier: MIT */
/* A 16550 with its interrupts (PC16550D data sheet, "Interrupt
 * Identification Register", "FIFO Control Register"). The transmitter
 * sends each byte at once, so it is always ready: THRE rises again right
 * after each write (an edge on the IRQ line per byte, as a fast real line
 * gives). Guest output goes to the hypervisor's console as it comes (a
 * shell's prompt has no newline), on lines of its own with a prefix, so
 * that nobody mistakes it for the hypervisor's words (console.h).
 *
 * Input: the user types into the terminal of the host's own COM1 (the
 * emulator's serial port, which is also the hypervisor's console). That
 * UART's receive interrupt, on the host's IRQ4, makes an external-interrupt
 * exit as soon as a byte comes (host_timer.c); the hypervisor then moves
 * what it holds into the guest's receiver (uart_poll_host), and so it
 * does at each tick of its own timer and at each HLT of the guest. The
 * interrupt matters: the host UART holds 16 bytes, about 1.4 ms at 115200
 * baud, less than one tick (10 ms), and a guest busy that long without an
 * exit would otherwise lose what is typed meanwhile. */
#include "uart.h"
#include "console.h"
#include "cpu.h"
#include "uart16550.h"

#define IER_RX_DATA 0x01       /* ERBFI */
#define IER_THRE 0x02          /* ETBEI */
#define IER_LINE_STATUS 0x04   /* ELSI */
#define IER_MASK 0x0F          /* bits 7:4 are always 0 */
#define IIR_NO_INTERRUPT 0x01
#define IIR_THRE 0x02
#define IIR_RX_DATA 0x04
#define IIR_LINE_STATUS 0x06
#define IIR_RX_TIMEOUT 0x0C
#define IIR_FIFOS_ENABLED 0xC0
#define IIR_ID_MASK 0x0F
#define FCR_FIFO_ENABLE 0x01
#define FCR_CLEAR_RX 0x02
#define FCR_TRIGGER_SHIFT 6
#define LSR_OVERRUN 0x02
#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08          /* on a PC, gates the IRQ line */
#define MCR_LOOP 0x10
#define MCR_MASK 0x1F
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80
#define MSR_READY (MSR_DCD | MSR_DSR | MSR_CTS) /* a modem present and ready */

static const uint8_t trigger_levels[] = {1, 4, 8, 14}; /* FCR bits 7:6 */

static struct {
    uint8_t ier, lcr, mcr, fcr, scr, dll, dlm;
    uint8_t lsr_errors;      /* overrun, until LSR is read */
    bool thre;               /* the THRE interrupt is pending */
    uint8_t rx[UART_FIFO_SIZE];
    unsigned rx_head, rx_count;
    uint64_t sent, received;
} uart = {.thre = true};

/* The modem status lines: in loopback, the MCR's outputs wired back
 * (DTR to DSR, RTS to CTS, OUT1 to RI, OUT2 to DCD), as the 8250
 * driver's probe checks; else a modem present and ready. Their delta bits
 * and the modem status interrupt are not emulated: outside loopback the
 * lines never change. */
static uint8_t modem_lines(void)
{
    if (!(uart.mcr & MCR_LOOP))
        return MSR_READY;
    return (uart.mcr & MCR_DTR ? MSR_DSR : 0) | (uart.mcr & MCR_RTS ? MSR_CTS : 0) |
           (uart.mcr & MCR_OUT1 ? MSR_RI : 0) | (uart.mcr & MCR_OUT2 ? MSR_DCD : 0);
}

/* The pending interrupt of highest priority: line status, received data
 * (or a timeout below the FIFO's trigger level), THRE. */
static uint8_t interrupt_id(void)
{
    /* LAB uart-iir (25 points): the interrupt identification: of the
     * interrupts the IER enables, the pending one of highest priority:
     * line status (an error not yet read from LSR), then received data
     * (IIR_RX_DATA at or above the FIFO's trigger level, else
     * IIR_RX_TIMEOUT), then THRE; IIR_NO_INTERRUPT when none is.
     * Graded by: test_unit.py::test_unit[test_pc_devices-06-linux],
     *   test_ch06_linux.py::test_linux_boots_to_the_shell_prompt,
     *   test_ch06_linux.py::test_uname_answers_the_kernel_release
     * Student stub:
     *     (void)trigger_levels;
     *     run_fail("lab uart-iir is not done yet");
     */
    bool fifo = uart.fcr & FCR_FIFO_ENABLE;
    if ((uart.ier & IER_LINE_STATUS) && uart.lsr_errors)
        return IIR_LINE_STATUS;
    if ((uart.ier & IER_RX_DATA) && uart.rx_count) {
        unsigned trigger = fifo ? trigger_levels[uart.fcr >> FCR_TRIGGER_SHIFT] : 1;
        /* Below the trigger level the 16550 waits four characters' time
         * before a timeout interrupt; bytes from the host come one at a
         * time, far apart, so that time has always passed. */
        return uart.rx_count >= trigger ? IIR_RX_DATA : IIR_RX_TIMEOUT;
    }
    if ((uart.ier & IER_THRE) && uart.thre)
        return IIR_THRE;
    return IIR_NO_INTERRUPT;
    /* END LAB uart-iir */
}

static void update_irq(void)
{
    uart_irq(interrupt_id() != IIR_NO_INTERRUPT && (uart.mcr & MCR_OUT2));
}

bool uart_receive(uint8_t byte)
{
    unsigned room = (uart.fcr & FCR_FIFO_ENABLE) ? UART_FIFO_SIZE : 1;
    if (uart.rx_count >= room)
        return false;
    uart.rx[(uart.rx_head + uart.rx_count++) % UART_FIFO_SIZE] = byte;
    uart.received++;
    update_irq();
    return true;
}

static void receive_pop(void)
{
    if (!uart.rx_count)
        return;
    uart.rx_head = (uart.rx_head + 1) % UART_FIFO_SIZE;
    uart.rx_count--;
}

static void transmit(char byte)
{
    uart.thre = false; /* writing THR clears THRE ... */
    update_irq();
    if (uart.mcr & MCR_LOOP) {
        if (!uart_receive((uint8_t)byte))
            uart.lsr_errors |= LSR_OVERRUN;
    } else {
        uart.sent++;
        console_guest_putc("guest uart", byte);
    }
    uart.thre = true; /* ... and the byte is gone at once */
    update_irq();
}

/* A register's value, without the effects of reading it. */
static uint8_t register_value(unsigned reg, bool dlab)
{
    switch (reg) {
    case UART_RBR: return dlab ? uart.dll : uart.rx_count ? uart.rx[uart.rx_head] : 0;
    case UART_IER: return dlab ? uart.dlm : uart.ier;
    case UART_IIR:
        return interrupt_id() | ((uart.fcr & FCR_FIFO_ENABLE) ? IIR_FIFOS_ENABLED : 0);
    case UART_LCR: return uart.lcr;
    case UART_MCR: return uart.mcr;
    case UART_LSR: return UART_LSR_THR_EMPTY | UART_LSR_TX_EMPTY;
    case UART_MSR: return modem_lines();
    case UART_SCR: return uart.scr;
    default: return 0xFF;
    }
}

uint8_t uart_read(unsigned reg)
{
    bool dlab = uart.lcr & UART_LCR_DLAB;
    uint8_t value = register_value(reg, dlab);
    /* LAB uart-iir (continued): what a read clears: RBR gives up its byte
     * (receive_pop()); IIR, when it reports THRE, ends that interrupt (and
     * only then: a higher one it reports stays, and THRE with it); LSR
     * adds the receiver's half, data ready and the errors, and reading it
     * clears the errors.
     * Student stub:
     *     (void)receive_pop;
     *     run_fail("lab uart-iir is not done yet");
     *     return value;
     */
    /* Reading RBR takes the byte; reading IIR ends the THRE interrupt it
     * reports; LSR gets the receiver's half (data ready, overrun), and
     * reading it clears the overrun. */
    if (reg == UART_RBR && !dlab) {
        receive_pop();
    } else if (reg == UART_IIR && (value & IIR_ID_MASK) == IIR_THRE) {
        uart.thre = false;
    } else if (reg == UART_LSR) {
        value |= uart.lsr_errors | (uart.rx_count ? UART_LSR_DATA_READY : 0);
        uart.lsr_errors = 0;
    }
    /* END LAB uart-iir */
    update_irq();
    return value;
}

static void write_fcr(uint8_t value)
{
    /* Turning the FIFOs on or off empties them; so does bit 1. */
    if ((value ^ uart.fcr) & FCR_FIFO_ENABLE || (value & FCR_CLEAR_RX))
        uart.rx_count = 0;
    uart.fcr = value;
}

void uart_write(unsigned reg, uint8_t value)
{
    bool dlab = uart.lcr & UART_LCR_DLAB;
    switch (reg) {
    case UART_THR:
        if (dlab)
            uart.dll = value;
        else
            transmit((char)value);
        break;
    case UART_IER:
        if (dlab) {
            uart.dlm = value;
            break;
        }
        /* Enabling the THRE interrupt while THR is empty raises it. */
        if (value & IER_THRE & ~uart.ier)
            uart.thre = true;
        uart.ier = value & IER_MASK;
        break;
    case UART_FCR: write_fcr(value); break;
    case UART_LCR: uart.lcr = value; break;
    case UART_MCR: uart.mcr = value & MCR_MASK; break;
    case UART_SCR: uart.scr = value; break;
    default: break; /* LSR and MSR are read-only */
    }
    update_irq();
}

void uart_poll_host(void)
{
    while (inb(COM1_BASE + UART_LSR) & UART_LSR_DATA_READY) {
        unsigned room = (uart.fcr & FCR_FIFO_ENABLE) ? UART_FIFO_SIZE : 1;
        if (uart.rx_count >= room || (uart.mcr & MCR_LOOP))
            return; /* it waits in the host's UART */
        uart_receive(inb(COM1_BASE + UART_RBR));
    }
}

bool uart_wait_host_input(uint64_t deadline)
{
    while (!(inb(COM1_BASE + UART_LSR) & UART_LSR_DATA_READY))
        if (rdtsc() >= deadline)
            return false;
    uart_poll_host();
    return true;
}

bool uart_waits_for_input(void)
{
    return (uart.ier & IER_RX_DATA) && (uart.mcr & MCR_OUT2);
}

uint64_t uart_bytes_sent(void)
{
    return uart.sent;
}

uint64_t uart_bytes_received(void)
{
    return uart.received;
}
