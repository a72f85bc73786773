// sources: common/vmx_checker.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of the software VM-entry checker every chapter calls.
 * A valid snapshot is built by hand to mirror what chapter 2's vmcs.c
 * writes for the 64-bit guest on Bochs's corei7_haswell_4770; every rule must hold on it. Then a
 * table of mutations, each breaking one field, names the exact rules that
 * must break, and no others (cf. Intel SDM Vol. 3C, "Checks on VMX Controls
 * and Host-State Area" and "Checking and Loading Guest State").
 * vmx_checker_snapshot.c reads a real VMCS and is not linked: the stub below
 * hands checker_run() a snapshot from this file. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "x86.h"
#include "vmx/access_rights.h"
#include "vmx/checker.h"
#include "vmx/vmx_capabilities.h"
#include "vmx/vmx_controls.h"

/* --- stubs for checker_run() ----------------------------------------------- */

static struct vmcs_snapshot run_snapshot; /* what checker_snapshot() returns */
static char printed[4096];                /* what kprintf() printed */

void checker_snapshot(struct vmcs_snapshot *s, const struct checker_capabilities *caps)
{
    (void)caps;
    *s = run_snapshot;
}

int kprintf(const char *fmt, ...)
{
    size_t used = strlen(printed);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(printed + used, sizeof printed - used, fmt, ap);
    va_end(ap);
    return n;
}

/* --- the valid snapshot -------------------------------------------------- */

#define CODE64_AR 0xA09Bu /* vmcs.c's code64: accessed readable code, S, P, L, G */
#define DATA_AR 0xC093u   /* vmcs.c's data: accessed writable data, S, P, D/B, G */
#define TR_AR 0x8Bu       /* busy 64-bit TSS, P */
#define LDTR_AR AR_UNUSABLE
#define KERNEL_CS 0x08u
#define KERNEL_DS 0x10u
#define TSS_SELECTOR 0x18u
#define ALLOWED1_ALL (0xFFFFFFFFull << 32)

/** The guest and host state vmcs.c writes, with the control values chapter 2
 *  prints on Bochs's haswell (tests/unit/test_controls.c derives them) and
 *  capabilities whose allowed 0-settings are that model's TRUE ones and whose
 *  allowed 1-settings are all ones. */
static struct vmcs_snapshot valid(void)
{
    struct vmcs_snapshot s;
    memset(&s, 0, sizeof s);
    s.pin_cap = ALLOWED1_ALL | 0x16;
    s.proc_cap = ALLOWED1_ALL | 0x04006172;
    s.proc2_cap = ALLOWED1_ALL;
    s.exit_cap = ALLOWED1_ALL | 0x36dfb;
    s.entry_cap = ALLOWED1_ALL | 0x11fb;
    s.pin = 0x16 | PIN_NMI_EXITING | PIN_ACTIVATE_VMX_PREEMPTION_TIMER;         /* 0x5e */
    s.proc = 0x04006172 | PROC_HLT_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS;
    s.proc2 = 0; /* "activate secondary controls" is 0 */
    s.exit = 0x36dfb | EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER |
             EXIT_SAVE_DEBUG_CONTROLS;
    s.entry = 0x11fb | ENTRY_IA_32E_MODE_GUEST | ENTRY_LOAD_IA32_EFER | ENTRY_LOAD_DEBUG_CONTROLS;
    s.cr0_fixed0 = 0x80000021;
    s.cr0_fixed1 = 0xffffffff;
    s.cr4_fixed0 = 0x2000;
    s.cr4_fixed1 = 0x1727ff;
    s.misc = VMX_MISC_STORES_LMA | VMX_MISC_ACTIVITY_HLT | VMX_MISC_ACTIVITY_SHUTDOWN |
             VMX_MISC_ACTIVITY_WAIT_FOR_SIPI;
    s.physical_address_width = 40;

    s.guest_cr0 = 0x80010031; /* PE, ET, NE, WP, PG */
    s.guest_cr3 = 0x120000;
    s.guest_cr4 = 0x2020; /* PAE, VMXE */
    s.guest_dr7 = 0x400;
    s.guest_rsp = 0x12d000;
    s.guest_rip = 0x128000;
    s.guest_rflags = RFLAGS_RESERVED_1;
    s.seg[SEG_CS] = (struct segment_state){KERNEL_CS, 0, 0xFFFFFFFF, CODE64_AR};
    for (int i = SEG_ES; i <= SEG_GS; i++)
        if (i != SEG_CS)
            s.seg[i] = (struct segment_state){KERNEL_DS, 0, 0xFFFFFFFF, DATA_AR};
    s.seg[SEG_LDTR] = (struct segment_state){0, 0, 0, LDTR_AR};
    s.seg[SEG_TR] = (struct segment_state){TSS_SELECTOR, 0x10a000, 0x67, TR_AR};
    s.guest_gdtr_base = 0x106000;
    s.guest_gdtr_limit = 0x27;
    s.guest_idtr_base = 0;
    s.guest_idtr_limit = 0;
    s.guest_efer = EFER_LME | EFER_LMA; /* 0x500 */
    s.guest_activity_state = GUEST_ACTIVITY_ACTIVE;
    s.guest_interruptibility = 0;
    s.vmcs_link_pointer = ~0ull;
    s.entry_interruption_info = 0;
    s.io_bitmap_a = 0x12f000; /* vmcs.c's bitmaps: page-aligned */
    s.io_bitmap_b = 0x130000;
    s.msr_bitmap = 0x131000;

    s.host_cr0 = 0x80010031;
    s.host_cr3 = 0x120000;
    s.host_cr4 = 0x2020;
    s.host_rip = 0x101234;
    s.host_cs = KERNEL_CS;
    s.host_ss = s.host_ds = s.host_es = s.host_fs = s.host_gs = KERNEL_DS;
    s.host_tr = TSS_SELECTOR;
    s.host_tr_base = 0x10a000;
    s.host_gdtr_base = 0x106000;
    s.host_idtr_base = 0x107000;
    s.host_efer = EFER_LME | EFER_LMA;
    return s;
}

/* --- helpers ------------------------------------------------------------- */

/** The rule with this text, or NULL. */
static const struct entry_rule *rule(const char *text)
{
    for (unsigned i = 0; i < entry_rule_count; i++)
        if (strcmp(entry_rules[i].rule, text) == 0)
            return &entry_rules[i];
    return NULL;
}

static bool in_list(const char *text, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(*list, text) == 0)
            return true;
    return false;
}

