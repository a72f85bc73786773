/* SPDX-License-Identifier: MIT */
/* The PC's I/O ports, device by device. Most registers here are a byte
 * wide: a 16- or 32-bit IN or OUT is a byte access to each of the next 2
 * or 4 ports, lowest first, as the bus splits it for an 8-bit device;
 * the fw_cfg selector (16 bits) and the debug-exit port take the whole
 * access. An access whose first port has no device reads all ones. */
#include "pc_ports.h"
#include <stdarg.h>
#include "cmos.h"
#include "console.h"
#include "fw_cfg.h"
#include "i8042.h"
#include "line_buffer.h"
#include "pc.h"
#include "printf.h"
#include "uart.h"
#include "virtual_time.h"
#include "vpc.h"

#define ALL_ONES 0xFFu
#define BYTE_MASK 0xFFu
#define BITS_PER_BYTE 8
#define COM1_LAST (COM1_BASE + UART_PORTS - 1)
#define SYSTEM_CONTROL_A_FAST_RESET 0x01
#define SYSTEM_CONTROL_A_A20 0x02
#define RESET_CONTROL_SYS_RST 0x02  /* hard reset when RST_CPU is set */
#define RESET_CONTROL_RST_CPU 0x04
#define RESET_CONTROL_WRITABLE 0x0E
#define FW_CFG_CPUS 1

struct pc_end pc_end;
static struct cmos cmos;
static struct i8042 i8042;
static struct fw_cfg fw_cfg;
static uint8_t system_control_a = SYSTEM_CONTROL_A_A20, reset_control;
static uint64_t unclaimed, post_writes;
static struct line_buffer debug_console = {.prefix = "guest console"};

void pc_request_end(bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(pc_end.why, sizeof pc_end.why, fmt, ap);
    va_end(ap);
    pc_end.ok = ok;
    pc_end.requested = true;
}

/* --- one small handler per device --------------------------------------- */

static uint64_t seconds(void)
{
    return virtual_time_now() / VIRTUAL_TSC_HZ;
}

static uint8_t cmos_in(uint16_t port) { return cmos_read(&cmos, port, seconds()); }
static void cmos_out(uint16_t port, uint8_t v) { cmos_write(&cmos, port, v, seconds()); }
static uint8_t uart_in(uint16_t port) { return uart_read(port - COM1_BASE); }
static void uart_out(uint16_t port, uint8_t v) { uart_write(port - COM1_BASE, v); }
static uint8_t fw_cfg_in(uint16_t port) { return fw_cfg_read(&fw_cfg, port); }

static void i8042_lines(void)
{
    vpc_set_irq(IRQ_I8042_KEYBOARD, i8042_keyboard_irq(&i8042));
    vpc_set_irq(IRQ_I8042_MOUSE, i8042_aux_irq(&i8042));
    if (i8042.reset)
        pc_request_end(true, "the guest reset the machine through the i8042's reset line");
}

static uint8_t i8042_in(uint16_t port)
{
    uint8_t value = i8042_read(&i8042, port);
    i8042_lines();
    return value;
}

static void i8042_out(uint16_t port, uint8_t v)
{
    i8042_write(&i8042, port, v);
    i8042_lines();
}

static uint8_t small_in(uint16_t port)
{
    if (port == PORT_SYSTEM_CONTROL_A)
        return system_control_a;
    if (port == PORT_RESET_CONTROL)
        return reset_control;
    return ALL_ONES; /* port 0x80 is write-only */
}

static void small_out(uint16_t port, uint8_t v)
{
    switch (port) {
    case PORT_POST: post_writes++; return;
    case PORT_SYSTEM_CONTROL_A:
        /* "Fast reset": a rising edge of bit 0 resets the CPU. */
        if ((v & ~system_control_a) & SYSTEM_CONTROL_A_FAST_RESET)
            pc_request_end(true, "the guest reset the machine through port 0x92");
        system_control_a = v;
        return;
    case PORT_RESET_CONTROL:
        if (v & RESET_CONTROL_RST_CPU)
            pc_request_end(true, "the guest reset the machine through port 0xCF9 (%s reset)",
                           v & RESET_CONTROL_SYS_RST ? "hard" : "soft");
        reset_control = v & RESET_CONTROL_WRITABLE;
        return;
    case DEBUGCON_PORT: line_buffer_putc(&debug_console, (char)v); return;
    default: return;
    }
}

