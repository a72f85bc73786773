/* SPDX-License-Identifier: MIT */
/* VMCALL: the guest asks for a service (abi/hypercall.h). It arrives as a
 * HLT exit at a rewritten site (hypercall_sites.c says why): the function
 * in RAX, the arguments in RDI and RSI, as in chapter 4; the result goes
 * to RAX with KVM_SET_REGS, RIP already past the 3 bytes. Outside 64-bit
 * mode only the low 32 bits of a register are the guest's. A rewritten
 * site at CPL 3 faults (#GP) before it exits, so every call here is the
 * guest kernel's. The text a guest sends is printed escaped, after
 * "guest: ", so it cannot pose as the verdict. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include "exit_log.h"
#include "exits.h"
#include "guest_memory.h"
#include "abi/hypercall.h"
#include "measure.h"
#include "printf.h"
#include "x86.h"

static uint64_t hypercall_print(uint64_t address, uint64_t len)
{
    char text[HYPERCALL_MAX_STRING + 1];
    if (len > HYPERCALL_MAX_STRING || !guest_read(address, text, len))
        return HYPERCALL_BAD_ADDRESS;
    exit_log_guest_text("guest", text, len);
    return HYPERCALL_OK;
}

static uint64_t hypercall_report(uint64_t address, uint64_t value)
{
    char label[HYPERCALL_MAX_STRING];
    if (!guest_read_string(address, label, sizeof label))
        return HYPERCALL_BAD_ADDRESS;
    char shown[HYPERCALL_MAX_STRING * EXIT_LOG_ESCAPE_WIDTH + 1];
    exit_log_escape(shown, sizeof shown, label, strlen(label));
    exit_log("guest: %s = 0x%lx\n", shown, value);
    return HYPERCALL_OK;
}

static uint64_t serve(struct vcpu *v, uint64_t function, uint64_t rdi, uint64_t rsi)
{
    uint64_t result = HYPERCALL_OK;
    switch (function) {
    case HYPERCALL_NOP:
        break;
    case HYPERCALL_PRINT:
        result = hypercall_print(rdi, rsi);
        break;
    case HYPERCALL_REPORT:
        result = hypercall_report(rdi, rsi);
        break;
    case HYPERCALL_MEASURE_BEGIN: {
        char label[MEASURE_LABEL];
        if (!guest_read_string(rdi, label, sizeof label)) {
            result = HYPERCALL_BAD_ADDRESS;
            break;
        }
        measure_begin(label, v->exits);
        break;
    }
    case HYPERCALL_MEASURE_END:
        measure_end(rdi, v->exits);
        break;
    default:
        exit_log("vmcall: unknown hypercall %lu\n", function);
        result = HYPERCALL_UNKNOWN;
        break;
    }
    if (result == HYPERCALL_BAD_ADDRESS)
        exit_log("vmcall: hypercall %lu: argument outside guest memory\n", function);
    return result;
}

enum exit_action handle_vmcall(struct vcpu *v, struct kvm_regs *regs, bool long_mode)
{
    uint64_t mask = long_mode ? ~0ull : LOW_32_BITS;
    uint64_t function = regs->rax & mask, rdi = regs->rdi & mask, rsi = regs->rsi & mask;
    if (function == HYPERCALL_EXIT) {
        kprintf("vmcall: the guest exits with status %lu\n", rdi);
        if (rdi == 0)
            return vcpu_end(v, true, "the guest exited with status 0");
        return vcpu_end(v, false, "the guest exited with status %lu", rdi);
    }
    regs->rax = serve(v, function, rdi, rsi);
    if (ioctl(v->fd, KVM_SET_REGS, regs) < 0)
        return vcpu_end(v, false, "KVM_SET_REGS: %s", strerror(errno));
    return EXIT_RESUME;
}
