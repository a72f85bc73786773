/* SPDX-License-Identifier: MIT */
/* KVM_EXIT_INTERNAL_ERROR: KVM could not finish an exit itself, most
 * often an instruction its emulator does not know (on an access to memory
 * no slot holds, say). The suberror says which; the data words are KVM's. */
#include "exits.h"
#include "printf.h"

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

enum exit_action handle_internal_error(struct vcpu *v)
{
    uint32_t s = v->run->internal.suberror;
    kprintf("KVM_EXIT_INTERNAL_ERROR: suberror %u (%s),", s, suberror_name(s));
    for (uint32_t i = 0; i < v->run->internal.ndata && i < 4; i++)
        kprintf(" 0x%llx", v->run->internal.data[i]);
    kprintf("\n");
    vcpu_dump_registers(v);
    return vcpu_end(v, false, "KVM internal error %u (%s)", s, suberror_name(s));
}
