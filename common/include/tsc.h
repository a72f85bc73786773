/* SPDX-License-Identifier: MIT */
/** @file tsc.h
 *  How fast the TSC runs, measured against the 8254 PIT: a time base the
 *  host can trust whatever CPU or emulator it runs on. */
#pragma once
#include <stdint.h>

/** TSC ticks per second, measured once (about 10 ms with the PIT's channel
 *  2) and then remembered. */
uint64_t tsc_hz(void);
