/* SPDX-License-Identifier: MIT */
/** @file vmx/vmcs_encodings.h
 *  The VMREAD/VMWRITE encoding of every VMCS field, as listed in Intel SDM
 *  Vol. 3D, Appendix B, "Field Encoding in VMCS". Names are the SDM's field
 *  names; 64-bit fields are given by their full encoding only. */
#pragma once

/* SDM Table B-1, Encoding for 16-Bit Control Fields. */
#define VIRTUAL_PROCESSOR_IDENTIFIER                          0x00000000u
#define POSTED_INTERRUPT_NOTIFICATION_VECTOR                  0x00000002u
#define EPTP_INDEX                                            0x00000004u
#define HLAT_PREFIX_SIZE                                      0x00000006u
#define LAST_PID_POINTER_INDEX                                0x00000008u

/* SDM Table B-2, Encodings for 16-Bit Guest-State Fields. */
#define GUEST_ES_SELECTOR                                     0x00000800u
#define GUEST_CS_SELECTOR                                     0x00000802u
#define GUEST_SS_SELECTOR                                     0x00000804u
#define GUEST_DS_SELECTOR                                     0x00000806u
#define GUEST_FS_SELECTOR                                     0x00000808u
#define GUEST_GS_SELECTOR                                     0x0000080Au
#define GUEST_LDTR_SELECTOR                                   0x0000080Cu
#define GUEST_TR_SELECTOR                                     0x0000080Eu
#define GUEST_INTERRUPT_STATUS                                0x00000810u
#define PML_INDEX                                             0x00000812u
#define GUEST_UINV                                            0x00000814u

/* SDM Table B-3, Encodings for 16-Bit Host-State Fields. */
#define HOST_ES_SELECTOR                                      0x00000C00u
#define HOST_CS_SELECTOR                                      0x00000C02u
#define HOST_SS_SELECTOR                                      0x00000C04u
#define HOST_DS_SELECTOR                                      0x00000C06u
#define HOST_FS_SELECTOR                                      0x00000C08u
#define HOST_GS_SELECTOR                                      0x00000C0Au
#define HOST_TR_SELECTOR                                      0x00000C0Cu

/* SDM Table B-4, Encodings for 64-Bit Control Fields (full). */
#define ADDRESS_OF_IO_BITMAP_A                                0x00002000u
#define ADDRESS_OF_IO_BITMAP_B                                0x00002002u
#define ADDRESS_OF_MSR_BITMAPS                                0x00002004u
#define VM_EXIT_MSR_STORE_ADDRESS                             0x00002006u
#define VM_EXIT_MSR_LOAD_ADDRESS                              0x00002008u
#define VM_ENTRY_MSR_LOAD_ADDRESS                             0x0000200Au
#define EXECUTIVE_VMCS_POINTER                                0x0000200Cu
#define PML_ADDRESS                                           0x0000200Eu
#define TSC_OFFSET                                            0x00002010u
#define VIRTUAL_APIC_ADDRESS                                  0x00002012u
#define APIC_ACCESS_ADDRESS                                   0x00002014u
#define POSTED_INTERRUPT_DESCRIPTOR_ADDRESS                   0x00002016u
#define VM_FUNCTION_CONTROLS                                  0x00002018u
#define EPT_POINTER                                           0x0000201Au
#define EOI_EXIT_BITMAP0                                      0x0000201Cu
#define EOI_EXIT_BITMAP1                                      0x0000201Eu
#define EOI_EXIT_BITMAP2                                      0x00002020u
#define EOI_EXIT_BITMAP3                                      0x00002022u
#define EPTP_LIST_ADDRESS                                     0x00002024u
#define VMREAD_BITMAP_ADDRESS                                 0x00002026u
#define VMWRITE_BITMAP_ADDRESS                                0x00002028u
#define VIRTUALIZATION_EXCEPTION_INFORMATION_ADDRESS          0x0000202Au
#define XSS_EXITING_BITMAP                                    0x0000202Cu
#define ENCLS_EXITING_BITMAP                                  0x0000202Eu
#define SUB_PAGE_PERMISSION_TABLE_POINTER                     0x00002030u
#define TSC_MULTIPLIER                                        0x00002032u
#define TERTIARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS        0x00002034u
#define ENCLV_EXITING_BITMAP                                  0x00002036u
#define LOW_PASID_DIRECTORY_ADDRESS                           0x00002038u
#define HIGH_PASID_DIRECTORY_ADDRESS                          0x0000203Au
#define SHARED_EPT_POINTER                                    0x0000203Cu
#define PCONFIG_EXITING_BITMAP                                0x0000203Eu
#define HYPERVISOR_MANAGED_LINEAR_ADDRESS_TRANSLATION_POINTER 0x00002040u
#define PID_POINTER_TABLE_ADDRESS                             0x00002042u
#define SECONDARY_VM_EXIT_CONTROLS                            0x00002044u
#define IA32_SPEC_CTRL_MASK                                   0x0000204Au
#define IA32_SPEC_CTRL_SHADOW                                 0x0000204Cu

