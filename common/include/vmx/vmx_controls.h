/* SPDX-License-Identifier: MIT */
/** @file vmx/vmx_controls.h
 *  Bits of the VMX control fields, and the layouts of the VM-exit
 *  information fields the chapters decode. Names follow the SDM's control
 *  names (Intel SDM Vol. 3C, "VM-Execution Control Fields", "VM-Exit Control
 *  Fields", "VM-Entry Control Fields" and "VM-Exit Information Fields"). */
#pragma once

/* SDM table "Definitions of Pin-Based VM-Execution Controls". */
#define PIN_EXTERNAL_INTERRUPT_EXITING                 (1u << 0)
#define PIN_NMI_EXITING                                (1u << 3)
#define PIN_VIRTUAL_NMIS                               (1u << 5)
#define PIN_ACTIVATE_VMX_PREEMPTION_TIMER              (1u << 6)
#define PIN_PROCESS_POSTED_INTERRUPTS                  (1u << 7)

/* SDM table "Definitions of Primary Processor-Based VM-Execution Controls". */
#define PROC_INTERRUPT_WINDOW_EXITING                  (1u << 2)
#define PROC_USE_TSC_OFFSETTING                        (1u << 3)
#define PROC_HLT_EXITING                               (1u << 7)
#define PROC_INVLPG_EXITING                            (1u << 9)
#define PROC_MWAIT_EXITING                             (1u << 10)
#define PROC_RDPMC_EXITING                             (1u << 11)
#define PROC_RDTSC_EXITING                             (1u << 12)
#define PROC_CR3_LOAD_EXITING                          (1u << 15)
#define PROC_CR3_STORE_EXITING                         (1u << 16)
#define PROC_ACTIVATE_TERTIARY_CONTROLS                (1u << 17)
#define PROC_CR8_LOAD_EXITING                          (1u << 19)
#define PROC_CR8_STORE_EXITING                         (1u << 20)
#define PROC_USE_TPR_SHADOW                            (1u << 21)
#define PROC_NMI_WINDOW_EXITING                        (1u << 22)
#define PROC_MOV_DR_EXITING                            (1u << 23)
#define PROC_UNCONDITIONAL_IO_EXITING                  (1u << 24)
#define PROC_USE_IO_BITMAPS                            (1u << 25)
#define PROC_MONITOR_TRAP_FLAG                         (1u << 27)
#define PROC_USE_MSR_BITMAPS                           (1u << 28)
#define PROC_MONITOR_EXITING                           (1u << 29)
#define PROC_PAUSE_EXITING                             (1u << 30)
#define PROC_ACTIVATE_SECONDARY_CONTROLS               (1u << 31)

/* SDM table "Definitions of Secondary Processor-Based VM-Execution
 * Controls". */
#define PROC2_VIRTUALIZE_APIC_ACCESSES                 (1u << 0)
#define PROC2_ENABLE_EPT                               (1u << 1)
#define PROC2_DESCRIPTOR_TABLE_EXITING                 (1u << 2)
#define PROC2_ENABLE_RDTSCP                            (1u << 3)
#define PROC2_VIRTUALIZE_X2APIC_MODE                   (1u << 4)
#define PROC2_ENABLE_VPID                              (1u << 5)
#define PROC2_WBINVD_EXITING                           (1u << 6)
#define PROC2_UNRESTRICTED_GUEST                       (1u << 7)
#define PROC2_APIC_REGISTER_VIRTUALIZATION             (1u << 8)
#define PROC2_VIRTUAL_INTERRUPT_DELIVERY               (1u << 9)
#define PROC2_PAUSE_LOOP_EXITING                       (1u << 10)
#define PROC2_RDRAND_EXITING                           (1u << 11)
#define PROC2_ENABLE_INVPCID                           (1u << 12)
#define PROC2_ENABLE_VM_FUNCTIONS                      (1u << 13)
#define PROC2_VMCS_SHADOWING                           (1u << 14)
#define PROC2_ENABLE_ENCLS_EXITING                     (1u << 15)
#define PROC2_RDSEED_EXITING                           (1u << 16)
#define PROC2_ENABLE_PML                               (1u << 17)
#define PROC2_EPT_VIOLATION_VE                         (1u << 18)
#define PROC2_CONCEAL_VMX_FROM_PT                      (1u << 19)
#define PROC2_ENABLE_XSAVES_XRSTORS                    (1u << 20)
#define PROC2_PASID_TRANSLATION                        (1u << 21)
#define PROC2_MODE_BASED_EXECUTE_CONTROL_FOR_EPT       (1u << 22)
#define PROC2_SUB_PAGE_WRITE_PERMISSIONS_FOR_EPT       (1u << 23)
#define PROC2_INTEL_PT_USES_GUEST_PHYSICAL_ADDRESSES   (1u << 24)
#define PROC2_USE_TSC_SCALING                          (1u << 25)
#define PROC2_ENABLE_USER_WAIT_AND_PAUSE               (1u << 26)
#define PROC2_ENABLE_PCONFIG                           (1u << 27)
#define PROC2_ENABLE_ENCLV_EXITING                     (1u << 28)
#define PROC2_VMM_BUS_LOCK_DETECTION                   (1u << 30)
#define PROC2_INSTRUCTION_TIMEOUT                      (1u << 31)

