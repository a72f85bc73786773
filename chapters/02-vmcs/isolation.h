/* SPDX-License-Identifier: MIT */
/** @file isolation.h
 *  A canary in hypervisor memory: did the guest change it? */
#pragma once
#include <stdbool.h>

/** Remembers the canary's contents before the guest runs. */
void isolation_arm(void);
/** Reports and returns false if the guest changed the canary. */
bool isolation_intact(void);
