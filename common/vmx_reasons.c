/* SPDX-License-Identifier: MIT */
/* Names of basic exit reasons and VM-instruction errors, in the words of
 * Intel SDM Vol. 3D, Appendix C, "VMX Basic Exit Reasons", and Vol. 3C,
 * "VM Instruction Error Numbers". */
#include <stddef.h>
#include <stdint.h>

#include "vmx/vmx_reasons.h"

static const char *const exit_reason_names[EXIT_REASON_COUNT] = {
    [EXIT_REASON_EXCEPTION_OR_NMI] =
        "Exception or non-maskable interrupt (NMI)",
    [EXIT_REASON_EXTERNAL_INTERRUPT] = "External interrupt",
    [EXIT_REASON_TRIPLE_FAULT] = "Triple fault",
    [EXIT_REASON_INIT_SIGNAL] = "INIT signal",
    [EXIT_REASON_START_UP_IPI] = "Start-up IPI (SIPI)",
    [EXIT_REASON_IO_SMI] = "I/O system-management interrupt (SMI)",
    [EXIT_REASON_OTHER_SMI] = "Other SMI",
    [EXIT_REASON_INTERRUPT_WINDOW] = "Interrupt window",
    [EXIT_REASON_NMI_WINDOW] = "NMI window",
    [EXIT_REASON_TASK_SWITCH] = "Task switch",
    [EXIT_REASON_CPUID] = "CPUID",
    [EXIT_REASON_GETSEC] = "GETSEC",
    [EXIT_REASON_HLT] = "HLT",
    [EXIT_REASON_INVD] = "INVD",
    [EXIT_REASON_INVLPG] = "INVLPG",
    [EXIT_REASON_RDPMC] = "RDPMC",
    [EXIT_REASON_RDTSC] = "RDTSC",
    [EXIT_REASON_RSM] = "RSM",
    [EXIT_REASON_VMCALL] = "VMCALL",
    [EXIT_REASON_VMCLEAR] = "VMCLEAR",
    [EXIT_REASON_VMLAUNCH] = "VMLAUNCH",
    [EXIT_REASON_VMPTRLD] = "VMPTRLD",
    [EXIT_REASON_VMPTRST] = "VMPTRST",
    [EXIT_REASON_VMREAD] = "VMREAD",
    [EXIT_REASON_VMRESUME] = "VMRESUME",
    [EXIT_REASON_VMWRITE] = "VMWRITE",
    [EXIT_REASON_VMXOFF] = "VMXOFF",
    [EXIT_REASON_VMXON] = "VMXON",
    [EXIT_REASON_CONTROL_REGISTER_ACCESSES] = "Control-register accesses",
    [EXIT_REASON_MOV_DR] = "MOV DR",
    [EXIT_REASON_IO_INSTRUCTION] = "I/O instruction",
    [EXIT_REASON_RDMSR] = "RDMSR",
    [EXIT_REASON_WRMSR] = "WRMSR",
    [EXIT_REASON_VM_ENTRY_FAILURE_INVALID_GUEST_STATE] =
        "VM-entry failure due to invalid guest state",
    [EXIT_REASON_VM_ENTRY_FAILURE_MSR_LOADING] =
        "VM-entry failure due to MSR loading",
    [EXIT_REASON_MWAIT] = "MWAIT",
    [EXIT_REASON_MONITOR_TRAP_FLAG] = "Monitor trap flag",
    [EXIT_REASON_MONITOR] = "MONITOR",
    [EXIT_REASON_PAUSE] = "PAUSE",
    [EXIT_REASON_VM_ENTRY_FAILURE_MACHINE_CHECK_EVENT] =
        "VM-entry failure due to machine-check event",
    [EXIT_REASON_TPR_BELOW_THRESHOLD] = "TPR below threshold",
    [EXIT_REASON_APIC_ACCESS] = "APIC access",
    [EXIT_REASON_VIRTUALIZED_EOI] = "Virtualized EOI",
    [EXIT_REASON_ACCESS_TO_GDTR_OR_IDTR] = "Access to GDTR or IDTR",
    [EXIT_REASON_ACCESS_TO_LDTR_OR_TR] = "Access to LDTR or TR",
    [EXIT_REASON_EPT_VIOLATION] = "EPT violation",
    [EXIT_REASON_EPT_MISCONFIGURATION] = "EPT misconfiguration",
    [EXIT_REASON_INVEPT] = "INVEPT",
    [EXIT_REASON_RDTSCP] = "RDTSCP",
    [EXIT_REASON_VMX_PREEMPTION_TIMER_EXPIRED] = "VMX-preemption timer expired",
    [EXIT_REASON_INVVPID] = "INVVPID",
    [EXIT_REASON_WBINVD_OR_WBNOINVD] = "WBINVD or WBNOINVD",
    [EXIT_REASON_XSETBV] = "XSETBV",
    [EXIT_REASON_APIC_WRITE] = "APIC write",
    [EXIT_REASON_RDRAND] = "RDRAND",
    [EXIT_REASON_INVPCID] = "INVPCID",
    [EXIT_REASON_VMFUNC] = "VMFUNC",
    [EXIT_REASON_ENCLS] = "ENCLS",
    [EXIT_REASON_RDSEED] = "RDSEED",
    [EXIT_REASON_PAGE_MODIFICATION_LOG_FULL] = "Page-modification log full",
    [EXIT_REASON_XSAVES] = "XSAVES",
    [EXIT_REASON_XRSTORS] = "XRSTORS",
    [EXIT_REASON_PCONFIG] = "PCONFIG",
    [EXIT_REASON_SPP_RELATED_EVENT] = "SPP-related event",
    [EXIT_REASON_UMWAIT] = "UMWAIT",
    [EXIT_REASON_TPAUSE] = "TPAUSE",
    [EXIT_REASON_LOADIWKEY] = "LOADIWKEY",
    [EXIT_REASON_ENCLV] = "ENCLV",
    [EXIT_REASON_ENQCMD_PASID_TRANSLATION_FAILURE] =
        "ENQCMD PASID translation failure",
    [EXIT_REASON_ENQCMDS_PASID_TRANSLATION_FAILURE] =
        "ENQCMDS PASID translation failure",
    [EXIT_REASON_BUS_LOCK] = "Bus lock",
    [EXIT_REASON_INSTRUCTION_TIMEOUT] = "Instruction timeout",
    [EXIT_REASON_SEAMCALL] = "SEAMCALL",
    [EXIT_REASON_TDCALL] = "TDCALL",
};

