/* SPDX-License-Identifier: MIT */
/* I/O instructions. KVM_EXIT_IO says which port, which way, how wide and
 * how many (a REP INS or OUTS is one exit); the data sits in the kvm_run
 * page at data_offset, and for an IN, KVM loads it into AL, AX or EAX on
 * the next KVM_RUN and steps over the instruction. COM1 is the emulated
 * 16550 (uart.c, unchanged), port 0xE9 a debug console, the 8259s, the
 * 8254 and port 0x61 chapter 5's (vpc.c); every other port has no device:
 * it reads as all ones, ignores writes, and is counted. */
#include "console.h"
#include "exits.h"
#include "line_buffer.h"
#include "printf.h"
#include "uart.h"
#include "vpc.h"

#define ALL_ONES 0xFFFFFFFFu
#define BYTE_MASK 0xFFu
#define BITS_PER_BYTE 8
/** The SMP guest (guests/kvm_smp/) writes here which vCPU it is. */
#define SMP_ID_PORT 0x510
#define SMP_MAX_VCPUS 2

static uint64_t unclaimed_accesses;
static uint64_t smp_id[SMP_MAX_VCPUS] = {~0ull, ~0ull};
static struct line_buffer debug_console = {.prefix = "guest console"};

static bool is_com1(uint16_t port)
{
    return port >= COM1_BASE && port < COM1_BASE + UART_PORTS;
}

static void port_out(const struct vcpu *v, uint16_t port, uint32_t value)
{
    if (port == DEBUGCON_PORT)
        line_buffer_putc(&debug_console, (char)value);
    else if (is_com1(port))
        uart_write(port - COM1_BASE, (uint8_t)value);
    else if (vpc_port_claimed(port))
        vpc_port_out(port, (uint8_t)value);
    else if (port == SMP_ID_PORT && v->id < SMP_MAX_VCPUS)
        smp_id[v->id] = value;
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

uint64_t io_smp_id(unsigned vcpu_id)
{
    return vcpu_id < SMP_MAX_VCPUS ? smp_id[vcpu_id] : ~0ull;
}

/* One access of size bytes. COM1's registers are a byte wide: a 16- or
 * 32-bit access there is a byte access to each of the next ports, lowest
 * first, as the bus splits it for an 8-bit device. */
static void access(const struct vcpu *v, uint16_t port, unsigned size, bool in, uint8_t *data)
{
    uint32_t value = 0;
    if (is_com1(port) || size == 1) {
        for (unsigned i = 0; i < size; i++) {
            uint16_t p = (uint16_t)(port + i);
            if (in)
                data[i] = (uint8_t)(port_in(p) & BYTE_MASK);
            else
                port_out(v, p, data[i]);
        }
        return;
    }
    if (in) {
        value = port_in(port);
        for (unsigned i = 0; i < size; i++)
            data[i] = (uint8_t)(value >> (BITS_PER_BYTE * i));
    } else {
        for (unsigned i = 0; i < size; i++)
            value |= (uint32_t)data[i] << (BITS_PER_BYTE * i);
        port_out(v, port, value);
    }
}

enum exit_action handle_io(struct vcpu *v)
{
    struct kvm_run *r = v->run;
    bool in = r->io.direction == KVM_EXIT_IO_IN;
    uint8_t *data = (uint8_t *)r + r->io.data_offset;
    /* KVM chose data_offset and count within the kvm_run mapping. */
    /* LAB kvm-io (25 points): a string instruction is one exit of count
     * accesses: do each, size bytes at a time, with its data in the kvm_run
     * page one after the other; then the guest resumes (KVM completes an IN).
     * Graded by: test_ch07_kvm.py::test_chapter_4s_guest_runs_with_the_same_text,
     *   test_ch07_kvm.py::test_exits_per_kib_are_chapter_4s
     * Student stub:
     *     (void)in;
     *     (void)data;
     *     (void)access;
     *     run_fail("lab kvm-io is not done yet");
     */
    for (uint32_t i = 0; i < r->io.count; i++)
        access(v, r->io.port, r->io.size, in, data + (size_t)i * r->io.size);
    return EXIT_RESUME;
    /* END LAB kvm-io */
}
