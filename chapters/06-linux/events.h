/* SPDX-License-Identifier: MIT */
/** @file events.h
 *  Events for the guest: an interrupt from the virtual PC injected when
 *  the guest can take it, else an interrupt-window (or NMI-window) exit
 *  asked for; and an event whose delivery a VM exit interrupted, injected
 *  again ("Information for VM Exits During Event Delivery"). */
#pragma once
#include <stdbool.h>
#include "vcpu.h"

/** Injects the interrupt or NMI that waits, if the guest can take it
 *  now; else asks for the exit that says when it can. vm_exit_dispatch
 *  calls it after an exit that set v->event_check. */
void events_deliver(struct vcpu *v);
/** After an exit during event delivery (the IDT-vectoring information is
 *  valid): injects the event again with its error code and instruction
 *  length, or, for a hardware exception the hypervisor intercepted during
 *  the delivery of another, the double fault (or shutdown) the CPU would
 *  make of the pair. False if the guest has ended. */
bool events_reinject(struct vcpu *v, uint32_t basic_reason);
/** True if an interrupt or NMI would wake a halted CPU now. */
bool events_can_wake(void);
/** True if requests wait behind in-service interrupts never ended. */
bool events_blocked_by_in_service(void);
/** Prints how many events of each kind the guest got. */
void events_print_summary(const struct vcpu *v);