static const char *const vm_instruction_error_names[] = {
    [VM_INSTRUCTION_ERROR_VMCALL_IN_VMX_ROOT_OPERATION] =
        "VMCALL executed in VMX root operation",
    [VM_INSTRUCTION_ERROR_VMCLEAR_INVALID_PHYSICAL_ADDRESS] =
        "VMCLEAR with invalid physical address",
    [VM_INSTRUCTION_ERROR_VMCLEAR_VMXON_POINTER] = "VMCLEAR with VMXON pointer",
    [VM_INSTRUCTION_ERROR_VMLAUNCH_NON_CLEAR_VMCS] =
        "VMLAUNCH with non-clear VMCS",
    [VM_INSTRUCTION_ERROR_VMRESUME_NON_LAUNCHED_VMCS] =
        "VMRESUME with non-launched VMCS",
    [VM_INSTRUCTION_ERROR_VMRESUME_AFTER_VMXOFF] = "VMRESUME after VMXOFF",
    [VM_INSTRUCTION_ERROR_VM_ENTRY_INVALID_CONTROL_FIELDS] =
        "VM entry with invalid control field(s)",
    [VM_INSTRUCTION_ERROR_VM_ENTRY_INVALID_HOST_STATE_FIELDS] =
        "VM entry with invalid host-state field(s)",
    [VM_INSTRUCTION_ERROR_VMPTRLD_INVALID_PHYSICAL_ADDRESS] =
        "VMPTRLD with invalid physical address",
    [VM_INSTRUCTION_ERROR_VMPTRLD_VMXON_POINTER] = "VMPTRLD with VMXON pointer",
    [VM_INSTRUCTION_ERROR_VMPTRLD_INCORRECT_VMCS_REVISION_ID] =
        "VMPTRLD with incorrect VMCS revision identifier",
    [VM_INSTRUCTION_ERROR_UNSUPPORTED_VMCS_COMPONENT] =
        "VMREAD/VMWRITE from/to unsupported VMCS component",
    [VM_INSTRUCTION_ERROR_VMWRITE_READ_ONLY_VMCS_COMPONENT] =
        "VMWRITE to read-only VMCS component",
    [VM_INSTRUCTION_ERROR_VMXON_IN_VMX_ROOT_OPERATION] =
        "VMXON executed in VMX root operation",
    [VM_INSTRUCTION_ERROR_VM_ENTRY_INVALID_EXECUTIVE_VMCS_POINTER] =
        "VM entry with invalid executive-VMCS pointer",
    [VM_INSTRUCTION_ERROR_VM_ENTRY_NON_LAUNCHED_EXECUTIVE_VMCS] =
        "VM entry with non-launched executive VMCS",
    [VM_INSTRUCTION_ERROR_VM_ENTRY_EXECUTIVE_VMCS_POINTER_NOT_VMXON] =
        "VM entry with executive-VMCS pointer not VMXON pointer",
    [VM_INSTRUCTION_ERROR_VMCALL_NON_CLEAR_VMCS] = "VMCALL with non-clear VMCS",
    [VM_INSTRUCTION_ERROR_VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS] =
        "VMCALL with invalid VM-exit control fields",
    [VM_INSTRUCTION_ERROR_VMCALL_INCORRECT_MSEG_REVISION_ID] =
        "VMCALL with incorrect MSEG revision identifier",
    [VM_INSTRUCTION_ERROR_VMXOFF_UNDER_DUAL_MONITOR_TREATMENT] =
        "VMXOFF under dual-monitor treatment of SMIs and SMM",
    [VM_INSTRUCTION_ERROR_VMCALL_INVALID_SMM_MONITOR_FEATURES] =
        "VMCALL with invalid SMM-monitor features",
    [VM_INSTRUCTION_ERROR_VM_ENTRY_INVALID_EXECUTIVE_VM_EXECUTION_CONTROLS] =
        "VM entry with invalid VM-execution control fields in executive VMCS",
    [VM_INSTRUCTION_ERROR_VM_ENTRY_EVENTS_BLOCKED_BY_MOV_SS] =
        "VM entry with events blocked by MOV SS",
    [VM_INSTRUCTION_ERROR_INVALID_OPERAND_TO_INVEPT_INVVPID] =
        "Invalid operand to INVEPT/INVVPID",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *exit_reason_name(uint32_t basic_reason)
{
    if (basic_reason >= ARRAY_LEN(exit_reason_names) ||
        exit_reason_names[basic_reason] == NULL)
        return "unknown exit reason";
    return exit_reason_names[basic_reason];
}

const char *vm_instruction_error_name(uint32_t error)
{
    if (error >= ARRAY_LEN(vm_instruction_error_names) ||
        vm_instruction_error_names[error] == NULL)
        return "unknown VM-instruction error";
    return vm_instruction_error_names[error];
}