/** Checks that exactly the rules in expect (NULL-terminated) are broken on
 *  s; `what` names the case in a failure. */
static void check_broken(const char *what, const struct vmcs_snapshot *s,
                         const char *const *expect)
{
    for (const char *const *e = expect; *e; e++)
        if (check_at(rule(*e) != NULL, __FILE__, __LINE__, "expected rule exists"))
            check_end(" (%s): no rule \"%s\"\n", what, *e);
    for (unsigned i = 0; i < entry_rule_count; i++) {
        bool broken = !entry_rules[i].holds(s);
        bool want = in_list(entry_rules[i].rule, expect);
        if (check_at(broken == want, __FILE__, __LINE__, "rule breaks as expected"))
            check_end(" (%s): rule %s but should %s: \"%s\"\n", what,
                      broken ? "breaks" : "holds", want ? "break" : "hold",
                      entry_rules[i].rule);
    }
}

/* The rule texts the table expects, as entry_rules[] states them. */
#define R_PIN "pin-based controls must respect the allowed 0- and 1-settings of its capability MSR"
#define R_HOST_CR4                                                                         \
    "host CR4 must have the bits of IA32_VMX_CR4_FIXED0 set (CR4.VMXE among them) and "    \
    "those clear in IA32_VMX_CR4_FIXED1 clear"
#define R_HOST_TR "host TR selector must not be 0000H"
#define R_CR0_FIXED0                                                                       \
    "guest CR0 must have the bits of IA32_VMX_CR0_FIXED0 set (PE and PG may be 0 for an "  \
    "unrestricted guest)"
#define R_PG_NEEDS_PE "guest CR0.PG = 1 requires CR0.PE = 1"
#define R_SS_RPL "guest SS.RPL must equal CS.RPL"
#define R_CS_L_D "in an IA-32e mode guest, CS.L = 1 requires CS.D = 0"
#define R_LIMITS "guest segment limits must agree with the G flag"
#define R_TR_USABLE "guest TR must be usable, present and a system segment (S = 0)"
#define R_TABLE_LIMITS "guest GDTR and IDTR limits must fit in 16 bits"
#define R_RIP "guest RIP must be canonical in 64-bit mode, else have bits 63:32 zero"
#define R_RFLAGS "guest RFLAGS reserved bits (63:22, 15, 5, 3) must be 0 and bit 1 must be 1"
#define R_ACTIVITY                                                                         \
    "guest activity state must be active, or HLT, shutdown or wait-for-SIPI as "           \
    "IA32_VMX_MISC allows"
#define R_LINK "VMCS link pointer must be FFFFFFFF_FFFFFFFFH when there is no shadow VMCS"
#define R_HLT_DPL "guest activity state HLT requires SS.DPL = 0"
#define R_IA32E_PAGING "an \"IA-32e mode guest\" requires guest CR0.PG = 1 and CR4.PAE = 1"
/* The rules KVM's nested VMX also checks (docs/nested-kvm-checks.md). */
#define R_CR3_TARGETS                                                                              \
    "the CR3-target count must not exceed the number IA32_VMX_MISC bits 24:16 give"
#define R_IO_BITMAPS                                                                               \
    "with \"use I/O bitmaps\", the addresses of I/O bitmaps A and B must be 4-KByte aligned and "  \
    "within the physical-address width"
#define R_MSR_BITMAPS                                                                              \
    "with \"use MSR bitmaps\", the address of the MSR bitmaps must be 4-KByte aligned and within " \
    "the physical-address width"
