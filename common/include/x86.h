/* SPDX-License-Identifier: MIT */
/** @file x86.h
 *  Architectural bits the support code and every chapter name. Intel SDM
 *  Vol. 3A, "Control Registers" and "EFLAGS Register"; CPUID from Vol. 2A. */
#pragma once

/** Bits 31:0: the low half of a 64-bit value (EDX:EAX pairs, 32-bit
 *  registers, the fixed-bit MSRs' range). The one name for 0xFFFFFFFF. */
#define LOW_32_BITS 0xFFFFFFFFull

#define CR0_PE (1ul << 0)  /**< Protection Enable */
#define CR0_MP (1ul << 1)  /**< Monitor Coprocessor */
#define CR0_EM (1ul << 2)  /**< Emulation */
#define CR0_TS (1ul << 3)  /**< Task Switched */
#define CR0_ET (1ul << 4)  /**< Extension Type */
#define CR0_NE (1ul << 5)  /**< Numeric Error */
#define CR0_WP (1ul << 16) /**< Write Protect */
#define CR0_AM (1ul << 18) /**< Alignment Mask */
#define CR0_NW (1ul << 29) /**< Not Write-through */
#define CR0_CD (1ul << 30) /**< Cache Disable */
#define CR0_PG (1ul << 31) /**< Paging */

#define CR4_VME (1ul << 0)         /**< Virtual-8086 Mode Extensions */
#define CR4_PVI (1ul << 1)         /**< Protected-Mode Virtual Interrupts */
#define CR4_TSD (1ul << 2)         /**< Time Stamp Disable */
#define CR4_DE (1ul << 3)          /**< Debugging Extensions */
#define CR4_PSE (1ul << 4)         /**< Page Size Extensions */
#define CR4_PAE (1ul << 5)         /**< Physical Address Extension */
#define CR4_MCE (1ul << 6)         /**< Machine-Check Enable */
#define CR4_PGE (1ul << 7)         /**< Page Global Enable */
#define CR4_PCE (1ul << 8)         /**< Performance-Monitoring Counter Enable */
#define CR4_OSFXSR (1ul << 9)      /**< OS support for FXSAVE/FXRSTOR */
#define CR4_OSXMMEXCPT (1ul << 10) /**< OS support for unmasked SIMD FP exceptions */
#define CR4_UMIP (1ul << 11)       /**< User-Mode Instruction Prevention */
#define CR4_LA57 (1ul << 12)       /**< 57-bit linear addresses */
#define CR4_VMXE (1ul << 13)       /**< VMX-Enable */
#define CR4_SMXE (1ul << 14)       /**< SMX-Enable */
#define CR4_FSGSBASE (1ul << 16)   /**< FSGSBASE-Enable */
#define CR4_PCIDE (1ul << 17)      /**< PCID-Enable */
#define CR4_OSXSAVE (1ul << 18)    /**< XSAVE and Processor Extended States Enable */
#define CR4_SMEP (1ul << 20)       /**< SMEP-Enable */
#define CR4_SMAP (1ul << 21)       /**< SMAP-Enable */

#define RFLAGS_CF (1ul << 0)
#define RFLAGS_RESERVED_1 (1ul << 1) /**< always 1 */
#define RFLAGS_ZF (1ul << 6)
#define RFLAGS_TF (1ul << 8)
#define RFLAGS_IF (1ul << 9)
#define RFLAGS_VM (1ul << 17)

#define EFER_SCE (1ul << 0)  /**< SYSCALL Enable */
#define EFER_LME (1ul << 8)  /**< IA-32e Mode Enable */
#define EFER_LMA (1ul << 10) /**< IA-32e Mode Active */
#define EFER_NXE (1ul << 11) /**< Execute Disable Bit Enable */

/** CPUID leaves and feature bits used here (Intel SDM Vol. 2A, CPUID). */
#define CPUID_VENDOR 0x0u
#define CPUID_FEATURES 0x1u
#define CPUID_FEATURES_ECX_VMX (1u << 5)
#define CPUID_FEATURES_ECX_SMX (1u << 6)
#define CPUID_FEATURES_ECX_HYPERVISOR (1u << 31)
#define CPUID_HYPERVISOR_BASE 0x40000000u
#define CPUID_EXT_MAX 0x80000000u
#define CPUID_EXT_FEATURES 0x80000001u
#define CPUID_EXT_FEATURES_ECX_SVM (1u << 2)

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
/** A 4-level paging structure (and EPT's) holds 512 entries: each level
 *  translates 9 bits of the address ("4-Level Paging"). */
#define PAGE_TABLE_INDEX_BITS 9
#define PAGE_TABLE_INDEX_MASK ((1ul << PAGE_TABLE_INDEX_BITS) - 1)
#define LARGE_PAGE_SIZE (2ul << 20)
#define HUGE_PAGE_SIZE (1ul << 30)

/** Exception vectors (Intel SDM Vol. 3A, "Exception and Interrupt Vectors"). */
#define VECTOR_DE 0
#define VECTOR_DB 1
#define VECTOR_NMI 2
#define VECTOR_BP 3
#define VECTOR_OF 4
#define VECTOR_BR 5
#define VECTOR_UD 6
#define VECTOR_NM 7
#define VECTOR_DF 8
#define VECTOR_TS 10
#define VECTOR_NP 11
#define VECTOR_SS 12
#define VECTOR_GP 13
#define VECTOR_PF 14
#define VECTOR_MF 16
#define VECTOR_AC 17
#define VECTOR_MC 18
#define VECTOR_XM 19
#define VECTOR_VE 20
#define VECTOR_CP 21
#define EXCEPTION_VECTORS 32

/** Linear addresses are 48 bits wide with 4-level paging: bits 63:47 must
 *  all equal bit 47 (Intel SDM Vol. 1, "Canonical Addressing"). */
static inline int is_canonical(unsigned long long address)
{
    long long sign_extended = (long long)(address << 16) >> 16;
    return (unsigned long long)sign_extended == address;
}