/* SDM Table B-5, Encoding for 64-Bit Read-Only Data Field (full). */
#define GUEST_PHYSICAL_ADDRESS                                0x00002400u

/* SDM Table B-6, Encodings for 64-Bit Guest-State Fields (full). */
#define VMCS_LINK_POINTER                                     0x00002800u
#define GUEST_IA32_DEBUGCTL                                   0x00002802u
#define GUEST_IA32_PAT                                        0x00002804u
#define GUEST_IA32_EFER                                       0x00002806u
#define GUEST_IA32_PERF_GLOBAL_CTRL                           0x00002808u
#define GUEST_PDPTE0                                          0x0000280Au
#define GUEST_PDPTE1                                          0x0000280Cu
#define GUEST_PDPTE2                                          0x0000280Eu
#define GUEST_PDPTE3                                          0x00002810u
#define GUEST_IA32_BNDCFGS                                    0x00002812u
#define GUEST_IA32_RTIT_CTL                                   0x00002814u
#define GUEST_IA32_LBR_CTL                                    0x00002816u
#define GUEST_IA32_PKRS                                       0x00002818u

/* SDM Table B-7, Encodings for 64-Bit Host-State Fields (full). */
#define HOST_IA32_PAT                                         0x00002C00u
#define HOST_IA32_EFER                                        0x00002C02u
#define HOST_IA32_PERF_GLOBAL_CTRL                            0x00002C04u
#define HOST_IA32_PKRS                                        0x00002C06u

/* SDM Table B-8, Encodings for 32-Bit Control Fields. */
#define PIN_BASED_VM_EXECUTION_CONTROLS                       0x00004000u
#define PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS         0x00004002u
#define EXCEPTION_BITMAP                                      0x00004004u
#define PAGE_FAULT_ERROR_CODE_MASK                            0x00004006u
#define PAGE_FAULT_ERROR_CODE_MATCH                           0x00004008u
#define CR3_TARGET_COUNT                                      0x0000400Au
#define VM_EXIT_CONTROLS                                      0x0000400Cu
#define VM_EXIT_MSR_STORE_COUNT                               0x0000400Eu
#define VM_EXIT_MSR_LOAD_COUNT                                0x00004010u
#define VM_ENTRY_CONTROLS                                     0x00004012u
#define VM_ENTRY_MSR_LOAD_COUNT                               0x00004014u
#define VM_ENTRY_INTERRUPTION_INFORMATION_FIELD               0x00004016u
#define VM_ENTRY_EXCEPTION_ERROR_CODE                         0x00004018u
#define VM_ENTRY_INSTRUCTION_LENGTH                           0x0000401Au
#define TPR_THRESHOLD                                         0x0000401Cu
#define SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS       0x0000401Eu
#define PLE_GAP                                               0x00004020u
#define PLE_WINDOW                                            0x00004022u
#define INSTRUCTION_TIMEOUT_CONTROL                           0x00004024u

/* SDM Table B-9, Encodings for 32-Bit Read-Only Data Fields. */
#define VM_INSTRUCTION_ERROR                                  0x00004400u
#define EXIT_REASON                                           0x00004402u
#define VM_EXIT_INTERRUPTION_INFORMATION                      0x00004404u
#define VM_EXIT_INTERRUPTION_ERROR_CODE                       0x00004406u
#define IDT_VECTORING_INFORMATION_FIELD                       0x00004408u
#define IDT_VECTORING_ERROR_CODE                              0x0000440Au
#define VM_EXIT_INSTRUCTION_LENGTH                            0x0000440Cu
#define VM_EXIT_INSTRUCTION_INFORMATION                       0x0000440Eu

