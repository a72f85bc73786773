/* SPDX-License-Identifier: MIT */
/* The rules of the software VM-entry checker, each named as the SDM states
 * it. The sections of Intel SDM Vol. 3C they come from are named in each
 * row, so a student can look the rule up. */
#include "printf.h"
#include "x86.h"
#include "vmx/access_rights.h"
#include "vmx/checker.h"
#include "vmx/vmx_capabilities.h"
#include "vmx/vmx_controls.h"

#define CONTROLS "Checks on VMX Controls"
#define HOST_REGS "Checks on Host Control Registers, MSRs, and SSP"
#define HOST_SEGS "Checks on Host Segment and Descriptor-Table Registers"
#define HOST_SIZE "Checks Related to Address-Space Size"
#define GUEST_REGS "Checks on Guest Control Registers, Debug Registers, and MSRs"
#define GUEST_SEGS "Checks on Guest Segment Registers"
#define GUEST_TABLES "Checks on Guest Descriptor-Table Registers"
#define GUEST_RIP "Checks on Guest RIP, RFLAGS, and SSP"
#define GUEST_OTHER "Checks on Guest Non-Register State"
#define ENTRY_MSRS "Loading MSRs" /* VM entries: a failure is exit reason 34 */
#define EXIT_MSRS "Saving MSRs\" and \"Loading MSRs" /* VM exits: a failure is a VMX abort */

#define RFLAGS_RESERVED_0 (0xFFFFFFFFFFC00000ull | (1ull << 15) | (1ull << 5) | (1ull << 3))
#define DESCRIPTOR_TABLE_LIMIT_MAX 0xFFFFull
#define INTERRUPTIBILITY_RESERVED 0xFFFFFFE0ull
#define SEGMENT_LIMIT_PAGE_BITS 0xFFFull       /* limit bits 11:0 */
#define SEGMENT_LIMIT_HIGH_BITS 0xFFF00000ull  /* limit bits 31:20 */
#define ACTIVITY_STATE_MAX GUEST_ACTIVITY_WAIT_FOR_SIPI
#define LINK_POINTER_NONE (~0ull)
#define PAGE_OFFSET_MASK 0xFFFull              /* a 4-KByte aligned address has these 0 */
#define MSR_AREA_ALIGNMENT_MASK 0xFull         /* MSR areas are 16-byte aligned */
#define MSR_AREA_ENTRY_BYTES 16ull
#define MSR_LIST_UNIT 512ull                   /* entries per IA32_VMX_MISC[27:25] step */
#define MSR_LIST_SHIFT 25
#define MSR_LIST_MASK 0x7ull
#define MISC_ZERO_LENGTH_INJECTION (1ull << 30)
#define EFER_DEFINED (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)
#define PAT_ENTRY_RESERVED 0xF8F8F8F8F8F8F8F8ull /* bits 7:3 of each of the 8 entries */
#define PAT_TYPE_2_OR_3 0x0202020202020202ull     /* bit 1 without bit 2: type 2 or 3 */
/* IA32_DEBUGCTL: LBR, BTF, bus-lock detect (bit 2), bits 15:6; the rest reserved. */
#define DEBUGCTL_DEFINED 0xFFC7ull
/* MSRs the MSR areas may not name ("Loading MSRs", "Saving MSRs"). */
#define MSR_X2APIC_HIGH_BITS 0x8u /* bits 31:8 of an x2APIC MSR's index */
#define MSR_X2APIC_SHIFT 8
#define MSR_BIOS_UPDT_TRIG 0x79u
#define MSR_BIOS_SIGN_ID 0x8Bu
#define MSR_SMM_MONITOR_CTL 0x9Bu
#define MSR_SMBASE 0x9Eu
#define MSR_FS_BASE 0xC0000100u
#define MSR_GS_BASE 0xC0000101u
#define MSR_LSTAR 0xC0000082u
#define MSR_CSTAR 0xC0000083u
#define MSR_KERNEL_GS_BASE 0xC0000102u
#define MSR_TSC_AUX 0xC0000103u
/* The VM-entry interruption-information field (SDM "VM-Entry Controls for
 * Event Injection"): bits 30:12 are reserved, type 1 is reserved. */
#define INTR_INFO_RESERVED 0x7FFFF000ull
#define INTR_TYPE_RESERVED 1u
#define VECTOR_LAST_EXCEPTION 31u
/* The exceptions that push an error code. */
#define EXCEPTIONS_WITH_ERROR_CODE                                                    \
    ((1u << VECTOR_DF) | (1u << VECTOR_TS) | (1u << VECTOR_NP) | (1u << VECTOR_SS) |   \
     (1u << VECTOR_GP) | (1u << VECTOR_PF) | (1u << VECTOR_AC) |                       \
     (1u << VECTOR_CP))
#define ERROR_CODE_HIGH_BITS 0xFFFF0000ull
#define INSTRUCTION_LENGTH_MAX 15u
/* The EPT pointer (SDM "Extended-Page-Table Pointer (EPTP)"): bits 2:0
 * memory type, 5:3 walk length minus 1, 6 accessed and dirty flags, 11:7
 * reserved. Chapter 3's ept.h names the values it builds; the checker
 * reads any EPTP, with no chapter's header. */
