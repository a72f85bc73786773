/* SPDX-License-Identifier: MIT */
/** @file exits.h
 *  One handler per exit class, one file each in exits/. A handler finishes
 *  the exit (advances RIP, injects an event, or ends the guest) and says
 *  whether to resume. */
#pragma once
#include "vcpu.h"

typedef enum exit_action (*exit_handler)(struct vcpu *v);

enum exit_action handle_exception_or_nmi(struct vcpu *v);
/** A host interrupt, acknowledged on exit: the host's, never the guest's. */
enum exit_action handle_external_interrupt(struct vcpu *v);
/** The interrupt window or the NMI window is open. */
enum exit_action handle_event_window(struct vcpu *v);
enum exit_action handle_triple_fault(struct vcpu *v);
enum exit_action handle_cpuid(struct vcpu *v);
/** MONITOR, MWAIT: an invalid opcode, as CPUID hides them. */
enum exit_action handle_monitor_mwait(struct vcpu *v);
/** The XCR0 bits the guest's CPUID offers. */
uint64_t cpuid_guest_xcr0_supported(const struct vcpu *v);
/** Prints the line "cpuid: hidden from the guest: ..." (cpuid_policy.c). */
void cpuid_print_policy(const struct vcpu *v);
enum exit_action handle_hlt(struct vcpu *v);
enum exit_action handle_vmcall(struct vcpu *v);
enum exit_action handle_cr_access(struct vcpu *v);
enum exit_action handle_io(struct vcpu *v);
/** Port accesses that found no device (they read all ones). */
uint64_t io_unclaimed_accesses(void);
enum exit_action handle_rdmsr(struct vcpu *v);
enum exit_action handle_wrmsr(struct vcpu *v);
/** RDPMC: a general-protection fault, as the PMU is hidden. */
enum exit_action handle_rdpmc(struct vcpu *v);
enum exit_action handle_preemption_timer(struct vcpu *v);
enum exit_action handle_invd(struct vcpu *v);
enum exit_action handle_xsetbv(struct vcpu *v);
/** Reads the host's XCR0, turning on CR4.OSXSAVE; the guest's is 1. */
void xcr0_init(struct vcpu *v);
/** Loads the guest's XCR0 before an entry, the host's after an exit. */
void xcr0_load_guest(const struct vcpu *v);
void xcr0_load_host(const struct vcpu *v);
/** VMXON, VMREAD, INVEPT...: an invalid opcode, as on a CPU without VMX. */
enum exit_action handle_vmx_instruction(struct vcpu *v);
enum exit_action handle_ept_violation(struct vcpu *v);
enum exit_action handle_ept_misconfiguration(struct vcpu *v);
/** VM-entry failures (exit reason bit 31 set): reports and ends. */
enum exit_action handle_entry_failure(struct vcpu *v, uint32_t exit_reason);
