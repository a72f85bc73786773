/* SPDX-License-Identifier: MIT */
/** @file run.h
 *  Running the guest until it ends. */
#pragma once
#include <stdbool.h>
#include "vcpu.h"

/** Runs the guest from the current VMCS until it ends; true if it ended
 *  as it should. v->outcome says how it ended. */
bool run_guest(struct vcpu *v);
/** Enters the guest (VMLAUNCH, then VMRESUME after each exit) until an
 *  exit handler ends it (vmentry.asm). Returns 0 then, or the enum
 *  vmx_status of a VMLAUNCH or VMRESUME that failed. */
int vm_run(struct vcpu *v);
/** Handles the VM exit that just happened (vm_run calls it, the guest's
 *  registers saved in v); true to resume the guest, false once it ended.
 *  vm_run then calls events_deliver first if v->event_check is set. */
bool vm_exit_dispatch(struct vcpu *v);
/** Prints how many VM exits of each basic reason the guest caused. */
void run_print_exit_table(const struct vcpu *v);