/* SDM table "Definitions of Tertiary Processor-Based VM-Execution Controls"
 * (a 64-bit field). */
#define PROC3_LOADIWKEY_EXITING                        (1ull << 0)
#define PROC3_ENABLE_HLAT                              (1ull << 1)
#define PROC3_EPT_PAGING_WRITE_CONTROL                 (1ull << 2)
#define PROC3_GUEST_PAGING_VERIFICATION                (1ull << 3)
#define PROC3_IPI_VIRTUALIZATION                       (1ull << 4)
#define PROC3_VIRTUALIZE_IA32_SPEC_CTRL                (1ull << 7)

/* SDM table "Definitions of Primary VM-Exit Controls". */
#define EXIT_SAVE_DEBUG_CONTROLS                       (1u << 2)
#define EXIT_HOST_ADDRESS_SPACE_SIZE                   (1u << 9)
#define EXIT_LOAD_IA32_PERF_GLOBAL_CTRL                (1u << 12)
#define EXIT_ACKNOWLEDGE_INTERRUPT_ON_EXIT             (1u << 15)
#define EXIT_SAVE_IA32_PAT                             (1u << 18)
#define EXIT_LOAD_IA32_PAT                             (1u << 19)
#define EXIT_SAVE_IA32_EFER                            (1u << 20)
#define EXIT_LOAD_IA32_EFER                            (1u << 21)
#define EXIT_SAVE_VMX_PREEMPTION_TIMER_VALUE           (1u << 22)
#define EXIT_CLEAR_IA32_BNDCFGS                        (1u << 23)
#define EXIT_CONCEAL_VMX_FROM_PT                       (1u << 24)
#define EXIT_CLEAR_IA32_RTIT_CTL                       (1u << 25)
#define EXIT_CLEAR_IA32_LBR_CTL                        (1u << 26)
#define EXIT_CLEAR_UINV                                (1u << 27)
#define EXIT_LOAD_CET_STATE                            (1u << 28)
#define EXIT_LOAD_PKRS                                 (1u << 29)
#define EXIT_SAVE_IA32_PERF_GLOBAL_CTL                 (1u << 30)
#define EXIT_ACTIVATE_SECONDARY_CONTROLS               (1u << 31)

/* SDM table "Definitions of VM-Entry Controls". */
#define ENTRY_LOAD_DEBUG_CONTROLS                      (1u << 2)
#define ENTRY_IA_32E_MODE_GUEST                        (1u << 9)
#define ENTRY_ENTRY_TO_SMM                             (1u << 10)
#define ENTRY_DEACTIVATE_DUAL_MONITOR_TREATMENT        (1u << 11)
#define ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL               (1u << 13)
#define ENTRY_LOAD_IA32_PAT                            (1u << 14)
#define ENTRY_LOAD_IA32_EFER                           (1u << 15)
#define ENTRY_LOAD_IA32_BNDCFGS                        (1u << 16)
#define ENTRY_CONCEAL_VMX_FROM_PT                      (1u << 17)
#define ENTRY_LOAD_IA32_RTIT_CTL                       (1u << 18)
#define ENTRY_LOAD_UINV                                (1u << 19)
#define ENTRY_LOAD_CET_STATE                           (1u << 20)
#define ENTRY_LOAD_GUEST_IA32_LBR_CTL                  (1u << 21)
#define ENTRY_LOAD_PKRS                                (1u << 22)

/* SDM table "Format of Exit Reason". */
#define EXIT_REASON_BASIC_MASK                         0xffffu
#define EXIT_REASON_VM_ENTRY_FAILURE                   (1u << 31)

