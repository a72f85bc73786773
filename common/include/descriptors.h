/* SPDX-License-Identifier: MIT */
/** @file descriptors.h
 *  The hypervisor's own GDT, TSS and IDT. VM exits load the host's
 *  selectors and descriptor-table bases from the VMCS, so these must be
 *  real, complete tables: a TR of 0 is not allowed as host state. */
#pragma once
#include <stdint.h>

#define GDT_NULL_SELECTOR 0x00
#define GDT_KERNEL_CODE_SELECTOR 0x08
#define GDT_KERNEL_DATA_SELECTOR 0x10
#define GDT_TSS_SELECTOR 0x18

/** IST slot for double faults and machine checks, so a blown stack still reports. */
#define IST_EMERGENCY 1

/** Loads the GDT, reloads every segment register, loads TR. */
void gdt_init(void);
/** Installs handlers for the 32 exception vectors and loads the IDT. */
void idt_init(void);
/** Base address of the TSS, for the VMCS host-state area. */
uint64_t tss_base(void);
