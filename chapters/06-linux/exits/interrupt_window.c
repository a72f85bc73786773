/* SPDX-License-Identifier: MIT */
/* "Interrupt-window exiting" and "NMI-window exiting": the CPU exits at
 * the first instruction boundary where the guest could take an external
 * interrupt (RFLAGS.IF = 1, no blocking by STI or MOV SS), or an NMI (no
 * blocking by NMI either). The event that waited is injected now
 * (events_deliver, after this handler), before the guest's next
 * instruction, exactly where hardware would have taken it. */
#include "exits.h"

enum exit_action handle_event_window(struct vcpu *v)
{
    v->event_check = true;
    return EXIT_RESUME;
}
