/* SPDX-License-Identifier: MIT */
/* KVM_EXIT_INTERNAL_ERROR: KVM could not finish an exit itself, most
 * often an instruction its emulator does not know (on an access to memory
 * no slot holds, say). The suberror says which; the data words are KVM's.
 * Two cases are the guest's due. On this host (KVM's PVM back end), a VMX
 * instruction and an INT3 in long mode go to KVM's emulator, which has
 * neither, and come here with their bytes. The guest's CPUID says it has
 * no VMX, so the CPU would raise #UD; an INT3 raises #BP, after the
 * instruction. This VMM raises them (KVM_SET_VCPU_EVENTS), as chapter 5
 * reflected them. Measured here: a #PF while KVM delivers that #BP becomes
 * a double fault, where the CPU would deliver the #PF. */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include "exits.h"
#include "printf.h"

#define VECTOR_BP 3
#define VECTOR_UD 6
#define INT3 0xCC
#define INT3_BYTES 1
#define TWO_BYTE_OPCODE 0x0F
#define OPERAND_SIZE_PREFIX 0x66
#define REP_PREFIX 0xF3
#define REPNE_PREFIX 0xF2
#define REX_MASK 0xF0
#define REX 0x40
#define MODRM_REG(m) (((m) >> 3) & 7)
#define MODRM_REGISTER_FORM 0xC0
#define OPCODE_GROUP_7 0x01
#define MODRM_VMCALL 0xC1
#define MODRM_VMXOFF 0xC4
#define OPCODE_VMREAD 0x78
#define OPCODE_VMWRITE 0x79
#define OPCODE_GROUP_9 0xC7
#define GROUP_9_VMPTRLD 6 /* /6: VMPTRLD, VMCLEAR, VMXON; /7: VMPTRST */
#define OPCODE_ESCAPE_38 0x38
#define OPCODE_INVEPT 0x80
#define OPCODE_INVVPID 0x81

static const char *suberror_name(uint32_t s)
{
    switch (s) {
    case KVM_INTERNAL_ERROR_EMULATION: return "instruction emulation failed";
    case KVM_INTERNAL_ERROR_SIMUL_EX: return "an exception while delivering another";
    case KVM_INTERNAL_ERROR_DELIVERY_EV: return "an exit while delivering an event";
    case KVM_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON: return "an exit reason KVM does not know";
    default: return "unknown suberror";
    }
}

/* VMCALL..VMXOFF (0F 01 C1-C4), VMREAD (0F 78), VMWRITE (0F 79), VMPTRLD,
 * VMCLEAR, VMXON (0F C7 /6, memory) and VMPTRST (0F C7 /7, memory),
 * INVEPT and INVVPID (66 0F 38 80/81): Intel SDM, "VMX Instruction
 * Reference", after any prefixes. */
static bool vmx_instruction(const uint8_t *b, unsigned size)
{
    unsigned i = 0;
    while (i < size && (b[i] == OPERAND_SIZE_PREFIX || b[i] == REP_PREFIX ||
                        b[i] == REPNE_PREFIX || (b[i] & REX_MASK) == REX))
        i++;
    if (i + 2 >= size || b[i] != TWO_BYTE_OPCODE)
        return false;
    uint8_t op = b[i + 1], next = b[i + 2];
    return (op == OPCODE_GROUP_7 && next >= MODRM_VMCALL && next <= MODRM_VMXOFF) ||
           op == OPCODE_VMREAD || op == OPCODE_VMWRITE ||
           (op == OPCODE_GROUP_9 && next < MODRM_REGISTER_FORM &&
            MODRM_REG(next) >= GROUP_9_VMPTRLD) ||
           (op == OPCODE_ESCAPE_38 && (next == OPCODE_INVEPT || next == OPCODE_INVVPID));
}

static enum exit_action inject(struct vcpu *v, unsigned vector)
{
    struct kvm_vcpu_events e;
    if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &e) < 0)
        return vcpu_end(v, false, "KVM_GET_VCPU_EVENTS: %s", strerror(errno));
    e.exception.injected = 1;
    e.exception.nr = (uint8_t)vector;
    e.exception.has_error_code = 0;
    if (ioctl(v->fd, KVM_SET_VCPU_EVENTS, &e) < 0)
        return vcpu_end(v, false, "KVM_SET_VCPU_EVENTS: %s", strerror(errno));
    return EXIT_RESUME;
}

/* An INT3 is a trap: the CPU pushes the RIP after it. */
static enum exit_action raise_bp(struct vcpu *v)
{
    struct kvm_regs r;
    if (ioctl(v->fd, KVM_GET_REGS, &r) < 0)
        return vcpu_end(v, false, "KVM_GET_REGS: %s", strerror(errno));
    r.rip += INT3_BYTES;
    if (ioctl(v->fd, KVM_SET_REGS, &r) < 0)
        return vcpu_end(v, false, "KVM_SET_REGS: %s", strerror(errno));
    v->int3s++;
    return inject(v, VECTOR_BP);
}

enum exit_action handle_internal_error(struct vcpu *v)
{
    uint32_t s = v->run->internal.suberror;
    const uint8_t *bytes = v->run->emulation_failure.insn_bytes;
    unsigned size = v->run->emulation_failure.insn_size;
    if (size > sizeof v->run->emulation_failure.insn_bytes)
        size = sizeof v->run->emulation_failure.insn_bytes;
    bool has_bytes = s == KVM_INTERNAL_ERROR_EMULATION &&
                     (v->run->emulation_failure.flags &
                      KVM_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES);
    if (has_bytes && vmx_instruction(bytes, size)) {
        v->vmx_instructions++;
        return inject(v, VECTOR_UD);
    }
    if (has_bytes && size && bytes[0] == INT3)
        return raise_bp(v);
    kprintf("KVM_EXIT_INTERNAL_ERROR: suberror %u (%s),", s, suberror_name(s));
    for (uint32_t i = 0; i < v->run->internal.ndata && i < 4; i++)
        kprintf(" 0x%llx", v->run->internal.data[i]);
    kprintf("\n");
    vcpu_dump_registers(v);
    return vcpu_end(v, false, "KVM internal error %u (%s)", s, suberror_name(s));
}
