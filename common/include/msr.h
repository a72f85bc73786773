/* SPDX-License-Identifier: MIT */
/** @file msr.h
 *  Model-specific registers, named as in Intel SDM Vol. 4,
 *  "Model-Specific Registers (MSRs)". */
#pragma once

#define IA32_FEATURE_CONTROL 0x03Au
#define IA32_FEATURE_CONTROL_LOCK (1ul << 0)
#define IA32_FEATURE_CONTROL_VMX_INSIDE_SMX (1ul << 1)
#define IA32_FEATURE_CONTROL_VMX_OUTSIDE_SMX (1ul << 2)

#define IA32_SYSENTER_CS 0x174u
#define IA32_SYSENTER_ESP 0x175u
#define IA32_SYSENTER_EIP 0x176u
#define IA32_DEBUGCTL 0x1D9u
#define IA32_PAT 0x277u

/* VMX capability MSRs: Intel SDM Vol. 3D, appendix "VMX Capability Reporting
 * Facility". */
#define IA32_VMX_BASIC 0x480u
#define IA32_VMX_PINBASED_CTLS 0x481u
#define IA32_VMX_PROCBASED_CTLS 0x482u
#define IA32_VMX_EXIT_CTLS 0x483u
#define IA32_VMX_ENTRY_CTLS 0x484u
#define IA32_VMX_MISC 0x485u
#define IA32_VMX_CR0_FIXED0 0x486u
#define IA32_VMX_CR0_FIXED1 0x487u
#define IA32_VMX_CR4_FIXED0 0x488u
#define IA32_VMX_CR4_FIXED1 0x489u
#define IA32_VMX_VMCS_ENUM 0x48Au
#define IA32_VMX_PROCBASED_CTLS2 0x48Bu
#define IA32_VMX_EPT_VPID_CAP 0x48Cu
#define IA32_VMX_TRUE_PINBASED_CTLS 0x48Du
#define IA32_VMX_TRUE_PROCBASED_CTLS 0x48Eu
#define IA32_VMX_TRUE_EXIT_CTLS 0x48Fu
#define IA32_VMX_TRUE_ENTRY_CTLS 0x490u
#define IA32_VMX_VMFUNC 0x491u

#define IA32_EFER 0xC0000080u
#define IA32_FS_BASE 0xC0000100u
#define IA32_GS_BASE 0xC0000101u
#define IA32_KERNEL_GS_BASE 0xC0000102u
