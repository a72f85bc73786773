/* SPDX-License-Identifier: MIT */
/* A multiboot kernel that probes the PC a hypervisor presents, one probe
 * per word of its command line, in order, each printing one line on COM1
 * ("pcprobe: <probe>: ..."):
 *
 *   cmos        index 0xFF (bit 7 is NMI disable) reaches register 0x7F;
 *               status registers B and D
 *   fw_cfg      the signature, a read past its end, the CPU count, the RAM
 *   ioapic      version; an illegal vector (5) refused into the local
 *               APIC's ESR; a level interrupt taken twice because its line
 *               stayed up at the first EOI, once the handler lowers it
 *   i8042       the controller's self-test
 *   reset-i8042, reset-cf9, reset-92, exit=N, poweroff, cli-hlt, compute
 *               end the machine: a reset request, the debug exit with
 *               status N, a halt with the local APIC and interrupts off,
 *               a plain halt with interrupts off
 *
 * After the last word it exits through port 0xF4 with status 0. The
 * interrupt line the probes use is COM1's THRE interrupt (IRQ 4). */
#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "cpu.h"
#include "multiboot.h"
#include "serial.h"
#include "uart16550.h"

#define DEBUG_EXIT_PORT 0xF4
#define MULTIBOOT_INFO_CMDLINE (1u << 2)
#define COM1 0x3F8
#define UART_IER_THRE 0x02
#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NMI_DISABLE 0x80
#define CMOS_LAST 0x7F
#define CMOS_STATUS_B 0x0B
#define CMOS_STATUS_D 0x0D
#define FW_CFG_SELECTOR 0x510
#define FW_CFG_DATA 0x511
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NB_CPUS 0x05
#define I8042_DATA 0x60
#define I8042_COMMAND 0x64
#define I8042_SELF_TEST 0xAA
#define I8042_PULSE_RESET 0xFE
#define RESET_CONTROL 0xCF9
#define RESET_CONTROL_HARD 0x06
#define SYSTEM_CONTROL_A 0x92
#define SYSTEM_CONTROL_A_FAST_RESET 0x01
#define LAPIC 0xFEE00000u
#define LAPIC_EOI 0xB0
#define LAPIC_SVR 0xF0
#define LAPIC_ESR 0x280
#define LAPIC_SVR_ENABLE 0x100u
#define IOAPIC 0xFEC00000u
#define IOAPIC_WINDOW 0x10
#define IOAPIC_VERSION 0x01
#define IOAPIC_REDIRECTION 0x10
#define COM1_INPUT 4            /* the I/O APIC input of ISA IRQ 4 */
#define ENTRY_LEVEL (1u << 15)
#define ENTRY_REMOTE_IRR (1u << 14)
#define ENTRY_MASKED (1u << 16)
#define ILLEGAL_VECTOR 5
#define PROBE_VECTOR 0x41
#define GATE_INTERRUPT_32 0x8E00u
#define LEVEL_HANDLER_RUNS 2
#define SETTLE_LOOPS 1000
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_DATA 0xA1
#define PIC_ALL_MASKED 0xFF

static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}

/* MMIO as Linux's readl/writel do it: a MOV between a register and the
 * memory a register points to (what chapter 6's MMIO emulation decodes;
 * immediate and absolute-address forms it need not). */
static uint32_t mmio_read(uint32_t a)
{
    uint32_t v;
    __asm__ volatile("movl (%1), %0" : "=r"(v) : "r"(a) : "memory");
    return v;
}

static void mmio_write(uint32_t a, uint32_t v)
{
    __asm__ volatile("movl %0, (%1)" : : "r"(v), "r"(a) : "memory");
}

static uint32_t ioapic_read(uint32_t reg)
{
    mmio_write(IOAPIC, reg);
    return mmio_read(IOAPIC + IOAPIC_WINDOW);
}

static void ioapic_write(uint32_t reg, uint32_t v)
{
    mmio_write(IOAPIC, reg);
    mmio_write(IOAPIC + IOAPIC_WINDOW, v);
}

static noreturn void finish(uint32_t status)
{
    serial_flush();
    outl(DEBUG_EXIT_PORT, status);
    for (;;)
        __asm__ volatile("cli; hlt");
}

static void say(const char *probe, const char *what)
{
    serial_puts("pcprobe: ");
    serial_puts(probe);
    serial_puts(": ");
    serial_puts(what);
}

