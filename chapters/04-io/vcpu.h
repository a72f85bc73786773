/** @file vcpu.h
 *  The one virtual CPU of this chapter: the guest registers the VMCS does
 *  not hold, the exit statistics, and how the guest ended. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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
    uint64_t exits;
    uint64_t exit_counts[EXIT_REASON_COUNT];
    bool guest_ok;             /**< the guest ended the way it should */
    char outcome[OUTCOME_MAX]; /**< how the guest ended, in words */
};

/** Guest RIP += VM-exit instruction length: the exiting instruction is done. */
void vcpu_skip_instruction(void);
/** Injects a hardware exception at the next VM entry. */
void vcpu_inject_exception(unsigned vector, bool has_error_code, uint32_t error_code);
/** Ends the guest: records whether it went as it should, and why. */
enum exit_action vcpu_end(struct vcpu *v, bool ok, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** Prints the guest's general-purpose registers and RIP, RSP, RFLAGS. */
void vcpu_dump_registers(const struct vcpu *v);
/** Reads general-purpose register number n (SDM encoding; 4 is RSP). */
uint64_t vcpu_gpr_read(const struct vcpu *v, unsigned n);
/** Writes general-purpose register number n. */
void vcpu_gpr_write(struct vcpu *v, unsigned n, uint64_t value);