/* SDM Table B-10, Encodings for 32-Bit Guest-State Fields. */
#define GUEST_ES_LIMIT                                        0x00004800u
#define GUEST_CS_LIMIT                                        0x00004802u
#define GUEST_SS_LIMIT                                        0x00004804u
#define GUEST_DS_LIMIT                                        0x00004806u
#define GUEST_FS_LIMIT                                        0x00004808u
#define GUEST_GS_LIMIT                                        0x0000480Au
#define GUEST_LDTR_LIMIT                                      0x0000480Cu
#define GUEST_TR_LIMIT                                        0x0000480Eu
#define GUEST_GDTR_LIMIT                                      0x00004810u
#define GUEST_IDTR_LIMIT                                      0x00004812u
#define GUEST_ES_ACCESS_RIGHTS                                0x00004814u
#define GUEST_CS_ACCESS_RIGHTS                                0x00004816u
#define GUEST_SS_ACCESS_RIGHTS                                0x00004818u
#define GUEST_DS_ACCESS_RIGHTS                                0x0000481Au
#define GUEST_FS_ACCESS_RIGHTS                                0x0000481Cu
#define GUEST_GS_ACCESS_RIGHTS                                0x0000481Eu
#define GUEST_LDTR_ACCESS_RIGHTS                              0x00004820u
#define GUEST_TR_ACCESS_RIGHTS                                0x00004822u
#define GUEST_INTERRUPTIBILITY_STATE                          0x00004824u
#define GUEST_ACTIVITY_STATE                                  0x00004826u
#define GUEST_SMBASE                                          0x00004828u
#define GUEST_IA32_SYSENTER_CS                                0x0000482Au
#define VMX_PREEMPTION_TIMER_VALUE                            0x0000482Eu

/* SDM Table B-11, Encoding for 32-Bit Host-State Field. */
#define HOST_IA32_SYSENTER_CS                                 0x00004C00u

/* SDM Table B-12, Encodings for Natural-Width Control Fields. */
#define CR0_GUEST_HOST_MASK                                   0x00006000u
#define CR4_GUEST_HOST_MASK                                   0x00006002u
#define CR0_READ_SHADOW                                       0x00006004u
#define CR4_READ_SHADOW                                       0x00006006u
#define CR3_TARGET_VALUE0                                     0x00006008u
#define CR3_TARGET_VALUE1                                     0x0000600Au
#define CR3_TARGET_VALUE2                                     0x0000600Cu
#define CR3_TARGET_VALUE3                                     0x0000600Eu

/* SDM Table B-13, Encodings for Natural-Width Read-Only Data Fields. */
#define EXIT_QUALIFICATION                                    0x00006400u
#define IO_RCX                                                0x00006402u
#define IO_RSI                                                0x00006404u
#define IO_RDI                                                0x00006406u
#define IO_RIP                                                0x00006408u
#define GUEST_LINEAR_ADDRESS                                  0x0000640Au

/* SDM Table B-14, Encodings for Natural-Width Guest-State Fields. */
#define GUEST_CR0                                             0x00006800u
#define GUEST_CR3                                             0x00006802u
#define GUEST_CR4                                             0x00006804u
#define GUEST_ES_BASE                                         0x00006806u
#define GUEST_CS_BASE                                         0x00006808u
#define GUEST_SS_BASE                                         0x0000680Au
#define GUEST_DS_BASE                                         0x0000680Cu
#define GUEST_FS_BASE                                         0x0000680Eu
#define GUEST_GS_BASE                                         0x00006810u
#define GUEST_LDTR_BASE                                       0x00006812u
#define GUEST_TR_BASE                                         0x00006814u
#define GUEST_GDTR_BASE                                       0x00006816u
#define GUEST_IDTR_BASE                                       0x00006818u
#define GUEST_DR7                                             0x0000681Au
#define GUEST_RSP                                             0x0000681Cu
#define GUEST_RIP                                             0x0000681Eu
#define GUEST_RFLAGS                                          0x00006820u
#define GUEST_PENDING_DEBUG_EXCEPTIONS                        0x00006822u
#define GUEST_IA32_SYSENTER_ESP                               0x00006824u
#define GUEST_IA32_SYSENTER_EIP                               0x00006826u
#define GUEST_IA32_S_CET                                      0x00006828u
#define GUEST_SSP                                             0x0000682Au
#define GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR                   0x0000682Cu

/* SDM Table B-15, Encodings for Natural-Width Host-State Fields. */
#define HOST_CR0                                              0x00006C00u
#define HOST_CR3                                              0x00006C02u
#define HOST_CR4                                              0x00006C04u
#define HOST_FS_BASE                                          0x00006C06u
#define HOST_GS_BASE                                          0x00006C08u
#define HOST_TR_BASE                                          0x00006C0Au
#define HOST_GDTR_BASE                                        0x00006C0Cu
#define HOST_IDTR_BASE                                        0x00006C0Eu
#define HOST_IA32_SYSENTER_ESP                                0x00006C10u
#define HOST_IA32_SYSENTER_EIP                                0x00006C12u
#define HOST_RSP                                              0x00006C14u
#define HOST_RIP                                              0x00006C16u
#define HOST_IA32_S_CET                                       0x00006C18u
#define HOST_SSP                                              0x00006C1Au
#define HOST_IA32_INTERRUPT_SSP_TABLE_ADDR                    0x00006C1Cu
