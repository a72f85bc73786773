// sources: chapters/01-vmxon/feature_control.c chapters/01-vmxon/fixed_bits.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of chapter 1's decisions: what IA32_FEATURE_CONTROL
 * allows, and CR0/CR4 brought to the values VMX operation needs. The
 * functions around them touch MSRs and control registers; they are linked
 * but never called here. */
#include <stdint.h>

#include "check.h"
#include "msr.h"
#include "printf.h"
#include "vmx.h"
#include "x86.h"

/* Only the hardware paths print; the checks below never reach them. */
int kprintf(const char *fmt, ...)
{
    (void)fmt;
    return 0;
}

static void feature_control(void)
{
    /* bit 0 lock, bit 1 VMX inside SMX, bit 2 VMX outside SMX */
    static const struct {
        uint64_t value;
        enum feature_control_verdict verdict;
    } rows[] = {
        {0, FEATURE_CONTROL_UNLOCKED},      /* nobody decided: ours to set */
        {1, FEATURE_CONTROL_LOCKED_OFF},    /* locked, VMX off */
        {3, FEATURE_CONTROL_LOCKED_OFF},    /* locked, VMX only inside SMX */
        {4, FEATURE_CONTROL_UNLOCKED},      /* VMX on but not locked yet */
        {5, FEATURE_CONTROL_VMX_ENABLED},   /* locked, VMX outside SMX */
        {7, FEATURE_CONTROL_VMX_ENABLED},   /* ... and inside SMX too */
        {6, FEATURE_CONTROL_UNLOCKED},
        {0xff00, FEATURE_CONTROL_UNLOCKED}, /* other bits do not matter */
        {0xff01, FEATURE_CONTROL_LOCKED_OFF},
        {0xff05, FEATURE_CONTROL_VMX_ENABLED},
        {UINT64_MAX, FEATURE_CONTROL_VMX_ENABLED},
        {UINT64_MAX & ~IA32_FEATURE_CONTROL_LOCK, FEATURE_CONTROL_UNLOCKED},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        enum feature_control_verdict got =
            feature_control_verdict(rows[i].value);
        if (check_at(got == rows[i].verdict, __FILE__, __LINE__,
                     "feature_control_verdict"))
            check_end("(0x%llx): got %d, want %d\n",
                      (unsigned long long)rows[i].value, (int)got,
                      (int)rows[i].verdict);
    }
}

static uint64_t rng_state = 0x1234567887654321ull;

/* xorshift64*: the same sequence on every host. */
static uint64_t rng(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}

static void fixed_bits(void)
{
    /* Bochs's IA32_VMX_CR0_FIXED0/1: PE, NE and PG must be 1. */
    CHECK_EQ_U64(apply_fixed_bits(0x80010011, 0x80000021, 0xffffffff),
                 0x80010031);
    /* Bochs's IA32_VMX_CR4_FIXED0/1: VMXE must be 1 (chapter 1 sets it
     * anyway), and only the bits FIXED1 lists may be 1. */
    CHECK_EQ_U64(apply_fixed_bits(CR4_PAE | CR4_VMXE, 0x2000, 0x1727ff),
                 0x2020);
    CHECK_EQ_U64(apply_fixed_bits(CR4_PAE, 0x2000, 0x1727ff), 0x2020);
    /* A bit outside FIXED1 is cleared: CR4.SMAP (bit 21) on Bochs. */
    CHECK_EQ_U64(apply_fixed_bits(CR4_PAE | CR4_VMXE | CR4_SMAP, 0x2000,
                                  0x1727ff),
                 0x2020);
    /* CR0.CD and NW (bits 30, 29) where FIXED1 lacks them. */
    CHECK_EQ_U64(apply_fixed_bits(0xe0000011, 0x80000021, 0x9fffffff),
                 0x80000031);
    CHECK_EQ_U64(apply_fixed_bits(0, 0, UINT64_MAX), 0);
    CHECK_EQ_U64(apply_fixed_bits(UINT64_MAX, 0, 0), 0);

    /* For any value and consistent MSRs (FIXED0 within FIXED1): the fixed-1
     * bits are set, nothing outside FIXED1 is, the free bits are kept, and
     * applying again changes nothing. */
    unsigned bad = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t value = rng(), fixed1 = rng(), fixed0 = rng() & fixed1;
        uint64_t r = apply_fixed_bits(value, fixed0, fixed1);
        uint64_t free_bits = fixed1 & ~fixed0;
        if ((r & fixed0) != fixed0 || (r & ~fixed1) ||
            (r & free_bits) != (value & free_bits) ||
            apply_fixed_bits(r, fixed0, fixed1) != r) {
            if (bad++ < 3)
                printf("  value 0x%llx FIXED0 0x%llx FIXED1 0x%llx -> 0x%llx\n",
                       (unsigned long long)value, (unsigned long long)fixed0,
                       (unsigned long long)fixed1, (unsigned long long)r);
        }
    }
    CHECK_EQ_U64(bad, 0);
}

int main(void)
{
    feature_control();
    fixed_bits();
    return CHECK_DONE("test_vmx_steps");
}
