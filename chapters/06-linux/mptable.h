/* SPDX-License-Identifier: MIT */
/** @file mptable.h
 *  The MP table: how a guest without ACPI learns where its local APIC and
 *  I/O APIC are and which I/O APIC input each ISA interrupt reaches. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/** Writes the MP floating pointer and, after it, the configuration table
 *  to buf, which the guest sees at gpa; returns the bytes written. */
size_t mptable_write(uint8_t *buf, uint32_t gpa);