#define R_NMI                                                                                      \
    "\"virtual NMIs\" requires \"NMI exiting\", and \"NMI-window exiting\" requires \"virtual "    \
    "NMIs\""
#define R_TIMER_SAVE                                                                               \
    "\"save VMX-preemption timer value\" requires \"activate VMX-preemption timer\""
#define R_EXIT_MSR                                                                                 \
    "VM-exit MSR-store and MSR-load areas with a non-zero count must be 16-byte aligned, end "     \
    "within the physical-address width and hold no more entries than IA32_VMX_MISC recommends"
#define R_ENTRY_MSR                                                                                \
    "a VM-entry MSR-load area with a non-zero count must be 16-byte aligned, end within the "      \
    "physical-address width and hold no more entries than IA32_VMX_MISC recommends"
#define R_INJECT_TYPE                                                                              \
    "an injected event must have reserved bits 30:12 clear, a type other than 1 (7 only with the " \
    "monitor trap flag) and a vector its type allows (NMI 2, exceptions 0-31)"
#define R_INJECT_ERROR                                                                             \
    "an injected event delivers an error code exactly when it is a hardware exception that has "   \
    "one, in protected mode; the error code's bits 31:16 must be 0"
#define R_INJECT_LENGTH                                                                            \
    "an injected software interrupt or exception needs a VM-entry instruction length of 1 to 15 "  \
    "(0 only if IA32_VMX_MISC bit 30)"
#define R_HOST_EFER "with \"load IA32_EFER\" on exit, host IA32_EFER reserved bits must be 0"
#define R_HOST_32                                                                                  \
    "without \"host address-space size\": host SS not 0000H, CR4.PCIDE 0, RIP bits 63:32 0, and "  \
    "no \"IA-32e mode guest\""
#define R_HOST_64                                                                                  \
    "a hypervisor in IA-32e mode must set the \"host address-space size\" VM-exit control"
#define R_HOST_64_PAE                                                                              \
    "with \"host address-space size\", host CR4.PAE must be 1 and host RIP canonical"
#define R_HOST_EFER_LMA                                                                            \
    "with \"load IA32_EFER\" on exit, host EFER.LMA and EFER.LME must equal \"host address-space " \
    "size\""
#define R_GUEST_EFER "with \"load IA32_EFER\", guest IA32_EFER reserved bits must be 0"
#define R_BLOCKING "with blocking by STI or by MOV SS, the activity state must be active"
#define R_GUEST_PAT                                                                                \
    "with \"load IA32_PAT\", each guest PAT entry must be a valid memory type (0, 1, 4, 5, 6, 7) " \
    "with bits 7:3 clear"
#define R_HOST_PAT                                                                                 \
    "with \"load IA32_PAT\" on exit, each host PAT entry must be a valid memory type (0, 1, 4, " \
    "5, 6, 7) with bits 7:3 clear"
#define R_DEBUGCTL "with \"load debug controls\", guest IA32_DEBUGCTL reserved bits must be 0"
#define R_ENTRY_MSRS                                                                               \
    "each VM-entry MSR-load entry must have bits 63:32 of its first quadword 0, name no x2APIC, " \
    "microcode, FS/GS base or SMM-only MSR, and hold a value WRMSR takes"
#define R_EXIT_MSRS                                                                                \
    "each VM-exit MSR-store and MSR-load entry must have bits 63:32 of its first quadword 0 and " \
    "name no x2APIC or microcode MSR (nor IA32_SMBASE to store, FS/GS base to load)"

/* --- the rule table itself ----------------------------------------------- */

/** Every rule has a section, a text and a test, and no two texts are the
 *  same (the table below finds rules by text). */
static void test_rule_table(void)
{
    CHECK(entry_rule_count > 0);
    for (unsigned i = 0; i < entry_rule_count; i++) {
        CHECK(entry_rules[i].section && entry_rules[i].section[0]);
        CHECK(entry_rules[i].rule && entry_rules[i].rule[0]);
        CHECK(entry_rules[i].holds != NULL);
        for (unsigned j = i + 1; j < entry_rule_count; j++)
            if (check_at(strcmp(entry_rules[i].rule, entry_rules[j].rule) != 0, __FILE__,
                         __LINE__, "rule texts differ"))
                check_end(": \"%s\"\n", entry_rules[i].rule);
    }
}

/** Every rule holds on the VMCS chapter 2 writes. */
static void test_valid_snapshot(void)
{
    struct vmcs_snapshot s = valid();
    for (unsigned i = 0; i < entry_rule_count; i++)
        if (check_at(entry_rules[i].holds(&s), __FILE__, __LINE__, "rule holds on valid()"))
            check_end(": \"%s\" (SDM \"%s\")\n", entry_rules[i].rule, entry_rules[i].section);
}

/* --- one field broken at a time ------------------------------------------ */

