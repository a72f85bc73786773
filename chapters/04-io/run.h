/** @file run.h
 *  Running the guest until it ends. */
#pragma once
#include <stdbool.h>
#include "vcpu.h"

/** A bound on exits, so a guest that exits forever still ends the run. */
#define MAX_EXITS 100000u

/** Runs the guest from the current VMCS until it ends; true if it ended
 *  as it should. v->outcome says how it ended. */
bool run_guest(struct vcpu *v);
/** Prints how many VM exits of each basic reason the guest caused. */
void run_print_exit_table(const struct vcpu *v);
