/* SPDX-License-Identifier: MIT */
/** @file attack.h
 *  What the attack programs (attack.c) need beyond the drivers: the
 *  guest's own IDT, GDT and TSS (traps.c), and instructions wrapped so that
 *  the exception they raise is caught and recorded instead of ending the
 *  guest. */
#pragma once
#include <stdint.h>

#define TRAP_NONE 0xFFu /**< trap_last.vector when nothing was raised */
#define VMX_INSTRUCTIONS 11u
#define IDT_LIMIT 0xFFFu

#define CPUID_1_ECX_XSAVE (1u << 26)
#define CPUID_1_ECX_OSXSAVE (1u << 27)
#define CPUID_EXT_EDX_RDTSCP (1u << 27)
#define CPUID_7_EBX_INVPCID (1u << 10)
#define CPUID_D1_EAX_XSAVES (1u << 3)
#define CR0_CD_BIT (1ul << 30)
#define CR0_NE_BIT (1ul << 5)

/** The last exception a wrapped instruction raised. */
struct trap_record {
    unsigned vector; /**< TRAP_NONE: none */
    uint64_t error;  /**< its error code, 0 if it pushed none */
    uint64_t rip;    /**< the RIP it reported */
};
extern volatile struct trap_record trap_last;

struct cpuid_result {
    uint32_t eax, ebx, ecx, edx;
};

/** Loads the guest's GDT (with ring-3 segments and a TSS) and an IDT
 *  whose every vector reports, and ends the guest unless a wrapped
 *  instruction expected it. */
void traps_init(void);
/** LIDT: base and limit. */
void load_idt(uint64_t base, uint16_t limit);

/* Each returns the vector it raised, or TRAP_NONE. */
unsigned trap_rdmsr(uint32_t msr);
unsigned trap_xsetbv(uint32_t xcr, uint64_t value);
unsigned trap_rdtscp(void);
unsigned trap_write_cr0(uint64_t value);
unsigned trap_write_cr8(uint64_t value);
/** Sets RFLAGS.TF, then MOV SS and CPUID (which exits): returns the RIP
 *  of the single-step #DB (0: none), which MOV SS holds back until CPUID is
 *  done, and puts where CPUID ends in *after_cpuid. */
uint64_t trap_single_step_mov_ss(uint64_t *after_cpuid);
/** Tries VMXON, VMCLEAR, ...: returns how many raised #UD. */
unsigned vmx_instructions_try_all(void);
/** Drops to ring 3 and does a VMCALL (the EXIT hypercall, status 0) there;
 *  back in ring 0 after the exception it raises. */
void enter_user_mode_for_vmcall(void);

struct cpuid_result guest_cpuid(uint32_t leaf, uint32_t subleaf);
uint64_t xgetbv0(void);
uint64_t read_cr0(void);
uint64_t read_cr4(void);
void write_cr4(uint64_t value);
uint64_t read_cr8(void);

/** An attack program (GUEST_ATTACK_*); its return value is the exit status. */
int program_attack(uint32_t program, uint32_t ram_size);