/* SDM tables "Format of the VM-Entry Interruption-Information Field" and
 * "Format of the VM-Exit Interruption-Information Field" (the IDT-vectoring
 * information field has the same layout). */
#define INTR_INFO_VECTOR_MASK                          0xffu
#define INTR_INFO_TYPE_SHIFT                           8
#define INTR_INFO_TYPE_MASK                            (0x7u << 8)
#define INTR_INFO_DELIVER_ERROR_CODE                   (1u << 11)
#define INTR_INFO_NMI_UNBLOCKING_DUE_TO_IRET           (1u << 12)
#define INTR_INFO_VALID                                (1u << 31)
#define INTR_TYPE_EXTERNAL_INTERRUPT                   0u
#define INTR_TYPE_NMI                                  2u
#define INTR_TYPE_HARDWARE_EXCEPTION                   3u
#define INTR_TYPE_SOFTWARE_INTERRUPT                   4u
#define INTR_TYPE_PRIVILEGED_SOFTWARE_EXCEPTION        5u
#define INTR_TYPE_SOFTWARE_EXCEPTION                   6u
#define INTR_TYPE_OTHER_EVENT                          7u

/* SDM section "Guest Non-Register State": activity state. */
#define GUEST_ACTIVITY_ACTIVE                          0u
#define GUEST_ACTIVITY_HLT                             1u
#define GUEST_ACTIVITY_SHUTDOWN                        2u
#define GUEST_ACTIVITY_WAIT_FOR_SIPI                   3u

/* SDM table "Format of Interruptibility State". */
#define GUEST_INTERRUPTIBILITY_BLOCKING_BY_STI         (1u << 0)
#define GUEST_INTERRUPTIBILITY_BLOCKING_BY_MOV_SS      (1u << 1)
#define GUEST_INTERRUPTIBILITY_BLOCKING_BY_SMI         (1u << 2)
#define GUEST_INTERRUPTIBILITY_BLOCKING_BY_NMI         (1u << 3)

/* SDM table "Exit Qualification for I/O Instructions". */
#define IO_QUAL_SIZE_MASK                              0x7u
#define IO_QUAL_SIZE_1_BYTE                            0u
#define IO_QUAL_SIZE_2_BYTE                            1u
#define IO_QUAL_SIZE_4_BYTE                            3u
#define IO_QUAL_DIRECTION_IN                           (1u << 3)
#define IO_QUAL_STRING                                 (1u << 4)
#define IO_QUAL_REP                                    (1u << 5)
#define IO_QUAL_OPERAND_IMMEDIATE                      (1u << 6)
#define IO_QUAL_PORT_SHIFT                             16
#define IO_QUAL_PORT_MASK                              (0xffffu << 16)

/* SDM table "Exit Qualification for Control-Register Accesses". */
#define CR_QUAL_NUMBER_MASK                            0xfu
#define CR_QUAL_ACCESS_TYPE_SHIFT                      4
#define CR_QUAL_ACCESS_TYPE_MASK                       (0x3u << 4)
#define CR_QUAL_ACCESS_MOV_TO_CR                       0u
#define CR_QUAL_ACCESS_MOV_FROM_CR                     1u
#define CR_QUAL_ACCESS_CLTS                            2u
#define CR_QUAL_ACCESS_LMSW                            3u
#define CR_QUAL_LMSW_OPERAND_MEMORY                    (1u << 6)
#define CR_QUAL_GPR_SHIFT                              8
#define CR_QUAL_GPR_MASK                               (0xfu << 8)
#define CR_QUAL_LMSW_SOURCE_SHIFT                      16
#define CR_QUAL_LMSW_SOURCE_MASK                       (0xffffu << 16)

/* SDM table "Exit Qualification for EPT Violations". */
#define EPT_QUAL_DATA_READ                             (1u << 0)
#define EPT_QUAL_DATA_WRITE                            (1u << 1)
#define EPT_QUAL_INSTRUCTION_FETCH                     (1u << 2)
#define EPT_QUAL_READABLE                              (1u << 3)
#define EPT_QUAL_WRITABLE                              (1u << 4)
#define EPT_QUAL_EXECUTABLE                            (1u << 5)
#define EPT_QUAL_GUEST_LINEAR_ADDRESS_VALID            (1u << 7)
#define EPT_QUAL_CAUSED_BY_TRANSLATION                 (1u << 8)
#define EPT_QUAL_NMI_UNBLOCKING_DUE_TO_IRET            (1u << 12)
