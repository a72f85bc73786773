/* SPDX-License-Identifier: MIT */
/* INVD exits unconditionally. On bare metal it drops the caches without
 * writing them back; here the caches hold the hypervisor's data too, so
 * the hypervisor does what the guest can rely on, WBINVD (write back, then
 * invalidate): no guest can tell, since what INVD drops is undefined. */
#include "exit_log.h"
#include "exits.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"

enum exit_action handle_invd(struct vcpu *v)
{
    (void)v;
    exit_log("invd: the guest executed INVD at RIP 0x%lx; done as WBINVD\n",
             vmcs_read(GUEST_RIP));
    __asm__ volatile("wbinvd" ::: "memory");
    vcpu_skip_instruction();
    return EXIT_RESUME;
}
