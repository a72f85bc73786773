/* SPDX-License-Identifier: MIT */
/** @file bios_area.h
 *  The PC's hole, 640 KiB to 1 MiB: where a PC has video memory and the
 *  BIOS ROMs, the guest finds read-only memory holding zeros and the MP
 *  table; the BIOS data area in low RAM points at the EBDA below it. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "ept.h"

/** Where the MP floating pointer and configuration table are: in the BIOS
 *  ROM's 64 KiB, which Linux scans for them. */
#define MP_TABLE_GPA 0xF0000ul

/** Maps the hole read-only (EPT read and execute) to a host buffer with
 *  the MP table, and writes the BDA's EBDA segment and base memory size. */
void bios_area_create(struct ept *e);
/** True if gpa is in the hole: ROM, which a guest write may not change. */
bool bios_area_contains(uint64_t gpa);
