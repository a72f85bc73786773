/* SPDX-License-Identifier: MIT */
/** @file events.h
 *  The virtual PC's interrupts into vCPU 0, the way a VMM on KVM without
 *  an in-kernel irqchip does it: KVM_INTERRUPT when kvm_run says the guest
 *  can take one, else request_interrupt_window; KVM_NMI; the TPR kept in
 *  step with kvm_run's cr8; a timer that interrupts KVM_RUN when a device
 *  timer is due while the guest runs; and HLT as sleep. */
#pragma once
#include "vcpu.h"

/** Before each KVM_RUN of v: runs the timers, injects what waits if the
 *  guest can take it, else asks for the window, and arms the kick. */
void events_deliver(struct vcpu *v);
/** After each KVM_RUN of v: a MOV to CR8 has set the TPR. */
void events_after_exit(struct vcpu *v);
/** Creates the calling vCPU thread's kick (a POSIX timer sending
 *  VCPU_KICK_SIGNAL), if v has the interrupt controllers. */
void events_start(struct vcpu *v);
/** HLT with interrupts enabled: sleeps until an interrupt can wake the
 *  guest; ends it by name if none ever can. */
enum exit_action events_sleep(struct vcpu *v);
/** KVM_EXIT_IRQ_WINDOW_OPEN: the guest can take the interrupt now. */
enum exit_action handle_irq_window(struct vcpu *v);
/** Prints what was injected and how the guest slept. */
void events_print_summary(void);
