/* SPDX-License-Identifier: MIT */
/** @file cpuid_policy.h
 *  The CPUID a guest sees, as one policy (cpuid_policy.c): the real CPU's
 *  answer, less what this hypervisor does not emulate or does not turn on,
 *  plus what it emulates. Pure: the real CPU comes in through view->raw,
 *  so the policy runs on the host in tests (tests/test_ch06_cpu.py). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "cpu.h"

/** What the hypervisor turned on that a feature needs (one bit each). */
enum cpu_offer {
    OFFER_RDTSCP = 1u << 0,  /**< "enable RDTSCP"; IA32_TSC_AUX switched */
    OFFER_INVPCID = 1u << 1, /**< "enable INVPCID" */
    OFFER_PAT = 1u << 2,     /**< "load IA32_PAT" on entry and exit, "save IA32_PAT" */
    OFFER_PKE = 1u << 3,     /**< CR4.PKE may be 1 in VMX operation */
    OFFER_LA57 = 1u << 4,    /**< CR4.LA57 may be 1 in VMX operation */
};

#define CR4_PKE (1ul << 22) /**< Protection-Key Enable */

enum cpuid_reg { CPUID_EAX, CPUID_EBX, CPUID_ECX, CPUID_EDX, CPUID_ALL };

/** What the guest's CPUID depends on besides the CPU. */
struct cpuid_view {
    struct cpuid_regs (*raw)(uint32_t leaf, uint32_t subleaf); /**< the real CPU */
    uint32_t offers; /**< enum cpu_offer bits */
    uint64_t cr4;    /**< the guest's CR4, as the guest reads it */
    uint64_t xcr0;   /**< the guest's XCR0 */
};

/** A feature hidden from the guest, and why. */
struct cpuid_hide {
    uint32_t leaf, subleaf;
    enum cpuid_reg reg;
    uint32_t mask;
    uint32_t unless; /**< shown after all when the hypervisor offers these */
    const char *name; /**< as Linux's /proc/cpuinfo names it, where it does */
    const char *why;
};
extern const struct cpuid_hide cpuid_hidden[];
extern const unsigned cpuid_hidden_count;

/** The guest's answer to CPUID with EAX = leaf, ECX = subleaf. */
struct cpuid_regs cpuid_policy(const struct cpuid_view *view, uint32_t leaf, uint32_t subleaf);
/** True if the row hides something the real CPU has. */
bool cpuid_policy_hides(const struct cpuid_view *view, const struct cpuid_hide *row);
/** The XCR0 bits the guest's CPUID.(EAX=0DH,ECX=0) offers. */
uint64_t cpuid_policy_xcr0_supported(const struct cpuid_view *view);
/** "XSETBV—Set Extended Control Register": true if value may be loaded into
 *  XCR0 on a CPU that supports the components in supported. */
bool xcr0_valid(uint64_t supported, uint64_t value);
