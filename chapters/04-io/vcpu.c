/* Small operations on the virtual CPU that every exit handler needs. */
#include "vcpu.h"
#include "printf.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

void vcpu_skip_instruction(void)
{
    /* Valid for exits caused by instructions ("VM-Exit Instruction Length"). */
    vmcs_write(GUEST_RIP, vmcs_read(GUEST_RIP) + vmcs_read(VM_EXIT_INSTRUCTION_LENGTH));
}

void vcpu_inject_exception(unsigned vector, bool has_error_code, uint32_t error_code)
{
    /* "VM-Entry Controls for Event Injection": a fault is delivered at the
     * guest's RIP, as if the instruction there had raised it. */
    uint32_t info = vector | (INTR_TYPE_HARDWARE_EXCEPTION << INTR_INFO_TYPE_SHIFT) |
                    INTR_INFO_VALID;
    if (has_error_code) {
        info |= INTR_INFO_DELIVER_ERROR_CODE;
        vmcs_write(VM_ENTRY_EXCEPTION_ERROR_CODE, error_code);
    }
    vmcs_write(VM_ENTRY_INTERRUPTION_INFORMATION_FIELD, info);
}

enum exit_action vcpu_end(struct vcpu *v, bool ok, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(v->outcome, sizeof v->outcome, fmt, ap);
    va_end(ap);
    v->guest_ok = ok;
    return EXIT_GUEST_DONE;
}

void vcpu_dump_registers(const struct vcpu *v)
{
    kprintf("guest registers:\n");
    kprintf("  RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", v->gpr[GPR_RAX],
            v->gpr[GPR_RBX], v->gpr[GPR_RCX], v->gpr[GPR_RDX]);
    kprintf("  RSI %016lx RDI %016lx RBP %016lx RSP %016lx\n", v->gpr[GPR_RSI],
            v->gpr[GPR_RDI], v->gpr[GPR_RBP], vmcs_read(GUEST_RSP));
    kprintf("  R8  %016lx R9  %016lx R10 %016lx R11 %016lx\n", v->gpr[GPR_R8],
            v->gpr[GPR_R9], v->gpr[GPR_R10], v->gpr[GPR_R11]);
    kprintf("  R12 %016lx R13 %016lx R14 %016lx R15 %016lx\n", v->gpr[GPR_R12],
            v->gpr[GPR_R13], v->gpr[GPR_R14], v->gpr[GPR_R15]);
    kprintf("  RIP %016lx RFLAGS %016lx\n", vmcs_read(GUEST_RIP),
            vmcs_read(GUEST_RFLAGS));
}

uint64_t vcpu_gpr_read(const struct vcpu *v, unsigned n)
{
    return n == GPR_RSP ? vmcs_read(GUEST_RSP) : v->gpr[n % GPR_COUNT];
}

void vcpu_gpr_write(struct vcpu *v, unsigned n, uint64_t value)
{
    if (n == GPR_RSP)
        vmcs_write(GUEST_RSP, value);
    else
        v->gpr[n % GPR_COUNT] = value;
}
