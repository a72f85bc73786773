/* SPDX-License-Identifier: MIT */
/** @file exits.h
 *  One handler per kvm_run exit reason, one file each in exits/. KVM has
 *  already handled every exit it could (CPUID, CR and MSR accesses, page
 *  faults on guest RAM, exceptions); what reaches this process is what
 *  needs a device or a decision. A handler finishes the exit and says
 *  whether to KVM_RUN again. */
#pragma once
#include "vcpu.h"

typedef enum exit_action (*exit_handler)(struct vcpu *v);

enum exit_action handle_io(struct vcpu *v);
/** Port accesses that found no device (they read all ones). */
uint64_t io_unclaimed_accesses(void);
enum exit_action handle_mmio(struct vcpu *v);
enum exit_action handle_hlt(struct vcpu *v);
enum exit_action handle_shutdown(struct vcpu *v);
enum exit_action handle_fail_entry(struct vcpu *v);
enum exit_action handle_internal_error(struct vcpu *v);
/** The local APIC's MSRs, which KVM hands over (msr.c). */
enum exit_action handle_rdmsr(struct vcpu *v);
enum exit_action handle_wrmsr(struct vcpu *v);
/** A VMCALL, reported as a HLT at a rewritten site (hypercall_sites.c):
 *  regs are the guest's, RIP already past the 3-byte site; sets the
 *  result in RAX and writes regs back. */
enum exit_action handle_vmcall(struct vcpu *v, struct kvm_regs *regs, bool long_mode);
/** The value the SMP guest's vCPUs wrote to SMP_ID_PORT, per vCPU; ~0 if none. */
uint64_t io_smp_id(unsigned vcpu_id);