struct mutation {
    const char *name;
    void (*apply)(struct vmcs_snapshot *s);
    const char *breaks[4]; /**< the rules that must break; NULL-terminated */
};

static void cr0_pe_cleared(struct vmcs_snapshot *s) { s->guest_cr0 &= ~CR0_PE; }
static void rflags_zero(struct vmcs_snapshot *s) { s->guest_rflags = 0; }
static void cs_l_and_d(struct vmcs_snapshot *s) { s->seg[SEG_CS].access_rights |= AR_DB; }
static void activity_5(struct vmcs_snapshot *s) { s->guest_activity_state = 5; }
static void link_pointer_0(struct vmcs_snapshot *s) { s->vmcs_link_pointer = 0; }
static void tr_unusable(struct vmcs_snapshot *s) { s->seg[SEG_TR].access_rights |= AR_UNUSABLE; }
static void host_tr_0(struct vmcs_snapshot *s) { s->host_tr = 0; }
static void host_cr4_no_vmxe(struct vmcs_snapshot *s) { s->host_cr4 &= ~CR4_VMXE; }
static void pin_missing_default1(struct vmcs_snapshot *s) { s->pin &= ~(1u << 1); }
static void rip_noncanonical(struct vmcs_snapshot *s) { s->guest_rip = 0x0000800000000000ull; }
static void gdtr_limit_17_bits(struct vmcs_snapshot *s) { s->guest_gdtr_limit = 0x10000; }
static void ss_rpl_3(struct vmcs_snapshot *s) { s->seg[SEG_SS].selector = KERNEL_DS | 3; }
/* G = 1 but limit bits 11:0 not all 1: G must be 0. */
static void ds_limit_pages_low_bits(struct vmcs_snapshot *s) { s->seg[SEG_DS].limit = 0xFFFFF000; }
/* G = 0 but limit bits 31:20 not all 0: G must be 1. */
static void fs_limit_big_without_g(struct vmcs_snapshot *s)
{
    s->seg[SEG_FS].access_rights &= ~AR_G;
    s->seg[SEG_FS].limit = 0x100000;
}
static void hlt_with_ss_dpl_3(struct vmcs_snapshot *s)
{
    s->guest_activity_state = GUEST_ACTIVITY_HLT;
    s->seg[SEG_SS].access_rights |= AR_DPL_MASK;
    s->seg[SEG_CS].access_rights |= AR_DPL_MASK; /* keep CS.DPL = SS.DPL */
}
static void cr4_pae_cleared(struct vmcs_snapshot *s) { s->guest_cr4 &= ~CR4_PAE; }

