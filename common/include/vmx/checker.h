/* SPDX-License-Identifier: MIT */
/** @file checker.h
 *  A software VM-entry checker: before VMLAUNCH, test the VMCS against the
 *  SDM's rules and name each one that is broken. Intel SDM Vol. 3C,
 *  "Checks on VMX Controls and Host-State Area" and "Checking and Loading
 *  Guest State". The rules cover every check KVM's nested VMX makes on VM
 *  entry for the fields stepvisor sets (docs/nested-kvm-checks.md), so an
 *  entry that passes here passes under KVM; the CPU checks yet more.
 *  One checker serves every chapter: the rules about EPT, VPID and
 *  unrestricted guest apply exactly when those controls are set, as on the
 *  CPU, so chapter 2's VMCS passes them without setting them. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/** An entry of a VM-exit MSR-store, VM-exit MSR-load or VM-entry MSR-load
 *  area ("VM-Exit Controls for MSRs"). */
struct vmx_msr_entry {
    uint32_t index;
    uint32_t reserved; /**< must be 0 */
    uint64_t data;
};

/** The guest segment registers, in VMCS encoding order. */
enum segment { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, SEGMENTS };

struct segment_state {
    uint64_t selector, base, limit, access_rights;
};

/** Everything the rules look at, read once from the current VMCS and the
 *  capability MSRs, so the rules themselves are pure functions. */
struct vmcs_snapshot {
    uint32_t pin, proc, proc2, exit, entry;          /**< control fields */
    uint64_t vpid;                                   /**< virtual-processor identifier */
    uint64_t pin_cap, proc_cap, proc2_cap, exit_cap, entry_cap;
    uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1, misc;
    unsigned physical_address_width;
    uint64_t guest_cr0, guest_cr3, guest_cr4, guest_dr7;
    uint64_t guest_rsp, guest_rip, guest_rflags;
    struct segment_state seg[SEGMENTS];
    uint64_t guest_gdtr_base, guest_gdtr_limit, guest_idtr_base, guest_idtr_limit;
    uint64_t guest_efer, guest_sysenter_esp, guest_sysenter_eip;
    uint64_t guest_pat, guest_debugctl;              /**< read where a control loads them */
    uint64_t guest_activity_state, guest_interruptibility, vmcs_link_pointer;
    uint64_t entry_interruption_info, entry_exception_error_code, entry_instruction_length;
    uint64_t cr3_target_count;                       /**< VM-execution control fields */
    uint64_t io_bitmap_a, io_bitmap_b, msr_bitmap;
    uint64_t exit_msr_store_count, exit_msr_store_address;
    uint64_t exit_msr_load_count, exit_msr_load_address;
    uint64_t entry_msr_load_count, entry_msr_load_address;
    uint64_t eptp, ept_vpid_cap;                     /**< EPT pointer, IA32_VMX_EPT_VPID_CAP */
    uint64_t host_cr0, host_cr3, host_cr4, host_rip;
    uint64_t host_cs, host_ss, host_ds, host_es, host_fs, host_gs, host_tr;
    uint64_t host_fs_base, host_gs_base, host_tr_base, host_gdtr_base, host_idtr_base;
    uint64_t host_sysenter_esp, host_sysenter_eip, host_efer, host_pat;
    /** The three MSR areas, readable (the hypervisor maps memory 1:1), or
     *  NULL where there is nothing to read. */
    const struct vmx_msr_entry *entry_msr_load, *exit_msr_store, *exit_msr_load;
};

/** One rule: the SDM section it comes from, what it demands, and a test. */
struct entry_rule {
    const char *section;
    const char *rule;
    bool (*holds)(const struct vmcs_snapshot *s);
};

/** The capability MSRs the chapter computed its controls from (the TRUE_*
 *  ones where IA32_VMX_BASIC offers them; proc2 is 0 when the secondary
 *  controls cannot be activated). The chapter's controls.c chooses them,
 *  so the chapter passes them in. */
struct checker_capabilities {
    uint64_t pin, proc, proc2, exit, entry;
};

/** Fills s from the current VMCS, caps and the other capability MSRs. */
void checker_snapshot(struct vmcs_snapshot *s, const struct checker_capabilities *caps);
/** The rules, and how many there are. */
extern const struct entry_rule entry_rules[];
extern const unsigned entry_rule_count;
/** Checks the current VMCS, prints each broken rule with its section, and
 *  returns how many are broken. */
unsigned checker_run(const struct checker_capabilities *caps);
