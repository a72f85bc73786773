/* SPDX-License-Identifier: MIT */
/* KVM_EXIT_X86_RDMSR and KVM_EXIT_X86_WRMSR: KVM answers every MSR itself
 * but the two the MSR filter denies it (vpc.c), which belong to the local
 * APIC in this process: IA32_APIC_BASE and IA32_TSC_DEADLINE. kvm_run's
 * msr.error set makes KVM raise #GP in the guest, as the CPU would. */
#include "exits.h"
#include "printf.h"
#include "vpc.h"

enum exit_action handle_rdmsr(struct vcpu *v)
{
    uint64_t value;
    v->run->msr.error = vpc_read_msr(v->run->msr.index, &value) != VPC_MSR_DONE;
    v->run->msr.data = value;
    return EXIT_RESUME;
}

enum exit_action handle_wrmsr(struct vcpu *v)
{
    uint64_t value = v->run->msr.data;
    enum vpc_msr done = vpc_write_msr(v->run->msr.index, value);
    if (done == VPC_MSR_APIC_MOVED) {
        kprintf("msr: the guest moves its local APIC to 0x%lx; not emulated\n", value);
        return vcpu_end(v, false, "guest moved its local APIC (IA32_APIC_BASE = 0x%lx): not "
                        "emulated", value);
    }
    v->run->msr.error = done == VPC_MSR_FAULT;
    return EXIT_RESUME;
}