/* --- the map ------------------------------------------------------------ */

struct port_device {
    uint16_t first, last;
    uint8_t (*in)(uint16_t port);
    void (*out)(uint16_t port, uint8_t value);
};

static const struct port_device map[] = {
    {PIC_MASTER_COMMAND, PIC_MASTER_DATA, vpc_port_in, vpc_port_out},
    {PIT_CHANNEL0, PIT_MODE_COMMAND, vpc_port_in, vpc_port_out},
    {PORT_B, PORT_B, vpc_port_in, vpc_port_out},
    {PIC_SLAVE_COMMAND, PIC_SLAVE_DATA, vpc_port_in, vpc_port_out},
    {I8042_DATA_PORT, I8042_DATA_PORT, i8042_in, i8042_out},
    {I8042_COMMAND_PORT, I8042_COMMAND_PORT, i8042_in, i8042_out},
    {CMOS_INDEX_PORT, CMOS_DATA_PORT, cmos_in, cmos_out},
    {PORT_POST, PORT_POST, small_in, small_out},
    {PORT_SYSTEM_CONTROL_A, PORT_SYSTEM_CONTROL_A, small_in, small_out},
    {DEBUGCON_PORT, DEBUGCON_PORT, small_in, small_out},
    {COM1_BASE, COM1_LAST, uart_in, uart_out},
    {FW_CFG_SELECTOR_PORT, FW_CFG_DATA_PORT, fw_cfg_in, 0},
    {PORT_RESET_CONTROL, PORT_RESET_CONTROL, small_in, small_out},
};

static const struct port_device *device_at(uint16_t port)
{
    for (unsigned i = 0; i < sizeof map / sizeof map[0]; i++)
        if (port >= map[i].first && port <= map[i].last)
            return &map[i];
    return 0;
}

uint32_t pc_port_in(uint16_t port, unsigned size)
{
    if (!device_at(port)) {
        unclaimed++;
        return ~0u;
    }
    uint32_t value = 0;
    for (unsigned i = 0; i < size; i++) {
        const struct port_device *d = device_at((uint16_t)(port + i));
        uint32_t byte = d ? d->in((uint16_t)(port + i)) : ALL_ONES;
        value |= (byte & BYTE_MASK) << (BITS_PER_BYTE * i);
    }
    return value;
}

void pc_port_out(uint16_t port, unsigned size, uint32_t value)
{
    if (port >= PORT_DEBUG_EXIT && port < PORT_DEBUG_EXIT + PORT_DEBUG_EXIT_SIZE) {
        /* QEMU's isa-debug-exit: the value written is the exit status. */
        pc_request_end(value == 0, "guest exited through port 0x%x with status %u", port,
                       value);
        return;
    }
    if (port == FW_CFG_SELECTOR_PORT) {
        fw_cfg_write(&fw_cfg, port, (uint16_t)value);
        return;
    }
    if (!device_at(port)) {
        unclaimed++;
        return;
    }
    for (unsigned i = 0; i < size; i++) {
        const struct port_device *d = device_at((uint16_t)(port + i));
        if (d && d->out)
            d->out((uint16_t)(port + i), (uint8_t)(value >> (BITS_PER_BYTE * i)));
    }
}

uint64_t pc_ports_unclaimed(void)
{
    return unclaimed;
}

void pc_ports_init(uint64_t ram_size)
{
    int64_t now = cmos_host_time();
    cmos_reset(&cmos, now, 0);
    i8042_reset(&i8042);
    fw_cfg_reset(&fw_cfg, ram_size, FW_CFG_CPUS);
    kprintf("pc: RTC/CMOS at 0x70 from the host's clock (%ld s since 1970), i8042 at "
            "0x60/0x64, fw_cfg at 0x510, reset at 0xCF9/0x92, debug exit at 0x%x\n", now,
            PORT_DEBUG_EXIT);
}

void pc_ports_print_summary(void)
{
    kprintf("pc: %lu POST code(s) written to port 0x80, %u fw_cfg read(s) past an item's "
            "end, %u CMOS index(es) with bit 7 (NMI disable) set; uart: %lu byte(s) to the "
            "guest\n", post_writes, fw_cfg.past_end, cmos.index_high, uart_bytes_received());
}
