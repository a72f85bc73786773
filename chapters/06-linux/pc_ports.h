/* SPDX-License-Identifier: MIT */
/** @file pc_ports.h
 *  The PC's I/O port map: which device answers each port, and the small
 *  ports that are no device of their own: port 0x80 (POST codes, a
 *  delay), the reset control register 0xCF9, system control port A 0x92,
 *  and QEMU's debug-exit port 0xF4, whose value is the guest's exit
 *  status. Every other port has no device: it reads all ones. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define PORT_POST 0x80
#define PORT_SYSTEM_CONTROL_A 0x92
#define PORT_DEBUG_EXIT 0xF4
#define PORT_DEBUG_EXIT_SIZE 4
#define PORT_RESET_CONTROL 0xCF9
#define PC_END_WHY_MAX 120

/** How the guest asked the machine to end: a port write sets it, and
 *  exits/io.c ends the guest after the instruction. */
struct pc_end {
    bool requested, ok;
    char why[PC_END_WHY_MAX];
};
extern struct pc_end pc_end;

/** Resets the port devices (the RTC from the host's clock); fw_cfg says
 *  ram_size. */
void pc_ports_init(uint64_t ram_size);
/** An IN of size bytes (1, 2 or 4) from port. */
uint32_t pc_port_in(uint16_t port, unsigned size);
/** An OUT of size bytes to port. */
void pc_port_out(uint16_t port, unsigned size, uint32_t value);
/** The guest asked for the machine's end (a reset, the debug exit). */
void pc_request_end(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Accesses to ports with no device. */
uint64_t pc_ports_unclaimed(void);
/** Prints what the port devices saw. */
void pc_ports_print_summary(void);
