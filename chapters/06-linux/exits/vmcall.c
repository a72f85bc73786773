/* SPDX-License-Identifier: MIT */
/* VMCALL: the guest asks the hypervisor for a service (abi/hypercall.h). The
 * exit is unconditional in VMX non-root operation ("Instructions That Cause
 * VM Exits Unconditionally"), whatever the guest's privilege level. The
 * services are the guest kernel's: from CPL > 0 the hypervisor refuses with
 * the #UD that VMCALL raises on a CPU not in VMX operation, which is what
 * the guest believes it runs on (CPUID hides VMX). The text a guest sends
 * is printed escaped, after "guest: ", so it cannot pose as the verdict. */
#include "exit_log.h"
#include "exits.h"
#include "guest_memory.h"
#include "abi/hypercall.h"
#include "kstring.h"
#include "measure.h"
#include "printf.h"
#include "x86.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"


static uint64_t hypercall_print(const struct vcpu *v)
{
    char text[HYPERCALL_MAX_STRING + 1];
    uint64_t len = v->gpr[GPR_RSI];
    if (len > HYPERCALL_MAX_STRING || !guest_read(v->gpr[GPR_RDI], text, len))
        return HYPERCALL_BAD_ADDRESS;
    exit_log_guest_text("guest", text, len);
    return HYPERCALL_OK;
}

static uint64_t hypercall_report(const struct vcpu *v)
{
    char label[HYPERCALL_MAX_STRING];
    if (!guest_read_string(v->gpr[GPR_RDI], label, sizeof label))
        return HYPERCALL_BAD_ADDRESS;
    char shown[HYPERCALL_MAX_STRING * EXIT_LOG_ESCAPE_WIDTH + 1];
    exit_log_escape(shown, sizeof shown, label, strlen(label));
    exit_log("guest: %s = 0x%lx\n", shown, v->gpr[GPR_RSI]);
    return HYPERCALL_OK;
}

/* Outside 64-bit mode only the low 32 bits of a register are the guest's. */
static void truncate_arguments(struct vcpu *v)
{
    if (!(vmcs_read(GUEST_IA32_EFER) & EFER_LMA))
        for (unsigned r = GPR_RAX; r < GPR_COUNT; r++)
            v->gpr[r] &= LOW_32_BITS;
}

enum exit_action handle_vmcall(struct vcpu *v)
{
    unsigned cpl = vcpu_cpl();
    if (cpl > 0)
        return vcpu_inject_fault(VECTOR_UD, "vmcall: a hypercall from CPL %u at RIP 0x%lx, "
                                 "refused: #UD\n", cpl, vmcs_read(GUEST_RIP));
    truncate_arguments(v);
    uint64_t function = v->gpr[GPR_RAX];
    switch (function) {
    case HYPERCALL_NOP:
        v->gpr[GPR_RAX] = HYPERCALL_OK;
        break;
    case HYPERCALL_PRINT:
        v->gpr[GPR_RAX] = hypercall_print(v);
        break;
    case HYPERCALL_REPORT:
        v->gpr[GPR_RAX] = hypercall_report(v);
        break;
    case HYPERCALL_MEASURE_BEGIN: {
        char label[MEASURE_LABEL];
        if (!guest_read_string(v->gpr[GPR_RDI], label, sizeof label)) {
            v->gpr[GPR_RAX] = HYPERCALL_BAD_ADDRESS;
            break;
        }
        measure_begin(label, v->exits);
        v->gpr[GPR_RAX] = HYPERCALL_OK;
        break;
    }
    case HYPERCALL_MEASURE_END:
        measure_end(v->gpr[GPR_RDI], v->exits);
        v->gpr[GPR_RAX] = HYPERCALL_OK;
        break;
    case HYPERCALL_EXIT: {
        uint64_t status = v->gpr[GPR_RDI];
        kprintf("vmcall: the guest exits with status %lu\n", status);
        if (status == 0)
            return vcpu_end(v, true, "the guest exited with status 0");
        return vcpu_end(v, false, "the guest exited with status %lu", status);
    }
    default:
        exit_log("vmcall: unknown hypercall %lu\n", function);
        v->gpr[GPR_RAX] = HYPERCALL_UNKNOWN;
        break;
    }
    if (v->gpr[GPR_RAX] == HYPERCALL_BAD_ADDRESS)
        exit_log("vmcall: hypercall %lu: argument outside guest memory\n", function);
    vcpu_skip_instruction();
    return EXIT_RESUME;
}
