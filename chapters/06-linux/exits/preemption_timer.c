/* SPDX-License-Identifier: MIT */
/* The VMX-preemption timer counts down while the guest runs and forces an
 * exit at zero ("VMX-Preemption Timer"). Without the "save VMX-preemption
 * timer value" exit control, every VM entry starts it again from the VMCS
 * field, which virtual_time.c sets to the ticks left to the guest's next
 * timer deadline: then this exit is that alarm (vm_exit_dispatch has run
 * it). Loaded with the whole WATCHDOG_TICKS, it means the guest ran that
 * long without one other VM exit. Chapter 5 took that for a hang; a guest
 * not written for stepvisor may well compute that long with no exit (a
 * kernel decompressing itself with interrupts off), as it would on the
 * machine. Here the full count is only the chance to look at the run's
 * deadline, which vm_exit_dispatch has done: the guest goes on. */
#include "exits.h"
#include "virtual_time.h"

enum exit_action handle_preemption_timer(struct vcpu *v)
{
    (void)virtual_time_watchdog_expired(v); /* the alarm's bookkeeping */
    return EXIT_RESUME;
}
