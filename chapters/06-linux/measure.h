/* SPDX-License-Identifier: MIT */
/** @file measure.h
 *  What moving data costs in VM exits: the guest brackets a transfer with
 *  two hypercalls, the hypervisor counts the exits in between. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define MEASURE_MAX 4
#define MEASURE_LABEL 32

/** Starts a measurement at exit count exits (the BEGIN hypercall's own). */
void measure_begin(const char *label, uint64_t exits);
/** Ends it at exit count exits (the END hypercall's own, not counted). */
void measure_end(uint64_t bytes, uint64_t exits);
/** Forgets every measurement (for the fuzzer, which runs many guests). */
void measure_reset(void);
/** Prints each measurement as exits per KiB, and how the first two compare. */
void measure_print(void);
