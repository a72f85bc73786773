/* SPDX-License-Identifier: MIT */
/* I/O instructions. Both I/O bitmaps are all ones, so every port exits;
 * "Exit Qualification for I/O Instructions" says which port, which way,
 * how wide. Two tiny devices: the debug port 0xE9 and just enough of COM1
 * for a polling driver's output. Chapter 4 emulates a real UART. */
#include "console.h"
#include "exit_log.h"
#include "exits.h"
#include "line_buffer.h"
#include "printf.h"
#include "uart16550.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

#define COM1_PORTS 8
#define ALL_ONES 0xFFFFFFFFu
#define BYTE_MASK 0xFFu
#define WORD_MASK 0xFFFFu
#define BITS_PER_BYTE 8

static struct line_buffer debug_console = {.prefix = "guest console"};

static bool is_com1(uint16_t port)
{
    return port >= COM1_BASE && port < COM1_BASE + COM1_PORTS;
}

static void port_out(uint16_t port, uint32_t value)
{
    if (port == DEBUGCON_PORT || port == COM1_BASE + UART_THR)
        line_buffer_putc(&debug_console, (char)value);
    else if (port < COM1_BASE || port >= COM1_BASE + COM1_PORTS)
        exit_log("io: OUT 0x%x to port 0x%x: no device there, ignored\n", value, port);
    /* Other COM1 registers (line and modem control...) take no effect. */
}

static uint32_t port_in(uint16_t port)
{
    if (port == COM1_BASE + UART_LSR)
        return UART_LSR_THR_EMPTY | UART_LSR_TX_EMPTY; /* always ready */
    if (port >= COM1_BASE && port < COM1_BASE + COM1_PORTS)
        return 0;
    exit_log("io: IN from port 0x%x: no device there, reads as all ones\n", port);
    return ALL_ONES;
}

/* COM1's registers are a byte wide: a 16- or 32-bit IN or OUT there is a
 * byte access to each of the next 2 or 4 ports, lowest first, as the bus
 * splits it for an 8-bit device. */
static enum exit_action com1_wide_access(struct vcpu *v, uint16_t port, unsigned size,
                                         bool in)
{
    uint64_t rax = v->gpr[GPR_RAX];
    uint32_t value = 0;
    for (unsigned i = 0; i < size; i++) {
        uint16_t p = (uint16_t)(port + i);
        if (in)
            value |= (port_in(p) & BYTE_MASK) << (BITS_PER_BYTE * i);
        else
            port_out(p, (rax >> (BITS_PER_BYTE * i)) & BYTE_MASK);
    }
    if (in) /* IN to AX keeps the rest of RAX; IN to EAX zeroes bits 63:32 */
        v->gpr[GPR_RAX] = size == 4 ? value : (rax & ~(uint64_t)WORD_MASK) | value;
    vcpu_skip_instruction();
    return EXIT_RESUME;
}

enum exit_action handle_io(struct vcpu *v)
{
    uint64_t q = vmcs_read(EXIT_QUALIFICATION);
    unsigned size = (q & IO_QUAL_SIZE_MASK) + 1; /* 1, 2 or 4 bytes */
    uint16_t port = (uint16_t)((q & IO_QUAL_PORT_MASK) >> IO_QUAL_PORT_SHIFT);
    uint32_t mask = size == 4 ? ALL_ONES : (1u << (8 * size)) - 1;

    if (q & IO_QUAL_STRING) {
        kprintf("io: string I/O (INS/OUTS) at port 0x%x is not emulated here\n", port);
        return vcpu_end(v, false, "string I/O to port 0x%x is not emulated", port);
    }
    if (is_com1(port) && size > 1)
        return com1_wide_access(v, port, size, q & IO_QUAL_DIRECTION_IN);
    if (q & IO_QUAL_DIRECTION_IN) {
        uint64_t value = port_in(port) & mask;
        /* IN to AL or AX keeps the rest of RAX; IN to EAX zeroes bits 63:32. */
        uint64_t rax = size == 4 ? 0 : v->gpr[GPR_RAX] & ~(uint64_t)mask;
        v->gpr[GPR_RAX] = rax | value;
    } else {
        port_out(port, (uint32_t)v->gpr[GPR_RAX] & mask);
    }
    vcpu_skip_instruction();
    return EXIT_RESUME;
}
