/* SPDX-License-Identifier: MIT */
/** @file virtual_time.h
 *  The guest's time: its TSC is the host's plus the TSC offset ("Timestamp
 *  Counter Offset"), its timers' deadlines are in that time, and the
 *  VMX-preemption timer is the hypervisor's alarm for the earliest of them
 *  (or the watchdog). A halted virtual CPU sleeps by moving its time
 *  forward to the next deadline: no host time is spent waiting. */
#pragma once
#include <stdint.h>
#include "vcpu.h"

#define VIRTUAL_TIME_NEVER UINT64_MAX

/** The guest's TSC now. */
uint64_t virtual_time_now(void);
/** The guest's TSC starts at 0, as after reset; the first alarm is set. */
void virtual_time_start(struct vcpu *v);
/** Sets the guest's TSC (WRMSR IA32_TIME_STAMP_COUNTER). */
void virtual_time_set(uint64_t guest_tsc);
/** Recomputes the alarm after a timer changed: v->deadline and the
 *  VMX-preemption timer. */
void virtual_time_rearm(struct vcpu *v);
/** The alarm went off (vm_exit_dispatch): the run's deadline ends the
 *  guest; a timer's raises its interrupt. */
enum exit_action virtual_time_alarm(struct vcpu *v);
/** True if a device timer is armed: a sleeping guest will wake. */
bool virtual_time_armed(void);
/** HLT with interrupts enabled: the virtual CPU sleeps until an interrupt
 *  can wake it; ends the guest by name if none ever can. */
enum exit_action virtual_time_sleep(struct vcpu *v);
/** The watchdog's share of a VMX-preemption timer exit: true if the guest
 *  really ran WATCHDOG_TICKS without an exit (no alarm was due). */
bool virtual_time_watchdog_expired(struct vcpu *v);
/** Prints the guest's virtual time and how it slept. */
void virtual_time_print_summary(const struct vcpu *v);
