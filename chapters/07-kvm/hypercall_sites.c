/* SPDX-License-Identifier: MIT */
/* How a VMCALL reaches this process. On bare metal VMCALL always exits
 * ("Instructions That Cause VM Exits Unconditionally"); under KVM the exit
 * goes to KVM, which keeps it (Documentation/virt/kvm/api.rst and
 * x86/hypercalls.rst): it serves its own KVM_HC_* functions, numbered
 * from RAX like stepvisor's, and answers -KVM_ENOSYS to the rest. The
 * documented ways to user space, measured on this project's host (Linux
 * 6.18, AMD, KVM's PVM back end):
 *   KVM_CAP_EXIT_HYPERCALL   offers only KVM_HC_MAP_GPA_RANGE (mask 0x1000)
 *   KVM_CAP_XEN_HVM          0: no CONFIG_KVM_XEN (where it is on,
 *                            KVM_XEN_HVM_CONFIG_INTERCEPT_HCALL hands every
 *                            VMCALL over as KVM_EXIT_XEN)
 *   VMCALL, default quirks   KVM_RUN does not return: the vCPU spins in KVM
 *   FIX_HYPERCALL_INSN off   #UD is injected into the guest, not reported
 *   KVM_GUESTDBG_USE_SW_BP   INT3 still goes to the guest
 *   KVM_GUESTDBG_USE_HW_BP   works, but 4 debug registers for 11 VMCALLs
 * So the VMM does what KVM itself does on AMD CPUs, where VMCALL is an
 * invalid opcode: it rewrites the instruction in guest memory (KVM writes
 * VMMCALL over it: KVM_X86_QUIRK_FIX_HYPERCALL_INSN). Here it writes HLT
 * and two NOPs, because a HLT always reaches user space when KVM has no
 * in-kernel interrupt controller. The image on disk is chapter 4's,
 * unchanged. The price: a guest that reads its own code sees HLT, and a
 * VMCALL from CPL 3 becomes #GP where the CPU would raise #UD. */
#include "hypercall_sites.h"
#include <string.h>
#include "run_end.h"

#define MAX_SITES 64
#define HLT 0xF4
#define NOP 0x90

static const uint8_t vmcall[VMCALL_BYTES] = {0x0F, 0x01, 0xC1};
static const uint8_t replacement[VMCALL_BYTES] = {HLT, NOP, NOP};
static uint64_t sites[MAX_SITES];
static unsigned count;

void hypercall_sites_rewrite(uint8_t *image, uint64_t size, uint64_t gpa)
{
    for (uint64_t i = 0; i + VMCALL_BYTES <= size; i++)
        if (!memcmp(image + i, vmcall, VMCALL_BYTES)) {
            if (count == MAX_SITES)
                run_fail("the guest image has more than %d VMCALLs", MAX_SITES);
            memcpy(image + i, replacement, VMCALL_BYTES);
            sites[count++] = gpa + i;
        }
}

bool hypercall_site(uint64_t gpa)
{
    for (unsigned i = 0; i < count; i++)
        if (sites[i] == gpa)
            return true;
    return false;
}

unsigned hypercall_sites_count(void)
{
    return count;
}
