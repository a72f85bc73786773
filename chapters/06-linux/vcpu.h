/* SPDX-License-Identifier: MIT */
/** @file vcpu.h
 *  The one virtual CPU of this chapter: the guest registers the VMCS does
 *  not hold, the exit statistics, and how the guest ended. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cpu.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_reasons.h"

/** General-purpose registers in the order of the SDM's register encoding
 *  (RAX=0, RCX=1, ..., R15=15), the order exit qualifications use. RSP is
 *  in the VMCS (GUEST_RSP); its slot here is unused. */
enum gpr {
    GPR_RAX, GPR_RCX, GPR_RDX, GPR_RBX, GPR_RSP, GPR_RBP, GPR_RSI, GPR_RDI,
    GPR_R8, GPR_R9, GPR_R10, GPR_R11, GPR_R12, GPR_R13, GPR_R14, GPR_R15,
    GPR_COUNT
};

/** What an exit handler wants next. */
enum exit_action {
    EXIT_RESUME,     /**< VMRESUME the guest */
    EXIT_GUEST_DONE, /**< the guest has ended; vcpu->outcome says how */
};

#define OUTCOME_MAX 200

struct vcpu {
    /* vmentry.asm uses these two by offset (checked in run.c). */
    uint64_t gpr[GPR_COUNT]; /**< saved and restored by vmentry.asm */
    bool launched;           /**< VMLAUNCH done: the next entry is VMRESUME */
    bool event_check;        /**< an interrupt may wait: events_deliver() first */
    uint64_t exits;
    uint64_t exit_counts[EXIT_REASON_COUNT];
    bool guest_ok;             /**< the guest ended the way it should */
    char outcome[OUTCOME_MAX]; /**< how the guest ended, in words */
    uint64_t clock_start;      /**< the TSC at the first VM entry */
    uint64_t deadline;         /**< the host TSC of the next alarm: the run's end or
                                    the guest's next timer (virtual_time.c) */
    uint64_t run_deadline;     /**< the host TSC value at which the run ends */
    uint32_t proc_controls;    /**< the primary processor-based controls, as written */
    bool nmi_window;           /**< the CPU has "NMI-window exiting" */
    uint64_t reinjected;       /**< events re-injected after an exit in their delivery */
    uint64_t sleeps;           /**< HLTs that put the virtual CPU to sleep */
    uint32_t offers;           /**< what the controls offer the guest (enum cpu_offer) */
    uint64_t xcr0;             /**< the guest's XCR0 (exits/xsetbv.c) */
};

/** A deadline for the whole run, from the first VM entry: the preemption-
 *  timer watchdog bounds the time between exits, this the total, whatever
 *  the guest does. Under Bochs (clock sync=none, ips=80M) Linux reaches
 *  its shell in about 10 s; the rest is for the user typing into it. */
#define RUN_DEADLINE_SECONDS 300u

/** Guest RIP += VM-exit instruction length: the exiting instruction is
 *  done, and so is the blocking by STI or MOV SS it may have caused. */
static inline void vcpu_skip_instruction(void)
{
    /* Valid for exits caused by instructions ("VM-Exit Instruction Length"). */
    vmcs_write(GUEST_RIP, vmcs_read(GUEST_RIP) + vmcs_read(VM_EXIT_INSTRUCTION_LENGTH));
    /* Blocking by STI or by MOV SS lasts until the next instruction ends
     * ("Interruptibility State"); the skipped one was that instruction. */
    uint64_t blocking = vmcs_read(GUEST_INTERRUPTIBILITY_STATE);
    uint64_t cleared = blocking & ~(uint64_t)(GUEST_INTERRUPTIBILITY_BLOCKING_BY_STI |
                                              GUEST_INTERRUPTIBILITY_BLOCKING_BY_MOV_SS);
    if (cleared != blocking)
        vmcs_write(GUEST_INTERRUPTIBILITY_STATE, cleared);
}
/** Injects an event at the next VM entry ("VM-Entry Controls for Event
 *  Injection"): type is an INTR_TYPE_*; a hardware exception gets
 *  error_code if its vector has one and the guest is in protected mode; a
 *  software interrupt or exception gets instruction_length. */
void vcpu_inject_event(unsigned type, unsigned vector, uint32_t error_code,
                       uint32_t instruction_length);
/** Events injected so far of type (INTR_TYPE_*). */
uint64_t vcpu_injected(unsigned type);
/** Injects a hardware exception at the next VM entry, with error_code if
 *  the vector has one and the guest is in protected mode. */
void vcpu_inject_exception(unsigned vector, uint32_t error_code);
/** Logs fmt (its line names the exception), injects the exception vector
 *  with error code 0, and resumes the guest: the hypervisor's answer to
 *  an instruction that must fault. */
enum exit_action vcpu_inject_fault(unsigned vector, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/** The guest's current privilege level: SS.DPL ("Guest Register State"). */
unsigned vcpu_cpl(void);
/** Starts the run's clock: the deadline is counted from here. */
void vcpu_start_clock(struct vcpu *v);
/** True if the run is past its deadline (vcpu_start_clock). */
static inline bool vcpu_past_deadline(const struct vcpu *v)
{
    return rdtsc() >= v->deadline;
}
/** Ends the guest, by name, for running past its deadline. */
enum exit_action vcpu_end_at_deadline(struct vcpu *v);
/** True, with the guest ended by name, if this exit interrupted the
 *  delivery of an event (the IDT-vectoring information is valid) and its
 *  cause stays: an EPT violation or misconfiguration. Other exits re-inject
 *  the event (events_reinject). */
bool vcpu_exit_interrupted_event(struct vcpu *v, uint32_t basic_reason);
/** Ends the guest: records whether it went as it should, and why. */
enum exit_action vcpu_end(struct vcpu *v, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Prints the guest's general-purpose registers and RIP, RSP, RFLAGS. */
void vcpu_dump_registers(const struct vcpu *v);
/** Reads general-purpose register number n (SDM encoding; 4 is RSP). */
uint64_t vcpu_gpr_read(const struct vcpu *v, unsigned n);
/** Writes general-purpose register number n. */
void vcpu_gpr_write(struct vcpu *v, unsigned n, uint64_t value);