#define EPTP_MEMORY_TYPE_MASK 0x7ull
#define EPTP_MEMORY_TYPE_UC 0ull
#define EPTP_MEMORY_TYPE_WB 6ull
#define EPTP_WALK_LENGTH_SHIFT 3
#define EPTP_WALK_LENGTH_MASK 0x7ull
#define EPTP_ACCESSED_DIRTY (1ull << 6)
#define EPTP_WALK_4 3ull
#define EPTP_WALK_5 4ull
#define EPTP_RESERVED 0xF80ull

/* --- helpers ----------------------------------------------------------- */

static bool fits(uint32_t controls, uint64_t capability)
{
    return (controls & VMX_CTLS_ALLOWED0(capability)) == VMX_CTLS_ALLOWED0(capability) &&
           (controls & ~VMX_CTLS_ALLOWED1(capability)) == 0;
}

static bool ia32e_guest(const struct vmcs_snapshot *s)
{
    return s->entry & ENTRY_IA_32E_MODE_GUEST;
}

static bool unrestricted(const struct vmcs_snapshot *s)
{
    return (s->proc & PROC_ACTIVATE_SECONDARY_CONTROLS) &&
           (s->proc2 & PROC2_UNRESTRICTED_GUEST);
}

static bool usable(const struct segment_state *seg)
{
    return !(seg->access_rights & AR_UNUSABLE);
}

static unsigned dpl(const struct segment_state *seg)
{
    return (seg->access_rights & AR_DPL_MASK) >> AR_DPL_SHIFT;
}

static bool within_physical_width(uint64_t address, unsigned width)
{
    return width >= 64 || (address >> width) == 0;
}

/* A page-aligned address within the physical-address width: what the SDM
 * demands of the I/O and MSR bitmap addresses. */
static bool page_address_ok(uint64_t address, unsigned width)
{
    return !(address & PAGE_OFFSET_MASK) && within_physical_width(address, width);
}

/* An MSR-load or MSR-store area: with a non-zero count, 16-byte aligned, and
 * its last byte within the physical-address width; the count no larger than
 * IA32_VMX_MISC recommends (512 times bits 27:25 plus 1). */
static bool msr_area_ok(uint64_t count, uint64_t address, const struct vmcs_snapshot *s)
{
    if (count == 0)
        return true;
    uint64_t max = MSR_LIST_UNIT * (((s->misc >> MSR_LIST_SHIFT) & MSR_LIST_MASK) + 1);
    if (count > max || (address & MSR_AREA_ALIGNMENT_MASK))
        return false;
    uint64_t last = address + count * MSR_AREA_ENTRY_BYTES - 1; /* count <= 4096: no wrap */
    return last >= address && within_physical_width(last, s->physical_address_width);
}

/* "Memory Types" in the PAT: each entry 0, 1, 4, 5, 6 or 7. */
static bool pat_valid(uint64_t pat)
{
    return !(pat & PAT_ENTRY_RESERVED) && !(pat & PAT_TYPE_2_OR_3 & ~(pat >> 1));
}

/* One entry of an MSR area, checked as the CPU checks it when it loads
 * (load) or stores it: reserved bits 0, no x2APIC MSR, no microcode MSR;
 * for a load no FS or GS base, nor an SMM-only MSR, and a value WRMSR would
 * take (the address MSRs canonical, IA32_TSC_AUX's bits 63:32 zero); for a
 * store not IA32_SMBASE. */
static bool msr_entry_ok(const struct vmx_msr_entry *e, bool load)
{
    uint32_t i = e->index;
    if (e->reserved || i >> MSR_X2APIC_SHIFT == MSR_X2APIC_HIGH_BITS ||
        i == MSR_BIOS_UPDT_TRIG || i == MSR_BIOS_SIGN_ID)
        return false;
    if (!load)
        return i != MSR_SMBASE;
    if (i == MSR_FS_BASE || i == MSR_GS_BASE || i == MSR_SMM_MONITOR_CTL)
        return false;
    if (i == MSR_LSTAR || i == MSR_CSTAR || i == MSR_KERNEL_GS_BASE)
        return is_canonical(e->data);
    return i != MSR_TSC_AUX || !(e->data >> 32);
}

/* Every entry of an area that msr_area_ok accepts. */
static bool msr_entries_ok(const struct vmx_msr_entry *e, uint64_t count, uint64_t address,
                           bool load, const struct vmcs_snapshot *s)
{
    if (!e || !msr_area_ok(count, address, s))
        return true; /* nothing to read, or the rule on the area's place breaks */
    for (uint64_t i = 0; i < count; i++)
        if (!msr_entry_ok(&e[i], load))
            return false;
    return true;
}