/* Rules KVM's nested VMX checks too. */
static void cr3_targets_5(struct vmcs_snapshot *s) { s->cr3_target_count = 5; } /* misc allows 0 */
static void io_bitmap_b_unaligned(struct vmcs_snapshot *s) { s->io_bitmap_b += 8; }
static void msr_bitmap_beyond_width(struct vmcs_snapshot *s) { s->msr_bitmap = 1ull << 40; }
static void virtual_nmis_alone(struct vmcs_snapshot *s)
{
    s->pin = (s->pin & ~PIN_NMI_EXITING) | PIN_VIRTUAL_NMIS;
}
static void nmi_window_alone(struct vmcs_snapshot *s) { s->proc |= PROC_NMI_WINDOW_EXITING; }
static void timer_save_alone(struct vmcs_snapshot *s)
{
    s->pin &= ~PIN_ACTIVATE_VMX_PREEMPTION_TIMER;
    s->exit |= EXIT_SAVE_VMX_PREEMPTION_TIMER_VALUE;
}
static void exit_msr_store_unaligned(struct vmcs_snapshot *s)
{
    s->exit_msr_store_count = 1;
    s->exit_msr_store_address = 0x132008;
}
static void exit_msr_load_too_many(struct vmcs_snapshot *s)
{
    s->exit_msr_load_count = 513; /* misc bits 27:25 = 0: 512 at most */
    s->exit_msr_load_address = 0x132000;
}
static void entry_msr_load_past_width(struct vmcs_snapshot *s)
{
    s->entry_msr_load_count = 2;
    s->entry_msr_load_address = (1ull << 40) - 16; /* its second entry is beyond */
}
static void inject_type_1(struct vmcs_snapshot *s)
{
    s->entry_interruption_info = INTR_INFO_VALID | 1u << INTR_INFO_TYPE_SHIFT | 32u;
}
static void inject_nmi_vector_3(struct vmcs_snapshot *s)
{
    s->entry_interruption_info = INTR_INFO_VALID | INTR_TYPE_NMI << INTR_INFO_TYPE_SHIFT | 3u;
}
static void inject_mtf_without_mtf(struct vmcs_snapshot *s)
{
    s->proc_cap &= ~((uint64_t)PROC_MONITOR_TRAP_FLAG << 32); /* as on Bochs's haswell */
    s->entry_interruption_info = INTR_INFO_VALID | INTR_TYPE_OTHER_EVENT << INTR_INFO_TYPE_SHIFT;
}
static void inject_reserved_bit(struct vmcs_snapshot *s)
{
    s->entry_interruption_info = INTR_INFO_VALID |
                                 INTR_TYPE_HARDWARE_EXCEPTION << INTR_INFO_TYPE_SHIFT | VECTOR_UD |
                                 1u << 20;
}
static void inject_gp_without_error_code(struct vmcs_snapshot *s)
{
    s->entry_interruption_info =
        INTR_INFO_VALID | INTR_TYPE_HARDWARE_EXCEPTION << INTR_INFO_TYPE_SHIFT | VECTOR_GP;
}
static void inject_ud_with_error_code(struct vmcs_snapshot *s)
{
    s->entry_interruption_info = INTR_INFO_VALID | INTR_INFO_DELIVER_ERROR_CODE |
                                 INTR_TYPE_HARDWARE_EXCEPTION << INTR_INFO_TYPE_SHIFT | VECTOR_UD;
}
static void inject_gp_error_code_high(struct vmcs_snapshot *s)
{
    inject_gp_without_error_code(s);
    s->entry_interruption_info |= INTR_INFO_DELIVER_ERROR_CODE;
    s->entry_exception_error_code = 0x10000;
}
static void inject_int3_length_0(struct vmcs_snapshot *s)
{
    s->entry_interruption_info =
        INTR_INFO_VALID | INTR_TYPE_SOFTWARE_EXCEPTION << INTR_INFO_TYPE_SHIFT | VECTOR_BP;
    s->entry_instruction_length = 0;
}
static void inject_int_length_16(struct vmcs_snapshot *s)
{
    s->entry_interruption_info =
        INTR_INFO_VALID | INTR_TYPE_SOFTWARE_INTERRUPT << INTR_INFO_TYPE_SHIFT | 0x80u;
    s->entry_instruction_length = 16;
}
static void host_efer_sve(struct vmcs_snapshot *s) { s->host_efer |= 1ull << 12; }
static void host_32bit_exit(struct vmcs_snapshot *s) { s->exit &= ~EXIT_HOST_ADDRESS_SPACE_SIZE; }
static void guest_efer_bit_1(struct vmcs_snapshot *s) { s->guest_efer |= 1ull << 1; }
static void sti_blocking_in_hlt(struct vmcs_snapshot *s)
{
    s->guest_activity_state = GUEST_ACTIVITY_HLT;
    s->guest_interruptibility = GUEST_INTERRUPTIBILITY_BLOCKING_BY_STI;
}

/* Chapter 6's PAT, DEBUGCTL and MSR areas (6 entries: SYSCALL MSRs, KERNEL_GS_BASE, TSC_AUX). */
static struct vmx_msr_entry msr_area[2] __attribute__((aligned(16)));
static void guest_pat_type_2(struct vmcs_snapshot *s)
{
    s->entry |= ENTRY_LOAD_IA32_PAT;
    s->guest_pat = 0x0007040600070402ull;
}
static void host_pat_bit_3(struct vmcs_snapshot *s)
{
    s->exit |= EXIT_LOAD_IA32_PAT;
    s->host_pat = 0x0007040600070406ull | 1ull << 3;
}
static void debugctl_bit_16(struct vmcs_snapshot *s)
{
    s->entry |= ENTRY_LOAD_DEBUG_CONTROLS;
    s->guest_debugctl = 1ull << 16;
}
/* An area of two entries in this program's memory, below 2^47. */
static void msr_area_with(struct vmcs_snapshot *s, uint32_t index, uint32_t reserved,
                          uint64_t data)
{
    msr_area[0] = (struct vmx_msr_entry){0xC0000081u, 0, 0}; /* IA32_STAR, fine */
    msr_area[1] = (struct vmx_msr_entry){index, reserved, data};
    s->physical_address_width = 47;
}
static void entry_msr_fs_base(struct vmcs_snapshot *s)
{
    msr_area_with(s, 0xC0000100u, 0, 0);
    s->entry_msr_load = msr_area;
    s->entry_msr_load_count = 2;
    s->entry_msr_load_address = (uint64_t)(uintptr_t)msr_area;
}
static void entry_msr_lstar_noncanonical(struct vmcs_snapshot *s)
{
    entry_msr_fs_base(s);
    msr_area[1] = (struct vmx_msr_entry){0xC0000082u, 0, 1ull << 47};
}
static void exit_store_smbase(struct vmcs_snapshot *s)
{
    msr_area_with(s, 0x9Eu, 0, 0);
    s->exit_msr_store = msr_area;
    s->exit_msr_store_count = 2;
    s->exit_msr_store_address = (uint64_t)(uintptr_t)msr_area;
}
static void exit_load_reserved(struct vmcs_snapshot *s)
{
    msr_area_with(s, 0xC0000102u, 1, 0);
    s->exit_msr_load = msr_area;
    s->exit_msr_load_count = 2;
    s->exit_msr_load_address = (uint64_t)(uintptr_t)msr_area;
}
static void exit_load_x2apic(struct vmcs_snapshot *s)
{
    exit_load_reserved(s);
    msr_area[1] = (struct vmx_msr_entry){0x808u, 0, 0};
}

