/* SPDX-License-Identifier: MIT */
/* KVM_EXIT_SHUTDOWN: the guest faulted while delivering a double fault (a
 * triple fault), or otherwise shut down. A real PC would reset; here the
 * guest ends, by name, with its registers shown. */
#include "exits.h"
#include "printf.h"

enum exit_action handle_shutdown(struct vcpu *v)
{
    kprintf("KVM_EXIT_SHUTDOWN: vcpu %u shut down (a triple fault)\n", v->id);
    vcpu_dump_registers(v);
    return vcpu_end(v, false, "the guest shut down (triple fault)");
}
