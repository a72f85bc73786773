// sources: common/vmx_reasons.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of the exit-reason and VM-instruction-error names. */
#include "check.h"
#include "vmx/vmx_reasons.h"

int main(void)
{
    CHECK_STR(exit_reason_name(0), "Exception or non-maskable interrupt (NMI)");
    CHECK_STR(exit_reason_name(EXIT_REASON_CPUID), "CPUID");
    CHECK_STR(exit_reason_name(10), "CPUID");
    CHECK_STR(exit_reason_name(18), "VMCALL");
    CHECK_STR(exit_reason_name(30), "I/O instruction");
    CHECK_STR(exit_reason_name(33),
              "VM-entry failure due to invalid guest state");
    CHECK_STR(exit_reason_name(48), "EPT violation");
    CHECK_STR(exit_reason_name(52), "VMX-preemption timer expired");
    CHECK_STR(exit_reason_name(77), "TDCALL");
    CHECK_STR(exit_reason_name(35), "unknown exit reason");
    CHECK_STR(exit_reason_name(71), "unknown exit reason");
    CHECK_STR(exit_reason_name(EXIT_REASON_COUNT), "unknown exit reason");
    CHECK_STR(exit_reason_name(1000), "unknown exit reason");

    CHECK_STR(vm_instruction_error_name(7),
              "VM entry with invalid control field(s)");
    CHECK_STR(vm_instruction_error_name(8),
              "VM entry with invalid host-state field(s)");
    CHECK_STR(vm_instruction_error_name(12),
              "VMREAD/VMWRITE from/to unsupported VMCS component");
    CHECK_STR(vm_instruction_error_name(28),
              "Invalid operand to INVEPT/INVVPID");
    CHECK_STR(vm_instruction_error_name(0), "unknown VM-instruction error");
    CHECK_STR(vm_instruction_error_name(14), "unknown VM-instruction error");
    CHECK_STR(vm_instruction_error_name(29), "unknown VM-instruction error");

    return CHECK_DONE("test_vmx_reasons");
}