static const struct mutation mutations[] = {
    {"guest PAT with type 2", guest_pat_type_2, {R_GUEST_PAT}},
    {"host PAT with bit 3", host_pat_bit_3, {R_HOST_PAT}},
    {"guest DEBUGCTL bit 16", debugctl_bit_16, {R_DEBUGCTL}},
    {"VM-entry MSR-load of IA32_FS_BASE", entry_msr_fs_base, {R_ENTRY_MSRS}},
    {"VM-entry MSR-load of a non-canonical LSTAR", entry_msr_lstar_noncanonical, {R_ENTRY_MSRS}},
    {"VM-exit MSR-store of IA32_SMBASE", exit_store_smbase, {R_EXIT_MSRS}},
    {"VM-exit MSR-load entry with reserved bits", exit_load_reserved, {R_EXIT_MSRS}},
    {"VM-exit MSR-load of an x2APIC MSR", exit_load_x2apic, {R_EXIT_MSRS}},
    {"CR3-target count 5", cr3_targets_5, {R_CR3_TARGETS}},
    {"I/O bitmap B not page-aligned", io_bitmap_b_unaligned, {R_IO_BITMAPS}},
    {"MSR bitmap beyond 40 bits", msr_bitmap_beyond_width, {R_MSR_BITMAPS}},
    {"virtual NMIs without NMI exiting", virtual_nmis_alone, {R_NMI}},
    {"NMI-window exiting without virtual NMIs", nmi_window_alone, {R_NMI}},
    {"save preemption timer without the timer", timer_save_alone, {R_TIMER_SAVE}},
    {"VM-exit MSR-store area at 8 bytes", exit_msr_store_unaligned, {R_EXIT_MSR}},
    {"VM-exit MSR-load count 513", exit_msr_load_too_many, {R_EXIT_MSR}},
    {"VM-entry MSR-load area past 40 bits", entry_msr_load_past_width, {R_ENTRY_MSR}},
    {"injection of type 1", inject_type_1, {R_INJECT_TYPE}},
    {"injected NMI with vector 3", inject_nmi_vector_3, {R_INJECT_TYPE}},
    {"pending MTF injected without MTF", inject_mtf_without_mtf, {R_INJECT_TYPE}},
    {"injection with bit 20 set", inject_reserved_bit, {R_INJECT_TYPE}},
    {"#GP injected without its error code", inject_gp_without_error_code, {R_INJECT_ERROR}},
    {"#UD injected with an error code", inject_ud_with_error_code, {R_INJECT_ERROR}},
    {"#GP error code 0x10000", inject_gp_error_code_high, {R_INJECT_ERROR}},
    {"INT3 injected with length 0", inject_int3_length_0, {R_INJECT_LENGTH}},
    {"INT 80h injected with length 16", inject_int_length_16, {R_INJECT_LENGTH}},
    {"host EFER bit 12", host_efer_sve, {R_HOST_EFER}},
    {"host address-space size 0", host_32bit_exit,
     {R_HOST_64, R_HOST_EFER_LMA, R_HOST_32}},
    {"guest EFER bit 1", guest_efer_bit_1, {R_GUEST_EFER}},
    {"blocking by STI in HLT", sti_blocking_in_hlt, {R_BLOCKING}},
    {"guest CR0.PE cleared", cr0_pe_cleared, {R_CR0_FIXED0, R_PG_NEEDS_PE}},
    {"guest RFLAGS = 0", rflags_zero, {R_RFLAGS}},
    {"CS access rights with L and D", cs_l_and_d, {R_CS_L_D}},
    {"activity state 5", activity_5, {R_ACTIVITY}},
    {"VMCS link pointer 0", link_pointer_0, {R_LINK}},
    {"guest TR unusable", tr_unusable, {R_TR_USABLE}},
    {"host TR selector 0", host_tr_0, {R_HOST_TR}},
    {"host CR4 without VMXE", host_cr4_no_vmxe, {R_HOST_CR4}},
    {"pin controls without allowed-0 bit 1", pin_missing_default1, {R_PIN}},
    {"guest RIP non-canonical", rip_noncanonical, {R_RIP}},
    {"guest GDTR limit 0x10000", gdtr_limit_17_bits, {R_TABLE_LIMITS}},
    {"SS.RPL 3, CS.RPL 0", ss_rpl_3, {R_SS_RPL}},
    {"DS limit 0xFFFFF000 with G = 1", ds_limit_pages_low_bits, {R_LIMITS}},
    {"FS limit 0x100000 with G = 0", fs_limit_big_without_g, {R_LIMITS}},
    {"HLT with SS.DPL 3", hlt_with_ss_dpl_3, {R_HLT_DPL}},
    {"guest CR4.PAE cleared", cr4_pae_cleared, {R_IA32E_PAGING}},
};

