/* SPDX-License-Identifier: MIT */
/* The MSRs of the virtual CPU (Intel SDM Vol. 4, "Model-Specific Registers
 * (MSRs)"): the architectural ones Linux and a multiboot kernel use, given
 * the CPUID of cpuid_policy.c. Each lives in one of four places
 * (msr_policy.h). The guest reads and writes the real register directly
 * only where the host gets its own value back at every VM exit: from the
 * host-state area (FS/GS base, SYSENTER, PAT) or from the VM-exit MSR-load
 * area (the SYSCALL MSRs: this hypervisor makes no system calls, but a
 * guest's LSTAR must not outlive the guest). */
#include "msr_policy.h"
#include "msr.h"
#include "x86.h"
#include "vmx/vmcs_encodings.h"

#define IA32_BIOS_SIGN_ID 0x8Bu
#define IA32_MTRRCAP 0xFEu
#define IA32_MISC_ENABLE 0x1A0u
#define IA32_MTRR_DEF_TYPE 0x2FFu
#define IA32_STAR 0xC0000081u
#define IA32_LSTAR 0xC0000082u
#define IA32_CSTAR 0xC0000083u
#define IA32_FMASK 0xC0000084u
#define IA32_TSC_AUX 0xC0000103u

/* IA32_MTRRCAP: write-combining, but no variable ranges (VCNT 0) and no fixed
 * ranges: with EPT the guest's MTRRs would not decide memory types anyway
 * ("Memory Type Used for Guest-Physical Addresses": EPT and the guest's PAT
 * do), so only IA32_MTRR_DEF_TYPE is kept, for a guest that switches them off
 * and on around a cache flush, as Linux does. */
#define MTRRCAP_VALUE (1u << 10)
/* IA32_MISC_ENABLE: fast strings on; branch trace and PEBS unavailable
 * (bits 11, 12), which is what the hidden debug store implies. */
#define MISC_ENABLE_VALUE (1u << 0 | 1u << 11 | 1u << 12)
#define MTRR_DEF_TYPE_WRITABLE (0xFFull | 1ull << 10 | 1ull << 11) /* type, FE, E */
#define MTRR_TYPE_MASK 0xFFull
#define DEBUGCTL_BTF (1ull << 1)
#define EFER_DEFINED (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)
#define PAT_ENTRY_RESERVED 0xF8F8F8F8F8F8F8F8ull /* bits 7:3 of each entry */
#define PAT_TYPE_2_OR_3 0x0202020202020202ull     /* bit 1 without bit 2: type 2 or 3 */

