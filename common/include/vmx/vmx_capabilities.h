/* SPDX-License-Identifier: MIT */
/** @file vmx_capabilities.h
 *  Bit layouts of the VMX capability MSRs. Intel SDM Vol. 3D, appendix
 *  "VMX Capability Reporting Facility": "Basic VMX Information",
 *  "Miscellaneous Data", "VPID and EPT Capabilities". */
#pragma once

/* IA32_VMX_BASIC */
#define VMX_BASIC_REVISION_MASK 0x7FFFFFFFul /**< bits 30:0 */
#define VMX_BASIC_REGION_SIZE_SHIFT 32        /**< bits 44:32 */
#define VMX_BASIC_REGION_SIZE_MASK 0x1FFFul
#define VMX_BASIC_PHYS_ADDR_32BIT (1ul << 48)
#define VMX_BASIC_DUAL_MONITOR (1ul << 49)
#define VMX_BASIC_MEMORY_TYPE_SHIFT 50        /**< bits 53:50 */
#define VMX_BASIC_MEMORY_TYPE_MASK 0xFul
#define VMX_BASIC_INS_OUTS_INFO (1ul << 54)
#define VMX_BASIC_TRUE_CONTROLS (1ul << 55)

/** Memory types (Intel SDM Vol. 3A, "Memory Types"). */
#define MEMORY_TYPE_UC 0
#define MEMORY_TYPE_WB 6

/* IA32_VMX_MISC */
#define VMX_MISC_PREEMPTION_TIMER_RATE_MASK 0x1Ful /**< bits 4:0 */
#define VMX_MISC_STORES_LMA (1ul << 5)
#define VMX_MISC_ACTIVITY_HLT (1ul << 6)
#define VMX_MISC_ACTIVITY_SHUTDOWN (1ul << 7)
#define VMX_MISC_ACTIVITY_WAIT_FOR_SIPI (1ul << 8)
#define VMX_MISC_CR3_TARGETS_SHIFT 16 /**< bits 24:16 */
#define VMX_MISC_CR3_TARGETS_MASK 0x1FFul
#define VMX_MISC_VMWRITE_ANY_FIELD (1ul << 29)

/* IA32_VMX_EPT_VPID_CAP */
#define EPT_CAP_EXECUTE_ONLY (1ul << 0)
#define EPT_CAP_PAGE_WALK_4 (1ul << 6)
#define EPT_CAP_PAGE_WALK_5 (1ul << 7)
#define EPT_CAP_MEMORY_TYPE_UC (1ul << 8)
#define EPT_CAP_MEMORY_TYPE_WB (1ul << 14)
#define EPT_CAP_PDE_2MB (1ul << 16)
#define EPT_CAP_PDPTE_1GB (1ul << 17)
#define EPT_CAP_INVEPT (1ul << 20)
#define EPT_CAP_ACCESSED_DIRTY (1ul << 21)
#define EPT_CAP_ADVANCED_EXIT_INFO (1ul << 22)
#define EPT_CAP_INVEPT_SINGLE_CONTEXT (1ul << 25)
#define EPT_CAP_INVEPT_ALL_CONTEXT (1ul << 26)
#define VPID_CAP_INVVPID (1ul << 32)
#define VPID_CAP_INVVPID_INDIVIDUAL_ADDRESS (1ul << 40)
#define VPID_CAP_INVVPID_SINGLE_CONTEXT (1ul << 41)
#define VPID_CAP_INVVPID_ALL_CONTEXT (1ul << 42)
#define VPID_CAP_INVVPID_SINGLE_CONTEXT_RETAINING_GLOBALS (1ul << 43)

/** A VMX control MSR holds the allowed 0-settings in bits 31:0 (a 1 there:
 *  the control must be 1) and the allowed 1-settings in bits 63:32 (a 1
 *  there: the control may be 1). Intel SDM Vol. 3D, "VM-Execution
 *  Controls" in the capability appendix. */
#define VMX_CTLS_ALLOWED0(msr) ((uint32_t)(msr))
#define VMX_CTLS_ALLOWED1(msr) ((uint32_t)((msr) >> 32))