/* Chapter 5's watchdog took 50 million ticks with no VM exit for a hang;
 * a kernel decompressing itself runs longer than that, interrupts off. */
#define COMPUTE_LOOPS 40000000u /* two instructions each: 80 million */

static void probe_compute(void)
{
    uint32_t n = COMPUTE_LOOPS;
    __asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(n));
    say("compute", "40000000 loops with interrupts off and no VM exit, done\n");
}

static void probe_cmos(void)
{
    outb(CMOS_INDEX, CMOS_NMI_DISABLE | CMOS_LAST); /* 0xFF: register 0x7F */
    outb(CMOS_DATA, 0x5A);
    outb(CMOS_INDEX, CMOS_LAST);
    uint8_t back = inb(CMOS_DATA);
    outb(CMOS_INDEX, CMOS_STATUS_B);
    uint8_t b = inb(CMOS_DATA);
    outb(CMOS_INDEX, CMOS_STATUS_D);
    uint8_t d = inb(CMOS_DATA);
    say("cmos", "register 0x7f through index 0xff reads ");
    serial_put_hex(back, 2);
    serial_puts(", status B ");
    serial_put_hex(b, 2);
    serial_puts(", D ");
    serial_put_hex(d, 2);
    serial_putc('\n');
}

static uint64_t fw_cfg_item(uint16_t item, unsigned bytes)
{
    uint64_t v = 0;
    outw(FW_CFG_SELECTOR, item);
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)inb(FW_CFG_DATA) << (8 * i);
    return v;
}

static void probe_fw_cfg(void)
{
    char sig[5] = {0};
    outw(FW_CFG_SELECTOR, FW_CFG_SIGNATURE);
    for (unsigned i = 0; i < 4; i++)
        sig[i] = (char)inb(FW_CFG_DATA);
    uint8_t past = inb(FW_CFG_DATA);
    say("fw_cfg", "signature ");
    serial_puts(sig);
    serial_puts(", then ");
    serial_put_hex(past, 2);
    serial_puts(", CPUs ");
    serial_put_dec((uint32_t)fw_cfg_item(FW_CFG_NB_CPUS, 2));
    serial_puts(", RAM ");
    serial_put_hex(fw_cfg_item(FW_CFG_RAM_SIZE, 8), 8);
    serial_putc('\n');
}

/* --- the I/O APIC, with COM1's THRE interrupt as the line ---------------- */

struct __attribute__((packed)) gate { uint16_t low, selector, flags, high; };
static struct gate idt[256];
static volatile unsigned handler_runs;
extern void irq_stub(void);

/* The level probe's handler: the first time it leaves the line up (THRE
 * pending), so the EOI must bring the interrupt back; then it lowers it
 * by reading IIR. */
void irq_handler(void)
{
    if (++handler_runs >= LEVEL_HANDLER_RUNS)
        (void)inb(COM1 + UART_IIR);
    mmio_write(LAPIC + LAPIC_EOI, 0);
}