static unsigned injected_type(const struct vmcs_snapshot *s)
{
    return (unsigned)((s->entry_interruption_info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT);
}

static bool injecting(const struct vmcs_snapshot *s)
{
    return s->entry_interruption_info & INTR_INFO_VALID;
}

static bool limit_agrees_with_granularity(const struct segment_state *seg)
{
    bool g = seg->access_rights & AR_G;
    if ((seg->limit & SEGMENT_LIMIT_PAGE_BITS) != SEGMENT_LIMIT_PAGE_BITS && g)
        return false;
    if ((seg->limit & SEGMENT_LIMIT_HIGH_BITS) && !g)
        return false;
    return true;
}

/* --- VM-execution, VM-exit and VM-entry controls ------------------------- */

static bool pin_fits(const struct vmcs_snapshot *s) { return fits(s->pin, s->pin_cap); }
static bool proc_fits(const struct vmcs_snapshot *s) { return fits(s->proc, s->proc_cap); }
static bool proc2_fits(const struct vmcs_snapshot *s)
{
    return !(s->proc & PROC_ACTIVATE_SECONDARY_CONTROLS) || fits(s->proc2, s->proc2_cap);
}
static bool exit_fits(const struct vmcs_snapshot *s) { return fits(s->exit, s->exit_cap); }
static bool entry_fits(const struct vmcs_snapshot *s) { return fits(s->entry, s->entry_cap); }

static bool unrestricted_needs_ept(const struct vmcs_snapshot *s)
{
    return !unrestricted(s) || (s->proc2 & PROC2_ENABLE_EPT);
}

/* The EPT pointer (SDM "VM-Execution Control Fields", EPTP): a memory type
 * and a page-walk length that IA32_VMX_EPT_VPID_CAP offers, reserved bits
 * 11:7 clear, no bit beyond the physical-address width, and accessed and
 * dirty flags only where offered. */
static bool eptp_valid(const struct vmcs_snapshot *s)
{
    if (!(s->proc2 & PROC2_ENABLE_EPT))
        return true;
    uint64_t e = s->eptp, caps = s->ept_vpid_cap;
    uint64_t type = e & EPTP_MEMORY_TYPE_MASK;
    uint64_t walk = (e >> EPTP_WALK_LENGTH_SHIFT) & EPTP_WALK_LENGTH_MASK;
    bool type_ok = (type == EPTP_MEMORY_TYPE_UC && (caps & EPT_CAP_MEMORY_TYPE_UC)) ||
                   (type == EPTP_MEMORY_TYPE_WB && (caps & EPT_CAP_MEMORY_TYPE_WB));
    bool walk_ok = (walk == EPTP_WALK_4 && (caps & EPT_CAP_PAGE_WALK_4)) ||
                   (walk == EPTP_WALK_5 && (caps & EPT_CAP_PAGE_WALK_5));
    bool ad_ok = !(e & EPTP_ACCESSED_DIRTY) || (caps & EPT_CAP_ACCESSED_DIRTY);
    return type_ok && walk_ok && ad_ok && !(e & EPTP_RESERVED) &&
           within_physical_width(e & ~PAGE_OFFSET_MASK, s->physical_address_width);
}

static bool vpid_nonzero(const struct vmcs_snapshot *s)
{
    bool on = (s->proc & PROC_ACTIVATE_SECONDARY_CONTROLS) && (s->proc2 & PROC2_ENABLE_VPID);
    return !on || s->vpid != 0;
}

static bool cr3_target_count(const struct vmcs_snapshot *s)
{
    return s->cr3_target_count <=
           ((s->misc >> VMX_MISC_CR3_TARGETS_SHIFT) & VMX_MISC_CR3_TARGETS_MASK);
}

static bool io_bitmaps(const struct vmcs_snapshot *s)
{
    return !(s->proc & PROC_USE_IO_BITMAPS) ||
           (page_address_ok(s->io_bitmap_a, s->physical_address_width) &&
            page_address_ok(s->io_bitmap_b, s->physical_address_width));
}

static bool msr_bitmaps(const struct vmcs_snapshot *s)
{
    return !(s->proc & PROC_USE_MSR_BITMAPS) ||
           page_address_ok(s->msr_bitmap, s->physical_address_width);
}

static bool nmi_controls(const struct vmcs_snapshot *s)
{
    bool virtual_nmis = s->pin & PIN_VIRTUAL_NMIS;
    return (!virtual_nmis || (s->pin & PIN_NMI_EXITING)) &&
           (virtual_nmis || !(s->proc & PROC_NMI_WINDOW_EXITING));
}

static bool preemption_timer_save(const struct vmcs_snapshot *s)
{
    return !(s->exit & EXIT_SAVE_VMX_PREEMPTION_TIMER_VALUE) ||
           (s->pin & PIN_ACTIVATE_VMX_PREEMPTION_TIMER);
}

static bool exit_msr_areas(const struct vmcs_snapshot *s)
{
    return msr_area_ok(s->exit_msr_store_count, s->exit_msr_store_address, s) &&
           msr_area_ok(s->exit_msr_load_count, s->exit_msr_load_address, s);
}

static bool entry_msr_area(const struct vmcs_snapshot *s)
{
    return msr_area_ok(s->entry_msr_load_count, s->entry_msr_load_address, s);
}

static bool injection_type_and_vector(const struct vmcs_snapshot *s)
{
    if (!injecting(s))
        return true;
    unsigned type = injected_type(s);
    unsigned vector = (unsigned)(s->entry_interruption_info & INTR_INFO_VECTOR_MASK);
    if (s->entry_interruption_info & INTR_INFO_RESERVED || type == INTR_TYPE_RESERVED)
        return false;
    if (type == INTR_TYPE_OTHER_EVENT) /* pending MTF: only with the monitor trap flag */
        return vector == 0 && (VMX_CTLS_ALLOWED1(s->proc_cap) & PROC_MONITOR_TRAP_FLAG);
    if (type == INTR_TYPE_NMI)
        return vector == VECTOR_NMI;
    return type != INTR_TYPE_HARDWARE_EXCEPTION || vector <= VECTOR_LAST_EXCEPTION;
}

static bool injection_error_code(const struct vmcs_snapshot *s)
{
    if (!injecting(s))
        return true;
    unsigned vector = (unsigned)(s->entry_interruption_info & INTR_INFO_VECTOR_MASK);
    /* Real mode has no error codes; without unrestricted guest CR0.PE is 1. */
    bool protected_mode = !unrestricted(s) || (s->guest_cr0 & CR0_PE);
    bool should = injected_type(s) == INTR_TYPE_HARDWARE_EXCEPTION && protected_mode &&
                  vector <= VECTOR_LAST_EXCEPTION && (EXCEPTIONS_WITH_ERROR_CODE >> vector & 1u);
    bool has = s->entry_interruption_info & INTR_INFO_DELIVER_ERROR_CODE;
    return has == should && (!has || !(s->entry_exception_error_code & ERROR_CODE_HIGH_BITS));
}

static bool injection_instruction_length(const struct vmcs_snapshot *s)
{
    unsigned type = injected_type(s);
    if (!injecting(s) || (type != INTR_TYPE_SOFTWARE_INTERRUPT &&
                          type != INTR_TYPE_PRIVILEGED_SOFTWARE_EXCEPTION &&
                          type != INTR_TYPE_SOFTWARE_EXCEPTION))
        return true;
    uint64_t length = s->entry_instruction_length;
    return length <= INSTRUCTION_LENGTH_MAX &&
           (length != 0 || (s->misc & MISC_ZERO_LENGTH_INJECTION));
}

/* --- host state -------------------------------------------------------- */

static bool host_cr0_fixed(const struct vmcs_snapshot *s)
{
    return (s->host_cr0 & s->cr0_fixed0) == s->cr0_fixed0 &&
           (s->host_cr0 & ~s->cr0_fixed1 & LOW_32_BITS) == 0;
}

static bool host_cr4_fixed(const struct vmcs_snapshot *s)
{
    return (s->host_cr4 & s->cr4_fixed0) == s->cr4_fixed0 &&
           (s->host_cr4 & ~s->cr4_fixed1 & LOW_32_BITS) == 0;
}

static bool host_cr3_width(const struct vmcs_snapshot *s)
{
    return within_physical_width(s->host_cr3, s->physical_address_width);
}

static bool host_selectors_rpl_ti(const struct vmcs_snapshot *s)
{
    uint64_t all = s->host_cs | s->host_ss | s->host_ds | s->host_es | s->host_fs |
                   s->host_gs | s->host_tr;
    return (all & (SELECTOR_RPL_MASK | SELECTOR_TI)) == 0;
}

static bool host_cs_nonzero(const struct vmcs_snapshot *s) { return s->host_cs != 0; }
static bool host_tr_nonzero(const struct vmcs_snapshot *s) { return s->host_tr != 0; }

static bool host_bases_canonical(const struct vmcs_snapshot *s)
{
    return is_canonical(s->host_fs_base) && is_canonical(s->host_gs_base) &&
           is_canonical(s->host_tr_base) && is_canonical(s->host_gdtr_base) &&
           is_canonical(s->host_idtr_base) && is_canonical(s->host_sysenter_esp) &&
           is_canonical(s->host_sysenter_eip);
}

static bool host_64bit(const struct vmcs_snapshot *s)
{
    /* This hypervisor runs in IA-32e mode, so it must return to it. */
    return s->exit & EXIT_HOST_ADDRESS_SPACE_SIZE;
}

static bool host_64bit_pae_rip(const struct vmcs_snapshot *s)
{
    return !(s->exit & EXIT_HOST_ADDRESS_SPACE_SIZE) ||
           ((s->host_cr4 & CR4_PAE) && is_canonical(s->host_rip));
}

static bool host_efer_lma_lme(const struct vmcs_snapshot *s)
{
    if (!(s->exit & EXIT_LOAD_IA32_EFER))
        return true;
    bool size = s->exit & EXIT_HOST_ADDRESS_SPACE_SIZE;
    return (bool)(s->host_efer & EFER_LMA) == size && (bool)(s->host_efer & EFER_LME) == size;
}

static bool host_efer_reserved(const struct vmcs_snapshot *s)
{
    return !(s->exit & EXIT_LOAD_IA32_EFER) || !(s->host_efer & ~EFER_DEFINED);
}

static bool host_32bit(const struct vmcs_snapshot *s)
{
    return (s->exit & EXIT_HOST_ADDRESS_SPACE_SIZE) ||
           (s->host_ss != 0 && !(s->host_cr4 & CR4_PCIDE) && (s->host_rip >> 32) == 0 &&
            !ia32e_guest(s));
}

/* --- guest control registers and MSRs ---------------------------------- */

static bool guest_cr0_fixed0(const struct vmcs_snapshot *s)
{
    uint64_t must_be_1 = s->cr0_fixed0;
    if (unrestricted(s))
        must_be_1 &= ~(CR0_PE | CR0_PG); /* the one exception */
    return (s->guest_cr0 & must_be_1) == must_be_1;
}

static bool guest_cr0_fixed1(const struct vmcs_snapshot *s)
{
    return (s->guest_cr0 & ~s->cr0_fixed1 & LOW_32_BITS) == 0;
}

static bool guest_cr0_pg_needs_pe(const struct vmcs_snapshot *s)
{
    return !(s->guest_cr0 & CR0_PG) || (s->guest_cr0 & CR0_PE);
}

static bool guest_cr4_fixed(const struct vmcs_snapshot *s)
{
    return (s->guest_cr4 & s->cr4_fixed0) == s->cr4_fixed0 &&
           (s->guest_cr4 & ~s->cr4_fixed1 & LOW_32_BITS) == 0;
}

static bool guest_ia32e_paging(const struct vmcs_snapshot *s)
{
    return !ia32e_guest(s) || ((s->guest_cr0 & CR0_PG) && (s->guest_cr4 & CR4_PAE));
}

static bool guest_pcide_needs_ia32e(const struct vmcs_snapshot *s)
{
    return ia32e_guest(s) || !(s->guest_cr4 & CR4_PCIDE);
}

static bool guest_cr3_width(const struct vmcs_snapshot *s)
{
    return within_physical_width(s->guest_cr3, s->physical_address_width);
}

static bool guest_dr7_high(const struct vmcs_snapshot *s)
{
    return !(s->entry & ENTRY_LOAD_DEBUG_CONTROLS) || (s->guest_dr7 >> 32) == 0;
}

static bool guest_debugctl_reserved(const struct vmcs_snapshot *s)
{
    return !(s->entry & ENTRY_LOAD_DEBUG_CONTROLS) || !(s->guest_debugctl & ~DEBUGCTL_DEFINED);
}

static bool guest_pat(const struct vmcs_snapshot *s)
{
    return !(s->entry & ENTRY_LOAD_IA32_PAT) || pat_valid(s->guest_pat);
}

static bool host_pat(const struct vmcs_snapshot *s)
{
    return !(s->exit & EXIT_LOAD_IA32_PAT) || pat_valid(s->host_pat);
}

static bool entry_msr_load_entries(const struct vmcs_snapshot *s)
{
    return msr_entries_ok(s->entry_msr_load, s->entry_msr_load_count, s->entry_msr_load_address,
                          true, s);
}

static bool exit_msr_entries(const struct vmcs_snapshot *s)
{
    return msr_entries_ok(s->exit_msr_store, s->exit_msr_store_count,
                          s->exit_msr_store_address, false, s) &&
           msr_entries_ok(s->exit_msr_load, s->exit_msr_load_count, s->exit_msr_load_address,
                          true, s);
}

static bool guest_sysenter_canonical(const struct vmcs_snapshot *s)
{
    return is_canonical(s->guest_sysenter_esp) && is_canonical(s->guest_sysenter_eip);
}

static bool guest_efer_lma(const struct vmcs_snapshot *s)
{
    return !(s->entry & ENTRY_LOAD_IA32_EFER) ||
           (bool)(s->guest_efer & EFER_LMA) == ia32e_guest(s);
}

static bool guest_efer_reserved(const struct vmcs_snapshot *s)
{
    return !(s->entry & ENTRY_LOAD_IA32_EFER) || !(s->guest_efer & ~EFER_DEFINED);
}

static bool guest_efer_lme(const struct vmcs_snapshot *s)
{
    return !(s->entry & ENTRY_LOAD_IA32_EFER) || !(s->guest_cr0 & CR0_PG) ||
           (bool)(s->guest_efer & EFER_LMA) == (bool)(s->guest_efer & EFER_LME);
}

/* --- guest segment registers ------------------------------------------- */

static bool guest_tr_ti(const struct vmcs_snapshot *s)
{
    return !(s->seg[SEG_TR].selector & SELECTOR_TI);
}

static bool guest_ldtr_ti(const struct vmcs_snapshot *s)
{
    return !usable(&s->seg[SEG_LDTR]) || !(s->seg[SEG_LDTR].selector & SELECTOR_TI);
}

static bool guest_ss_rpl(const struct vmcs_snapshot *s)
{
    return unrestricted(s) || (s->seg[SEG_SS].selector & SELECTOR_RPL_MASK) ==
                                  (s->seg[SEG_CS].selector & SELECTOR_RPL_MASK);
}

static bool guest_cs_type(const struct vmcs_snapshot *s)
{
    unsigned type = s->seg[SEG_CS].access_rights & AR_TYPE_MASK;
    /* An unrestricted guest may also use a read/write accessed data type. */
    bool data_ok = unrestricted(s) && type == (AR_TYPE_DATA_WRITABLE | AR_TYPE_ACCESSED) &&
                   dpl(&s->seg[SEG_CS]) == 0;
    return ((type & AR_TYPE_CODE) && (type & AR_TYPE_ACCESSED)) || data_ok;
}

static bool guest_segments_present(const struct vmcs_snapshot *s)
{
    for (int i = SEG_ES; i <= SEG_GS; i++) {
        const struct segment_state *seg = &s->seg[i];
        if ((usable(seg) || i == SEG_CS) &&
            (!(seg->access_rights & AR_P) || !(seg->access_rights & AR_S)))
            return false;
    }
    return true;
}

static bool guest_access_rights_reserved(const struct vmcs_snapshot *s)
{
    for (int i = 0; i < SEGMENTS; i++)
        if ((usable(&s->seg[i]) || i == SEG_CS || i == SEG_TR) &&
            (s->seg[i].access_rights & AR_RESERVED_MASK))
            return false;
    return true;
}

static bool guest_cs_l_and_d(const struct vmcs_snapshot *s)
{
    uint64_t ar = s->seg[SEG_CS].access_rights;
    return !(ia32e_guest(s) && (ar & AR_L) && (ar & AR_DB));
}

static bool guest_cs_ss_dpl(const struct vmcs_snapshot *s)
{
    /* Non-conforming code (types 9 and 11): DPL(CS) = DPL(SS). */
    unsigned type = s->seg[SEG_CS].access_rights & AR_TYPE_MASK;
    bool conforming = type & (1u << 2);
    return unrestricted(s) || conforming || dpl(&s->seg[SEG_CS]) == dpl(&s->seg[SEG_SS]);
}

static bool guest_limits_granularity(const struct vmcs_snapshot *s)
{
    for (int i = 0; i < SEGMENTS; i++)
        if ((usable(&s->seg[i]) || i == SEG_CS || i == SEG_TR) &&
            !limit_agrees_with_granularity(&s->seg[i]))
            return false;
    return true;
}

static bool guest_tr_usable(const struct vmcs_snapshot *s)
{
    uint64_t ar = s->seg[SEG_TR].access_rights;
    return !(ar & AR_UNUSABLE) && (ar & AR_P) && !(ar & AR_S);
}

static bool guest_tr_type(const struct vmcs_snapshot *s)
{
    unsigned type = s->seg[SEG_TR].access_rights & AR_TYPE_MASK;
    return type == AR_TYPE_TSS_BUSY_64 || (!ia32e_guest(s) && type == AR_TYPE_TSS_BUSY_16);
}

static bool guest_bases(const struct vmcs_snapshot *s)
{
    if (!is_canonical(s->seg[SEG_FS].base) || !is_canonical(s->seg[SEG_GS].base) ||
        !is_canonical(s->seg[SEG_TR].base))
        return false;
    if (usable(&s->seg[SEG_LDTR]) && !is_canonical(s->seg[SEG_LDTR].base))
        return false;
    return (s->seg[SEG_CS].base >> 32) == 0;
}

/* --- guest descriptor tables, RIP and RFLAGS ----------------------------- */

static bool guest_table_bases(const struct vmcs_snapshot *s)
{
    return is_canonical(s->guest_gdtr_base) && is_canonical(s->guest_idtr_base);
}

static bool guest_table_limits(const struct vmcs_snapshot *s)
{
    return s->guest_gdtr_limit <= DESCRIPTOR_TABLE_LIMIT_MAX &&
           s->guest_idtr_limit <= DESCRIPTOR_TABLE_LIMIT_MAX;
}

static bool guest_rip(const struct vmcs_snapshot *s)
{
    if (ia32e_guest(s) && (s->seg[SEG_CS].access_rights & AR_L))
        return is_canonical(s->guest_rip);
    return (s->guest_rip >> 32) == 0;
}

static bool guest_rflags_reserved(const struct vmcs_snapshot *s)
{
    return !(s->guest_rflags & RFLAGS_RESERVED_0) && (s->guest_rflags & RFLAGS_RESERVED_1);
}

static bool guest_rflags_vm(const struct vmcs_snapshot *s)
{
    return !(s->guest_rflags & RFLAGS_VM) ||
           (!ia32e_guest(s) && (s->guest_cr0 & CR0_PE));
}

/* --- guest non-register state ------------------------------------------ */

static bool guest_activity_state(const struct vmcs_snapshot *s)
{
    static const uint64_t supported[] = {
        [GUEST_ACTIVITY_HLT] = VMX_MISC_ACTIVITY_HLT,
        [GUEST_ACTIVITY_SHUTDOWN] = VMX_MISC_ACTIVITY_SHUTDOWN,
        [GUEST_ACTIVITY_WAIT_FOR_SIPI] = VMX_MISC_ACTIVITY_WAIT_FOR_SIPI,
    };
    uint64_t a = s->guest_activity_state;
    return a == GUEST_ACTIVITY_ACTIVE || (a <= ACTIVITY_STATE_MAX && (s->misc & supported[a]));
}

static bool guest_hlt_needs_dpl0(const struct vmcs_snapshot *s)
{
    return s->guest_activity_state != GUEST_ACTIVITY_HLT || dpl(&s->seg[SEG_SS]) == 0;
}

static bool guest_interruptibility(const struct vmcs_snapshot *s)
{
    uint64_t i = s->guest_interruptibility;
    uint64_t both = GUEST_INTERRUPTIBILITY_BLOCKING_BY_STI |
                    GUEST_INTERRUPTIBILITY_BLOCKING_BY_MOV_SS;
    return !(i & INTERRUPTIBILITY_RESERVED) && (i & both) != both;
}

static bool guest_blocking_needs_active(const struct vmcs_snapshot *s)
{
    uint64_t both = GUEST_INTERRUPTIBILITY_BLOCKING_BY_STI |
                    GUEST_INTERRUPTIBILITY_BLOCKING_BY_MOV_SS;
    return !(s->guest_interruptibility & both) ||
           s->guest_activity_state == GUEST_ACTIVITY_ACTIVE;
}

static bool guest_link_pointer(const struct vmcs_snapshot *s)
{
    return s->vmcs_link_pointer == LINK_POINTER_NONE;
}

const struct entry_rule entry_rules[] = {
    {CONTROLS,
     "pin-based controls must respect the allowed 0- and 1-settings of its capability MSR",
     pin_fits},
    {CONTROLS,
     "primary processor-based controls must respect the allowed 0- and 1-settings of its "
     "capability MSR",
     proc_fits},
    {CONTROLS,
     "secondary processor-based controls must respect the allowed 0- and 1-settings of "
     "IA32_VMX_PROCBASED_CTLS2",
     proc2_fits},
    {CONTROLS, "VM-exit controls must respect the allowed 0- and 1-settings of its capability MSR",
     exit_fits},
    {CONTROLS, "VM-entry controls must respect the allowed 0- and 1-settings of its capability MSR",
     entry_fits},
    {CONTROLS, "the CR3-target count must not exceed the number IA32_VMX_MISC bits 24:16 give",
     cr3_target_count},
    {CONTROLS,
     "with \"use I/O bitmaps\", the addresses of I/O bitmaps A and B must be 4-KByte aligned and "
     "within the physical-address width",
     io_bitmaps},
    {CONTROLS,
     "with \"use MSR bitmaps\", the address of the MSR bitmaps must be 4-KByte aligned and within "
     "the physical-address width",
     msr_bitmaps},
    {CONTROLS,
     "\"virtual NMIs\" requires \"NMI exiting\", and \"NMI-window exiting\" requires \"virtual "
     "NMIs\"",
     nmi_controls},
    {CONTROLS, "\"save VMX-preemption timer value\" requires \"activate VMX-preemption timer\"",
     preemption_timer_save},
    {CONTROLS,
     "VM-exit MSR-store and MSR-load areas with a non-zero count must be 16-byte aligned, end "
     "within the physical-address width and hold no more entries than IA32_VMX_MISC recommends",
     exit_msr_areas},
    {CONTROLS,
     "a VM-entry MSR-load area with a non-zero count must be 16-byte aligned, end within the "
     "physical-address width and hold no more entries than IA32_VMX_MISC recommends",
     entry_msr_area},
    {CONTROLS,
     "an injected event must have reserved bits 30:12 clear, a type other than 1 (7 only with the "
     "monitor trap flag) and a vector its type allows (NMI 2, exceptions 0-31)",
     injection_type_and_vector},
    {CONTROLS,
     "an injected event delivers an error code exactly when it is a hardware exception that has "
     "one, in protected mode; the error code's bits 31:16 must be 0",
     injection_error_code},
    {CONTROLS,
     "an injected software interrupt or exception needs a VM-entry instruction length of 1 to 15 "
     "(0 only if IA32_VMX_MISC bit 30)",
     injection_instruction_length},
    {CONTROLS, "\"unrestricted guest\" requires \"enable EPT\"", unrestricted_needs_ept},
    {CONTROLS, "with \"enable VPID\", the VPID must not be 0000H", vpid_nonzero},
    {CONTROLS,
     "with \"enable EPT\", the EPT pointer must have a memory type and page-walk length "
     "IA32_VMX_EPT_VPID_CAP offers, bits 11:7 clear, no bit beyond the physical-address width, and "
     "A/D flags only where offered",
     eptp_valid},
    {HOST_REGS,
     "host CR0 must have the bits of IA32_VMX_CR0_FIXED0 set and those clear in "
     "IA32_VMX_CR0_FIXED1 clear",
     host_cr0_fixed},
    {HOST_REGS,
     "host CR4 must have the bits of IA32_VMX_CR4_FIXED0 set (CR4.VMXE among them) and those clear "
     "in IA32_VMX_CR4_FIXED1 clear",
     host_cr4_fixed},
    {HOST_REGS, "host CR3 must not set bits beyond the physical-address width", host_cr3_width},
    {HOST_SEGS, "host CS, SS, DS, ES, FS, GS and TR selectors must have RPL = 0 and TI = 0",
     host_selectors_rpl_ti},
    {HOST_SEGS, "host CS selector must not be 0000H", host_cs_nonzero},
    {HOST_SEGS, "host TR selector must not be 0000H", host_tr_nonzero},
    {HOST_SEGS, "host FS, GS, TR, GDTR, IDTR bases and SYSENTER_ESP/EIP must be canonical",
     host_bases_canonical},
    {HOST_SIZE,
     "a hypervisor in IA-32e mode must set the \"host address-space size\" VM-exit control",
     host_64bit},
    {HOST_SIZE, "with \"host address-space size\", host CR4.PAE must be 1 and host RIP canonical",
     host_64bit_pae_rip},
    {HOST_REGS,
     "with \"load IA32_EFER\" on exit, host EFER.LMA and EFER.LME must equal \"host address-space "
     "size\"",
     host_efer_lma_lme},
    {HOST_REGS, "with \"load IA32_EFER\" on exit, host IA32_EFER reserved bits must be 0",
     host_efer_reserved},
    {HOST_REGS, "with \"load IA32_PAT\" on exit, each host PAT entry must be a valid memory type "
     "(0, 1, 4, 5, 6, 7) with bits 7:3 clear", host_pat},
    {HOST_SIZE,
     "without \"host address-space size\": host SS not 0000H, CR4.PCIDE 0, RIP bits 63:32 0, and "
     "no \"IA-32e mode guest\"",
     host_32bit},
    {GUEST_REGS,
     "guest CR0 must have the bits of IA32_VMX_CR0_FIXED0 set (PE and PG may be 0 for an "
     "unrestricted guest)",
     guest_cr0_fixed0},
    {GUEST_REGS, "guest CR0 must have the bits clear in IA32_VMX_CR0_FIXED1 clear",
     guest_cr0_fixed1},
    {GUEST_REGS, "guest CR0.PG = 1 requires CR0.PE = 1", guest_cr0_pg_needs_pe},
    {GUEST_REGS,
     "guest CR4 must have the bits of IA32_VMX_CR4_FIXED0 set and those clear in "
     "IA32_VMX_CR4_FIXED1 clear",
     guest_cr4_fixed},
    {GUEST_REGS, "an \"IA-32e mode guest\" requires guest CR0.PG = 1 and CR4.PAE = 1",
     guest_ia32e_paging},
    {GUEST_REGS, "outside IA-32e mode, guest CR4.PCIDE must be 0", guest_pcide_needs_ia32e},
    {GUEST_REGS, "guest CR3 must not set bits beyond the physical-address width", guest_cr3_width},
    {GUEST_REGS, "with \"load debug controls\", guest DR7 bits 63:32 must be 0", guest_dr7_high},
    {GUEST_REGS, "with \"load debug controls\", guest IA32_DEBUGCTL reserved bits must be 0",
     guest_debugctl_reserved},
    {GUEST_REGS, "with \"load IA32_PAT\", each guest PAT entry must be a valid memory type (0, "
     "1, 4, 5, 6, 7) with bits 7:3 clear", guest_pat},
    {GUEST_REGS, "guest IA32_SYSENTER_ESP and IA32_SYSENTER_EIP must be canonical",
     guest_sysenter_canonical},
    {GUEST_REGS,
     "with \"load IA32_EFER\", guest EFER.LMA must equal the \"IA-32e mode guest\" control",
     guest_efer_lma},
    {GUEST_REGS, "with \"load IA32_EFER\" and CR0.PG = 1, guest EFER.LMA must equal EFER.LME",
     guest_efer_lme},
    {GUEST_REGS, "with \"load IA32_EFER\", guest IA32_EFER reserved bits must be 0",
     guest_efer_reserved},
    {GUEST_SEGS, "guest TR selector must have TI = 0", guest_tr_ti},
    {GUEST_SEGS, "a usable guest LDTR selector must have TI = 0", guest_ldtr_ti},
    {GUEST_SEGS, "guest SS.RPL must equal CS.RPL", guest_ss_rpl},
    {GUEST_SEGS,
     "guest CS type must be accessed code (9, 11, 13 or 15), or 3 for an unrestricted guest",
     guest_cs_type},
    {GUEST_SEGS,
     "guest CS and every usable SS, DS, ES, FS, GS must be present code or data segments (P = 1, S "
     "= 1)",
     guest_segments_present},
    {GUEST_SEGS, "reserved bits of guest access rights must be 0", guest_access_rights_reserved},
    {GUEST_SEGS, "in an IA-32e mode guest, CS.L = 1 requires CS.D = 0", guest_cs_l_and_d},
    {GUEST_SEGS, "for non-conforming guest code, CS.DPL must equal SS.DPL", guest_cs_ss_dpl},
    {GUEST_SEGS, "guest segment limits must agree with the G flag", guest_limits_granularity},
    {GUEST_SEGS, "guest TR must be usable, present and a system segment (S = 0)", guest_tr_usable},
    {GUEST_SEGS, "guest TR type must be a busy TSS (11 in IA-32e mode)", guest_tr_type},
    {GUEST_SEGS,
     "guest FS, GS, TR (and usable LDTR) bases must be canonical, CS base bits 63:32 zero",
     guest_bases},
    {GUEST_TABLES, "guest GDTR and IDTR bases must be canonical", guest_table_bases},
    {GUEST_TABLES, "guest GDTR and IDTR limits must fit in 16 bits", guest_table_limits},
    {GUEST_RIP, "guest RIP must be canonical in 64-bit mode, else have bits 63:32 zero", guest_rip},
    {GUEST_RIP, "guest RFLAGS reserved bits (63:22, 15, 5, 3) must be 0 and bit 1 must be 1",
     guest_rflags_reserved},
    {GUEST_RIP, "guest RFLAGS.VM must be 0 in IA-32e mode or with CR0.PE = 0", guest_rflags_vm},
    {GUEST_OTHER,
     "guest activity state must be active, or HLT, shutdown or wait-for-SIPI as IA32_VMX_MISC "
     "allows",
     guest_activity_state},
    {GUEST_OTHER, "guest activity state HLT requires SS.DPL = 0", guest_hlt_needs_dpl0},
    {GUEST_OTHER,
     "guest interruptibility state: reserved bits 0, not blocking by both STI and MOV SS",
     guest_interruptibility},
    {GUEST_OTHER, "with blocking by STI or by MOV SS, the activity state must be active",
     guest_blocking_needs_active},
    {GUEST_OTHER, "VMCS link pointer must be FFFFFFFF_FFFFFFFFH when there is no shadow VMCS",
     guest_link_pointer},
    {ENTRY_MSRS,
     "each VM-entry MSR-load entry must have bits 63:32 of its first quadword 0, name no x2APIC, "
     "microcode, FS/GS base or SMM-only MSR, and hold a value WRMSR takes",
     entry_msr_load_entries},
    {EXIT_MSRS,
     "each VM-exit MSR-store and MSR-load entry must have bits 63:32 of its first quadword 0 and "
     "name no x2APIC or microcode MSR (nor IA32_SMBASE to store, FS/GS base to load)",
     exit_msr_entries},
};
const unsigned entry_rule_count = sizeof entry_rules / sizeof entry_rules[0];

unsigned checker_run(const struct checker_capabilities *caps)
{
    struct vmcs_snapshot s;
    checker_snapshot(&s, caps);
    unsigned broken = 0;
    for (unsigned i = 0; i < entry_rule_count; i++) {
        if (entry_rules[i].holds(&s))
            continue;
        kprintf("checker: broken rule: %s (SDM \"%s\")\n", entry_rules[i].rule,
                entry_rules[i].section);
        broken++;
    }
    kprintf("checker: %u of %u VM-entry rules hold\n", entry_rule_count - broken,
            entry_rule_count);
    return broken;
}
