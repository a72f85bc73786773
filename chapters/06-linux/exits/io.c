/* SPDX-License-Identifier: MIT */
/* I/O instructions. Both I/O bitmaps are all ones, so every port exits;
 * "Exit Qualification for I/O Instructions" says which port, which way,
 * how wide. COM1 is an emulated 16550 (uart.c), port 0xE9 a debug console,
 * the 8259s, the 8254 and port 0x61 the virtual PC's (vpc.c), never the
 * host's; every other port has no device: it reads as all ones, ignores
 * writes, and is counted. */
#include "console.h"
#include "exits.h"
#include "line_buffer.h"
#include "printf.h"
#include "uart.h"
#include "vpc.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

#define ALL_ONES 0xFFFFFFFFu
#define BYTE_MASK 0xFFu
#define WORD_MASK 0xFFFFu
#define BITS_PER_BYTE 8

static uint64_t unclaimed_accesses;

static struct line_buffer debug_console = {.prefix = "guest console"};

static bool is_com1(uint16_t port)
{
    return port >= COM1_BASE && port < COM1_BASE + UART_PORTS;
}

static void port_out(uint16_t port, uint32_t value)
{
    if (port == DEBUGCON_PORT)
        line_buffer_putc(&debug_console, (char)value);
    else if (is_com1(port))
        uart_write(port - COM1_BASE, (uint8_t)value);
    else if (vpc_port_claimed(port))
        vpc_port_out(port, (uint8_t)value);
    else
        unclaimed_accesses++;
}

static uint32_t port_in(uint16_t port)
{
    if (is_com1(port))
        return uart_read(port - COM1_BASE);
    if (vpc_port_claimed(port))
        return vpc_port_in(port);
    unclaimed_accesses++;
    return ALL_ONES;
}

uint64_t io_unclaimed_accesses(void)
{
    return unclaimed_accesses;
}

/* COM1's registers are a byte wide, and so are the 8259s' and the
 * 8254's: a 16- or 32-bit IN or OUT there is a byte access to each of the
 * next 2 or 4 ports, lowest first, as the bus splits it for an 8-bit
 * device. */
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
    if ((is_com1(port) || vpc_port_claimed(port)) && size > 1)
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