static void set_idt(void)
{
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    uint32_t handler = (uint32_t)irq_stub;
    idt[PROBE_VECTOR] = (struct gate){(uint16_t)handler, cs, GATE_INTERRUPT_32,
                                      (uint16_t)(handler >> 16)};
    struct __attribute__((packed)) { uint16_t limit; uint32_t base; } idtr = {
        sizeof idt - 1, (uint32_t)idt};
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

/* Routes COM1's line to vector with flags, then raises it (THRE). */
static void raise_com1(uint32_t vector, uint32_t flags)
{
    outb(COM1 + UART_IER, 0);
    ioapic_write(IOAPIC_REDIRECTION + 2 * COM1_INPUT + 1, 0); /* APIC ID 0 */
    ioapic_write(IOAPIC_REDIRECTION + 2 * COM1_INPUT, vector | flags);
    outb(COM1 + UART_IER, UART_IER_THRE);
}

static void lower_com1(void)
{
    outb(COM1 + UART_IER, 0);
    ioapic_write(IOAPIC_REDIRECTION + 2 * COM1_INPUT, ENTRY_MASKED);
}

static void probe_ioapic(void)
{
    uint32_t version = ioapic_read(IOAPIC_VERSION);
    serial_flush();
    raise_com1(ILLEGAL_VECTOR, 0);
    lower_com1();
    mmio_write(LAPIC + LAPIC_ESR, 0); /* latch the errors */
    uint32_t esr = mmio_read(LAPIC + LAPIC_ESR);
    set_idt();
    outb(PIC_MASTER_DATA, PIC_ALL_MASKED); /* a BIOS may have left the 8259s on */
    outb(PIC_SLAVE_DATA, PIC_ALL_MASKED);
    handler_runs = 0;
    raise_com1(PROBE_VECTOR, ENTRY_LEVEL);
    uint32_t entry = ioapic_read(IOAPIC_REDIRECTION + 2 * COM1_INPUT);
    __asm__ volatile("sti");
    for (volatile unsigned i = 0; i < SETTLE_LOOPS; i++)
        ;
    __asm__ volatile("cli");
    uint32_t after = ioapic_read(IOAPIC_REDIRECTION + 2 * COM1_INPUT);
    lower_com1();
    say("ioapic", "version ");
    serial_put_hex(version, 8);
    serial_puts(", ESR after vector 5 ");
    serial_put_hex(esr, 2);
    serial_puts(", level: remote IRR ");
    serial_put_dec(!!(entry & ENTRY_REMOTE_IRR));
    serial_puts(", handler runs ");
    serial_put_dec(handler_runs);
    serial_puts(", then remote IRR ");
    serial_put_dec(!!(after & ENTRY_REMOTE_IRR));
    serial_putc('\n');
}

static void probe_i8042(void)
{
    outb(I8042_COMMAND, I8042_SELF_TEST);
    uint8_t status = inb(I8042_COMMAND);
    uint8_t answer = inb(I8042_DATA);
    say("i8042", "self-test answers ");
    serial_put_hex(answer, 2);
    serial_puts(", status ");
    serial_put_hex(status, 2);
    serial_putc('\n');
}

/* --- the ends ------------------------------------------------------------ */

static noreturn void end_with(const char *what, uint16_t port, uint8_t value)
{
    say(what, "now\n");
    serial_flush();
    outb(port, value);
    say(what, "the machine did not end\n");
    finish(1);
}

static noreturn void halt_forever(const char *what, bool lapic_off)
{
    say(what, "now\n");
    serial_flush();
    if (lapic_off)
        mmio_write(LAPIC + LAPIC_SVR, mmio_read(LAPIC + LAPIC_SVR) & ~LAPIC_SVR_ENABLE);
    for (;;)
        __asm__ volatile("cli; hlt");
}

static bool word_is(const char *w, unsigned n, const char *s)
{
    unsigned i = 0;
    for (; i < n && s[i] && w[i] == s[i]; i++)
        ;
    return i == n && !s[i];
}

static uint32_t number(const char *s, unsigned n)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        v = v * 10 + (uint32_t)(s[i] - '0');
    return v;
}

static void run(const char *w, unsigned n)
{
    if (word_is(w, n, "cmos")) probe_cmos();
    else if (word_is(w, n, "compute")) probe_compute();
    else if (word_is(w, n, "fw_cfg")) probe_fw_cfg();
    else if (word_is(w, n, "ioapic")) probe_ioapic();
    else if (word_is(w, n, "i8042")) probe_i8042();
    else if (word_is(w, n, "reset-i8042")) end_with("reset-i8042", I8042_COMMAND,
                                                    I8042_PULSE_RESET);
    else if (word_is(w, n, "reset-cf9")) end_with("reset-cf9", RESET_CONTROL,
                                                  RESET_CONTROL_HARD);
    else if (word_is(w, n, "reset-92")) end_with("reset-92", SYSTEM_CONTROL_A,
                                                 SYSTEM_CONTROL_A_FAST_RESET);
    else if (word_is(w, n, "poweroff")) halt_forever("poweroff", true);
    else if (word_is(w, n, "cli-hlt")) halt_forever("cli-hlt", false);
    else if (n > 5 && word_is(w, 5, "exit=")) {
        say("exit", "status ");
        serial_put_dec(number(w + 5, n - 5));
        serial_putc('\n');
        finish(number(w + 5, n - 5));
    }
}

noreturn void pcprobe_main(uint32_t magic, const struct multiboot_info *info)
{
    serial_init();
    (void)magic;
    const char *c = (info->flags & MULTIBOOT_INFO_CMDLINE) ? (const char *)info->cmdline : "";
    while (*c) {
        while (*c == ' ')
            c++;
        unsigned n = 0;
        while (c[n] && c[n] != ' ')
            n++;
        if (n)
            run(c, n);
        c += n;
    }
    say("done", "every probe ran\n");
    finish(0);
}
