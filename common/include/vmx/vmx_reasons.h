/* SPDX-License-Identifier: MIT */
/** @file vmx/vmx_reasons.h
 *  Basic exit reasons (Intel SDM Vol. 3D, Appendix C, "VMX Basic Exit
 *  Reasons") and VM-instruction error numbers (Intel SDM Vol. 3C, "VM
 *  Instruction Error Numbers"), with their names in the SDM's words. */
#pragma once
#include <stdint.h>

#define EXIT_REASON_EXCEPTION_OR_NMI                         0
#define EXIT_REASON_EXTERNAL_INTERRUPT                       1
#define EXIT_REASON_TRIPLE_FAULT                             2
#define EXIT_REASON_INIT_SIGNAL                              3
#define EXIT_REASON_START_UP_IPI                             4
#define EXIT_REASON_IO_SMI                                   5
#define EXIT_REASON_OTHER_SMI                                6
#define EXIT_REASON_INTERRUPT_WINDOW                         7
#define EXIT_REASON_NMI_WINDOW                               8
#define EXIT_REASON_TASK_SWITCH                              9
#define EXIT_REASON_CPUID                                    10
#define EXIT_REASON_GETSEC                                   11
#define EXIT_REASON_HLT                                      12
#define EXIT_REASON_INVD                                     13
#define EXIT_REASON_INVLPG                                   14
#define EXIT_REASON_RDPMC                                    15
#define EXIT_REASON_RDTSC                                    16
#define EXIT_REASON_RSM                                      17
#define EXIT_REASON_VMCALL                                   18
#define EXIT_REASON_VMCLEAR                                  19
#define EXIT_REASON_VMLAUNCH                                 20
#define EXIT_REASON_VMPTRLD                                  21
#define EXIT_REASON_VMPTRST                                  22
#define EXIT_REASON_VMREAD                                   23
#define EXIT_REASON_VMRESUME                                 24
#define EXIT_REASON_VMWRITE                                  25
#define EXIT_REASON_VMXOFF                                   26
#define EXIT_REASON_VMXON                                    27
#define EXIT_REASON_CONTROL_REGISTER_ACCESSES                28
#define EXIT_REASON_MOV_DR                                   29
#define EXIT_REASON_IO_INSTRUCTION                           30
#define EXIT_REASON_RDMSR                                    31
#define EXIT_REASON_WRMSR                                    32
#define EXIT_REASON_VM_ENTRY_FAILURE_INVALID_GUEST_STATE     33
#define EXIT_REASON_VM_ENTRY_FAILURE_MSR_LOADING             34
#define EXIT_REASON_MWAIT                                    36
#define EXIT_REASON_MONITOR_TRAP_FLAG                        37
#define EXIT_REASON_MONITOR                                  39
#define EXIT_REASON_PAUSE                                    40
#define EXIT_REASON_VM_ENTRY_FAILURE_MACHINE_CHECK_EVENT     41
#define EXIT_REASON_TPR_BELOW_THRESHOLD                      43
#define EXIT_REASON_APIC_ACCESS                              44
#define EXIT_REASON_VIRTUALIZED_EOI                          45
#define EXIT_REASON_ACCESS_TO_GDTR_OR_IDTR                   46
#define EXIT_REASON_ACCESS_TO_LDTR_OR_TR                     47
#define EXIT_REASON_EPT_VIOLATION                            48
#define EXIT_REASON_EPT_MISCONFIGURATION                     49
#define EXIT_REASON_INVEPT                                   50
#define EXIT_REASON_RDTSCP                                   51
#define EXIT_REASON_VMX_PREEMPTION_TIMER_EXPIRED             52
#define EXIT_REASON_INVVPID                                  53
#define EXIT_REASON_WBINVD_OR_WBNOINVD                       54
#define EXIT_REASON_XSETBV                                   55
#define EXIT_REASON_APIC_WRITE                               56
#define EXIT_REASON_RDRAND                                   57
#define EXIT_REASON_INVPCID                                  58
#define EXIT_REASON_VMFUNC                                   59
#define EXIT_REASON_ENCLS                                    60
#define EXIT_REASON_RDSEED                                   61
#define EXIT_REASON_PAGE_MODIFICATION_LOG_FULL               62
#define EXIT_REASON_XSAVES                                   63
#define EXIT_REASON_XRSTORS                                  64
#define EXIT_REASON_PCONFIG                                  65
#define EXIT_REASON_SPP_RELATED_EVENT                        66
#define EXIT_REASON_UMWAIT                                   67
#define EXIT_REASON_TPAUSE                                   68
#define EXIT_REASON_LOADIWKEY                                69
#define EXIT_REASON_ENCLV                                    70
#define EXIT_REASON_ENQCMD_PASID_TRANSLATION_FAILURE         72
#define EXIT_REASON_ENQCMDS_PASID_TRANSLATION_FAILURE        73
#define EXIT_REASON_BUS_LOCK                                 74
#define EXIT_REASON_INSTRUCTION_TIMEOUT                      75
#define EXIT_REASON_SEAMCALL                                 76
#define EXIT_REASON_TDCALL                                   77
#define EXIT_REASON_COUNT                                    78