/** Injections as hardware takes them break nothing: #GP with its error
 *  code in protected mode, #UD without, INT3 with its length, an NMI. */
static void test_valid_injections(void)
{
    static const char *const none[] = {NULL};
    struct vmcs_snapshot s = valid();
    inject_gp_without_error_code(&s);
    s.entry_interruption_info |= INTR_INFO_DELIVER_ERROR_CODE;
    s.entry_exception_error_code = 0xFFFF;
    check_broken("#GP with error code 0xFFFF", &s, none);
    s = valid();
    s.entry_interruption_info =
        INTR_INFO_VALID | INTR_TYPE_HARDWARE_EXCEPTION << INTR_INFO_TYPE_SHIFT | VECTOR_UD;
    check_broken("#UD", &s, none);
    inject_int3_length_0(&s);
    s.entry_instruction_length = 1;
    check_broken("INT3, length 1", &s, none);
    s.entry_interruption_info =
        INTR_INFO_VALID | INTR_TYPE_NMI << INTR_INFO_TYPE_SHIFT | VECTOR_NMI;
    check_broken("NMI", &s, none);
    s = valid();
    s.exit_msr_load_count = 512;
    s.exit_msr_load_address = 0x132000;
    check_broken("512 MSRs to load on exit", &s, none);
    s = valid();
    msr_area_with(&s, 0xC0000103u, 0, 0xFFFFFFFFull); /* IA32_TSC_AUX, bits 31:0 */
    s.entry_msr_load = s.exit_msr_store = s.exit_msr_load = msr_area;
    s.entry_msr_load_count = s.exit_msr_store_count = s.exit_msr_load_count = 2;
    s.entry_msr_load_address = s.exit_msr_store_address = s.exit_msr_load_address =
        (uint64_t)(uintptr_t)msr_area;
    s.entry |= ENTRY_LOAD_IA32_PAT | ENTRY_LOAD_DEBUG_CONTROLS;
    s.exit |= EXIT_LOAD_IA32_PAT;
    s.guest_pat = s.host_pat = 0x0007040600070406ull;
    s.guest_debugctl = 2; /* BTF */
    check_broken("chapter 6's PAT, DEBUGCTL and MSR areas", &s, none);
}

static void test_mutations(void)
{
    for (unsigned m = 0; m < sizeof mutations / sizeof mutations[0]; m++) {
        struct vmcs_snapshot s = valid();
        mutations[m].apply(&s);
        check_broken(mutations[m].name, &s, mutations[m].breaks);
    }
}

/** Limits that agree with G whichever way it is set break nothing. A
 *  descriptor's raw 20-bit limit 0xFFFFF copied into the VMCS with G = 1
 *  is one of them: bits 11:0 are all 1 and bits 31:20 all 0, so the SDM
 *  allows it (the segment is then 1 MiB long, not 4 GiB). */
static void test_limits_that_agree(void)
{
    static const char *const none[] = {NULL};
    struct vmcs_snapshot s = valid();
    s.seg[SEG_DS].limit = 0xFFFFF; /* G = 1 */
    check_broken("DS limit 0xFFFFF with G = 1", &s, none);

    s = valid();
    s.seg[SEG_DS].access_rights &= ~AR_G;
    s.seg[SEG_DS].limit = 0xFFFFF; /* G = 0 */
    check_broken("DS limit 0xFFFFF with G = 0", &s, none);

    /* An unusable segment's limit is not checked. */
    s = valid();
    s.seg[SEG_GS].access_rights = AR_UNUSABLE;
    s.seg[SEG_GS].limit = 0xFFFFF000;
    check_broken("unusable GS with a bad limit", &s, none);
}

/* --- unrestricted guest -------------------------------------------------- */

#define EPT_ROOT 0x200000ull      /* a page-aligned EPT PML4 */
#define EPTP_WB_4LEVEL 0x1Eull    /* memory type 6 (WB), walk length 4 - 1 in bits 5:3 */

/** A guest outside IA-32e mode, with PE = PG = 0 and the "unrestricted
 *  guest" control: the one exception to the CR0 fixed-0 rule. */
static struct vmcs_snapshot unrestricted_real_mode(bool unrestricted)
{
    struct vmcs_snapshot s = valid();
    if (unrestricted) {
        s.proc |= PROC_ACTIVATE_SECONDARY_CONTROLS;
        s.proc2 = PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST;
        /* Chapter 3's EPTP (write-back, 4-level walk) on a CPU that offers it. */
        s.eptp = EPT_ROOT | EPTP_WB_4LEVEL;
        s.ept_vpid_cap = EPT_CAP_MEMORY_TYPE_WB | EPT_CAP_PAGE_WALK_4;
    }
    s.entry &= ~ENTRY_IA_32E_MODE_GUEST;
    s.guest_efer = 0;
    s.guest_cr0 &= ~(CR0_PE | CR0_PG);
    return s;
}

