/* SPDX-License-Identifier: MIT */
/** @file isolation.h
 *  Evidence that the guest could not touch the hypervisor: a canary and a
 *  checksum of the hypervisor's code and constants. */
#pragma once
#include <stdbool.h>

/** Remembers the canary and the checksum before the guest runs. */
void isolation_arm(void);
/** Reports both; false if the guest changed either. */
bool isolation_intact(void);