#define VM_INSTRUCTION_ERROR_VMCALL_IN_VMX_ROOT_OPERATION                     1
#define VM_INSTRUCTION_ERROR_VMCLEAR_INVALID_PHYSICAL_ADDRESS                 2
#define VM_INSTRUCTION_ERROR_VMCLEAR_VMXON_POINTER                            3
#define VM_INSTRUCTION_ERROR_VMLAUNCH_NON_CLEAR_VMCS                          4
#define VM_INSTRUCTION_ERROR_VMRESUME_NON_LAUNCHED_VMCS                       5
#define VM_INSTRUCTION_ERROR_VMRESUME_AFTER_VMXOFF                            6
#define VM_INSTRUCTION_ERROR_VM_ENTRY_INVALID_CONTROL_FIELDS                  7
#define VM_INSTRUCTION_ERROR_VM_ENTRY_INVALID_HOST_STATE_FIELDS               8
#define VM_INSTRUCTION_ERROR_VMPTRLD_INVALID_PHYSICAL_ADDRESS                 9
#define VM_INSTRUCTION_ERROR_VMPTRLD_VMXON_POINTER                            10
#define VM_INSTRUCTION_ERROR_VMPTRLD_INCORRECT_VMCS_REVISION_ID               11
#define VM_INSTRUCTION_ERROR_UNSUPPORTED_VMCS_COMPONENT                       12
#define VM_INSTRUCTION_ERROR_VMWRITE_READ_ONLY_VMCS_COMPONENT                 13
#define VM_INSTRUCTION_ERROR_VMXON_IN_VMX_ROOT_OPERATION                      15
#define VM_INSTRUCTION_ERROR_VM_ENTRY_INVALID_EXECUTIVE_VMCS_POINTER          16
#define VM_INSTRUCTION_ERROR_VM_ENTRY_NON_LAUNCHED_EXECUTIVE_VMCS             17
#define VM_INSTRUCTION_ERROR_VM_ENTRY_EXECUTIVE_VMCS_POINTER_NOT_VMXON        18
#define VM_INSTRUCTION_ERROR_VMCALL_NON_CLEAR_VMCS                            19
#define VM_INSTRUCTION_ERROR_VMCALL_INVALID_VM_EXIT_CONTROL_FIELDS            20
#define VM_INSTRUCTION_ERROR_VMCALL_INCORRECT_MSEG_REVISION_ID                22
#define VM_INSTRUCTION_ERROR_VMXOFF_UNDER_DUAL_MONITOR_TREATMENT              23
#define VM_INSTRUCTION_ERROR_VMCALL_INVALID_SMM_MONITOR_FEATURES              24
#define VM_INSTRUCTION_ERROR_VM_ENTRY_INVALID_EXECUTIVE_VM_EXECUTION_CONTROLS 25
#define VM_INSTRUCTION_ERROR_VM_ENTRY_EVENTS_BLOCKED_BY_MOV_SS                26
#define VM_INSTRUCTION_ERROR_INVALID_OPERAND_TO_INVEPT_INVVPID                28

/** The SDM's name for a basic exit reason (bits 15:0 of the exit-reason
 *  field), or "unknown exit reason". */
const char *exit_reason_name(uint32_t basic_reason);

/** The SDM's description of a VM-instruction error number, or "unknown
 *  VM-instruction error". */
const char *vm_instruction_error_name(uint32_t error);