static void test_unrestricted_guest(void)
{
    static const char *const none[] = {NULL};
    struct vmcs_snapshot s = unrestricted_real_mode(true);
    check_broken("unrestricted guest, CR0.PE = PG = 0", &s, none);

    /* The exception is only for PE and PG: NE is still fixed to 1. */
    s.guest_cr0 &= ~CR0_NE;
    check_broken("unrestricted guest, CR0.NE = 0", &s, (const char *const[]){R_CR0_FIXED0, NULL});

    /* PG = 1 still needs PE = 1. */
    s = unrestricted_real_mode(true);
    s.guest_cr0 |= CR0_PG;
    check_broken("unrestricted guest, CR0.PG = 1, PE = 0", &s,
                 (const char *const[]){R_PG_NEEDS_PE, NULL});

    /* Without the control, the same CR0 breaks the fixed-0 rule. */
    s = unrestricted_real_mode(false);
    check_broken("no unrestricted guest, CR0.PE = PG = 0", &s,
                 (const char *const[]){R_CR0_FIXED0, NULL});

    /* "Unrestricted guest" counts only with "activate secondary controls". */
    s = unrestricted_real_mode(true);
    s.proc &= ~PROC_ACTIVATE_SECONDARY_CONTROLS;
    check_broken("unrestricted guest not activated", &s,
                 (const char *const[]){R_CR0_FIXED0, NULL});

    /* And with it, SS.RPL may differ from CS.RPL. */
    s = unrestricted_real_mode(true);
    s.seg[SEG_SS].selector |= 3;
    check_broken("unrestricted guest, SS.RPL 3", &s, none);
}

/* Once a disagreement with the SDM, now fixed. */
static void test_unrestricted_cs_type(void)
{
    static const char *const none[] = {NULL};
    /* SDM "Checks on Guest Segment Registers": with "unrestricted guest",
     * CS type 3 (accessed read/write data) is allowed, with DPL 0, as after
     * a reset; guest_cs_type() accepts only 9, 11, 13 and 15. */
    struct vmcs_snapshot s = unrestricted_real_mode(true);
    s.seg[SEG_CS] = (struct segment_state){0xf000, 0xf0000, 0xffff,
                                           AR_P | AR_S | AR_TYPE_DATA_WRITABLE | AR_TYPE_ACCESSED};
    check_broken("unrestricted guest, CS type 3", &s, none);
}

/* --- checker_run ---------------------------------------------------------- */

/** checker_run() prints one line per broken rule and the tally. */
static void test_checker_run(void)
{
    char want[256];

    run_snapshot = valid();
    printed[0] = '\0';
    CHECK_EQ_U64(checker_run(NULL), 0);
    snprintf(want, sizeof want, "checker: %u of %u VM-entry rules hold\n", entry_rule_count,
             entry_rule_count);
    CHECK_STR(printed, want);

    run_snapshot = valid();
    link_pointer_0(&run_snapshot);
    printed[0] = '\0';
    CHECK_EQ_U64(checker_run(NULL), 1);
    snprintf(want, sizeof want,
             "checker: broken rule: %s (SDM \"Checks on Guest Non-Register State\")\n"
             "checker: %u of %u VM-entry rules hold\n",
             R_LINK, entry_rule_count - 1, entry_rule_count);
    CHECK_STR(printed, want);
}

#define R_UNRESTRICTED_EPT "\"unrestricted guest\" requires \"enable EPT\""
#define R_VPID "with \"enable VPID\", the VPID must not be 0000H"

/** The control rules of EPT and VPID, which chapter 3 sets: they hold
 *  while those controls are off (as in valid(), chapter 2's VMCS). */
static void test_ept_and_vpid_rules(void)
{
    static const char *const none[] = {NULL};
    struct vmcs_snapshot s = unrestricted_real_mode(true);
    s.proc2 &= ~PROC2_ENABLE_EPT;
    check_broken("unrestricted guest without EPT", &s,
                 (const char *const[]){R_UNRESTRICTED_EPT, NULL});

    s = valid();
    s.proc |= PROC_ACTIVATE_SECONDARY_CONTROLS;
    s.proc2 = PROC2_ENABLE_VPID;
    s.vpid = 0;
    check_broken("enable VPID with VPID 0", &s, (const char *const[]){R_VPID, NULL});
    s.vpid = 1;
    check_broken("enable VPID with VPID 1", &s, none);

    /* VPID 0 is fine while "enable VPID" is off, or not activated. */
    s.vpid = 0;
    s.proc &= ~PROC_ACTIVATE_SECONDARY_CONTROLS;
    check_broken("VPID 0, secondary controls not activated", &s, none);
}

int main(void)
{
    test_rule_table();
    test_valid_snapshot();
    test_mutations();
    test_valid_injections();
    test_limits_that_agree();
    test_unrestricted_guest();
    test_checker_run();
    test_unrestricted_cs_type();
    test_ept_and_vpid_rules();
    return CHECK_DONE("test_checker");
}
