/* SPDX-License-Identifier: MIT */
/** @file run.h
 *  The run loop of one vCPU (KVM_RUN, dispatch on kvm_run's exit_reason),
 *  one host thread per vCPU, and what it counted. */
#pragma once
#include <stdbool.h>
#include "vcpu.h"

/** Runs every vCPU, each on its own thread, until each has ended or the
 *  run's deadline (RUN_DEADLINE_SECONDS) has passed; true if all ended
 *  the way they should. */
bool run_vcpus(struct vcpu *vcpus, unsigned count);
/** The exit table: returns to user space by kvm_run exit reason. */
void run_print_exit_table(const struct vcpu *v);
/** Mean nanoseconds per KVM_RUN round trip by exit reason (not for tests). */
void run_print_exit_times(const struct vcpu *v);
/** KVM_EXIT_IO, KVM_EXIT_MMIO...: the name of a kvm_run exit reason. */
const char *kvm_exit_name(uint32_t reason);
