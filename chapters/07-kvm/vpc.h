/* SPDX-License-Identifier: MIT */
/** @file vpc.h
 *  Chapter 5's virtual PC in user space: its 8259A pair, 8254 and local
 *  APIC (pic8259.c, pit8254.c, lapic.c, unchanged), wired as chapter 5
 *  wired them (PIT channel 0 to IRQ0, the master 8259's INT to LINT0 in
 *  virtual-wire mode), for vCPU 0. KVM has no interrupt controller of
 *  its own here: why, in vpc.c. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "lapic.h"
#include "mmio.h"
#include "pic8259.h"
#include "pit8254.h"
#include "vcpu.h"

#define VPC_NEVER UINT64_MAX
/** IRQ0's line from PIT channel 0. */
#define IRQ_PIT 0

struct vpc {
    struct pic_pair pic;
    struct pit pit;
    struct lapic lapic;
    uint64_t apic_base; /**< IA32_APIC_BASE */
    uint64_t tsc_hz;    /**< the guest's TSC rate (KVM_GET_TSC_KHZ): the timers' clock */
    struct vcpu *vcpu;  /**< the vCPU these controllers interrupt: vCPU 0 */
};

extern struct vpc vpc;

/** Resets the devices as a PC BIOS leaves them, maps the local APIC's
 *  page and asks KVM to hand over the APIC's MSRs (an MSR filter). */
void vpc_init(int vm_fd, struct vcpu *v);
/** The guest's TSC now: the host's, plus the offset KVM gave the vCPU. */
uint64_t vpc_now(void);
/** True for the ports of the 8259s, the 8254 and port 0x61. */
bool vpc_port_claimed(uint16_t port);
uint8_t vpc_port_in(uint16_t port);
void vpc_port_out(uint16_t port, uint8_t value);
/** Runs the timers up to now: PIT edges to IRQ0, the APIC timer to its IRR. */
void vpc_run_timers(void);
/** The earliest timer deadline, a guest TSC value, or VPC_NEVER. */
uint64_t vpc_next_deadline(void);
/** What an access to one of the APIC's MSRs did. */
enum vpc_msr { VPC_MSR_DONE, VPC_MSR_FAULT, VPC_MSR_APIC_MOVED };
/** RDMSR and WRMSR of IA32_APIC_BASE and IA32_TSC_DEADLINE. */
enum vpc_msr vpc_read_msr(uint32_t msr, uint64_t *value);
enum vpc_msr vpc_write_msr(uint32_t msr, uint64_t value);
/** Prints the devices' counters at the end of the run. */
void vpc_print_summary(void);