#define ROW(first, last, name, class, field, direct, needs)                              \
    {first, last, name, MSR_##class, field, direct, needs}

const struct msr_row msr_table[] = {
    ROW(0x10, 0x10, "IA32_TIME_STAMP_COUNTER", VIRTUAL_PC, 0, false, 0),
    ROW(0x1B, 0x1B, "IA32_APIC_BASE", VIRTUAL_PC, 0, false, 0),
    ROW(0x3A, 0x3A, "IA32_FEATURE_CONTROL", EMULATED, 0, false, 0), /* locked, VMX off */
    ROW(0x8B, 0x8B, "IA32_BIOS_SIGN_ID", EMULATED, 0, false, 0),    /* microcode 0 */
    ROW(0xFE, 0xFE, "IA32_MTRRCAP", EMULATED, 0, false, 0),
    ROW(0x174, 0x174, "IA32_SYSENTER_CS", GUEST_STATE, GUEST_IA32_SYSENTER_CS, true, 0),
    ROW(0x175, 0x175, "IA32_SYSENTER_ESP", GUEST_STATE, GUEST_IA32_SYSENTER_ESP, true, 0),
    ROW(0x176, 0x176, "IA32_SYSENTER_EIP", GUEST_STATE, GUEST_IA32_SYSENTER_EIP, true, 0),
    ROW(0x1A0, 0x1A0, "IA32_MISC_ENABLE", EMULATED, 0, false, 0),
    /* "Load/save debug controls"; writes exit: only BTF, LBRs are not emulated. */
    ROW(0x1D9, 0x1D9, "IA32_DEBUGCTL", GUEST_STATE, GUEST_IA32_DEBUGCTL, false, 0),
    ROW(IA32_PAT, IA32_PAT, "IA32_PAT", GUEST_STATE, GUEST_IA32_PAT, true, OFFER_PAT),
    ROW(IA32_MTRR_DEF_TYPE, IA32_MTRR_DEF_TYPE, "IA32_MTRR_DEF_TYPE", EMULATED, 0, false, 0),
    ROW(0x6E0, 0x6E0, "IA32_TSC_DEADLINE", VIRTUAL_PC, 0, false, 0),
    /* Writes exit: LME may change only with paging off, LMA follows CR0.PG. */
    ROW(IA32_EFER, IA32_EFER, "IA32_EFER", GUEST_STATE, GUEST_IA32_EFER, false, 0),
    ROW(IA32_STAR, IA32_STAR, "IA32_STAR", SWITCHED, 0, true, 0),
    ROW(IA32_LSTAR, IA32_LSTAR, "IA32_LSTAR", SWITCHED, 0, true, 0),
    ROW(IA32_CSTAR, IA32_CSTAR, "IA32_CSTAR", SWITCHED, 0, true, 0),
    ROW(IA32_FMASK, IA32_FMASK, "IA32_FMASK", SWITCHED, 0, true, 0),
    ROW(IA32_FS_BASE, IA32_FS_BASE, "IA32_FS_BASE", GUEST_STATE, GUEST_FS_BASE, true, 0),
    ROW(IA32_GS_BASE, IA32_GS_BASE, "IA32_GS_BASE", GUEST_STATE, GUEST_GS_BASE, true, 0),
    ROW(IA32_KERNEL_GS_BASE, IA32_KERNEL_GS_BASE, "IA32_KERNEL_GS_BASE", SWITCHED, 0, true, 0),
    ROW(IA32_TSC_AUX, IA32_TSC_AUX, "IA32_TSC_AUX", SWITCHED, 0, true, OFFER_RDTSCP),
};
const unsigned msr_table_count = sizeof msr_table / sizeof msr_table[0];

const struct msr_row *msr_policy_find(uint32_t msr, uint32_t offers)
{
    for (unsigned i = 0; i < msr_table_count; i++) {
        const struct msr_row *row = &msr_table[i];
        if (msr >= row->first && msr <= row->last)
            return (offers & row->needs) == row->needs ? row : 0;
    }
    return 0;
}

uint64_t msr_emulated_read(const struct msr_emulated *e, uint32_t msr)
{
    switch (msr) {
    case IA32_FEATURE_CONTROL: return IA32_FEATURE_CONTROL_LOCK;
    case IA32_MTRRCAP: return MTRRCAP_VALUE;
    case IA32_MISC_ENABLE: return MISC_ENABLE_VALUE;
    case IA32_MTRR_DEF_TYPE: return e->mtrr_def_type;
    default: return 0; /* IA32_BIOS_SIGN_ID */
    }
}

/* "Memory Types": UC 0, WC 1, WT 4, WP 5, WB 6; 7 is UC- in the PAT only. */
static bool memory_type_valid(uint64_t type)
{
    return type == 0 || type == 1 || (type >= 4 && type <= 6);
}

enum msr_write msr_emulated_write(struct msr_emulated *e, uint32_t msr, uint64_t value)
{
    if (msr == IA32_BIOS_SIGN_ID)
        return MSR_WRITE_OK; /* a request to load the signature: nothing to load */
    if (msr == IA32_MISC_ENABLE)
        return value == MISC_ENABLE_VALUE ? MSR_WRITE_OK : MSR_WRITE_NOT_EMULATED;
    if (msr != IA32_MTRR_DEF_TYPE)
        return MSR_WRITE_GP; /* read-only: IA32_FEATURE_CONTROL is locked, MTRRCAP */
    if ((value & ~MTRR_DEF_TYPE_WRITABLE) || !memory_type_valid(value & MTRR_TYPE_MASK))
        return MSR_WRITE_GP;
    e->mtrr_def_type = value;
    return MSR_WRITE_OK;
}

static bool pat_valid(uint64_t value)
{
    /* Each of the eight entries: bits 7:3 reserved, types 2 and 3 reserved. */
    return !(value & PAT_ENTRY_RESERVED) && !(value & PAT_TYPE_2_OR_3 & ~(value >> 1));
}

bool msr_value_valid(uint32_t msr, uint64_t value)
{
    switch (msr) {
    case IA32_EFER: return !(value & ~EFER_DEFINED);
    case IA32_PAT: return pat_valid(value);
    case IA32_DEBUGCTL: return !(value & ~DEBUGCTL_BTF);
    case IA32_TSC_AUX: return !(value >> 32);
    case IA32_SYSENTER_CS: case IA32_STAR: case IA32_FMASK: return true;
    default: return is_canonical(value); /* the bases and entry points */
    }
}
