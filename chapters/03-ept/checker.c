/* The rules of the software VM-entry checker, each named as the SDM states
 * it. The sections of Intel SDM Vol. 3C they come from are named in each
 * row, so a student can look the rule up. */
#include "checker.h"
#include "printf.h"
#include "x86.h"
#include "vmx/access_rights.h"
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

#define RFLAGS_RESERVED_0 (0xFFFFFFFFFFC00000ull | (1ull << 15) | (1ull << 5) | (1ull << 3))
#define DESCRIPTOR_TABLE_LIMIT_MAX 0xFFFFull
#define INTERRUPTIBILITY_RESERVED 0xFFFFFFE0ull
#define SEGMENT_LIMIT_PAGE_BITS 0xFFFull       /* limit bits 11:0 */
#define SEGMENT_LIMIT_HIGH_BITS 0xFFF00000ull  /* limit bits 31:20 */
#define ACTIVITY_STATE_MAX GUEST_ACTIVITY_WAIT_FOR_SIPI
#define LINK_POINTER_NONE (~0ull)

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

static bool vpid_nonzero(const struct vmcs_snapshot *s)
{
    bool on = (s->proc & PROC_ACTIVATE_SECONDARY_CONTROLS) && (s->proc2 & PROC2_ENABLE_VPID);
    return !on || s->vpid != 0;
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

static bool guest_sysenter_canonical(const struct vmcs_snapshot *s)
{
    return is_canonical(s->guest_sysenter_esp) && is_canonical(s->guest_sysenter_eip);
}

static bool guest_efer_lma(const struct vmcs_snapshot *s)
{
    return !(s->entry & ENTRY_LOAD_IA32_EFER) ||
           (bool)(s->guest_efer & EFER_LMA) == ia32e_guest(s);
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

static bool guest_link_pointer(const struct vmcs_snapshot *s)
{
    return s->vmcs_link_pointer == LINK_POINTER_NONE;
}

const struct entry_rule entry_rules[] = {
    {CONTROLS, "pin-based controls must respect the allowed 0- and 1-settings of its capability MSR", pin_fits},
    {CONTROLS, "primary processor-based controls must respect the allowed 0- and 1-settings of its capability MSR", proc_fits},
    {CONTROLS, "secondary processor-based controls must respect the allowed 0- and 1-settings of IA32_VMX_PROCBASED_CTLS2", proc2_fits},
    {CONTROLS, "VM-exit controls must respect the allowed 0- and 1-settings of its capability MSR", exit_fits},
    {CONTROLS, "VM-entry controls must respect the allowed 0- and 1-settings of its capability MSR", entry_fits},
    {CONTROLS, "\"unrestricted guest\" requires \"enable EPT\"", unrestricted_needs_ept},
    {CONTROLS, "with \"enable VPID\", the VPID must not be 0000H", vpid_nonzero},
    {HOST_REGS, "host CR0 must have the bits of IA32_VMX_CR0_FIXED0 set and those clear in IA32_VMX_CR0_FIXED1 clear", host_cr0_fixed},
    {HOST_REGS, "host CR4 must have the bits of IA32_VMX_CR4_FIXED0 set (CR4.VMXE among them) and those clear in IA32_VMX_CR4_FIXED1 clear", host_cr4_fixed},
    {HOST_REGS, "host CR3 must not set bits beyond the physical-address width", host_cr3_width},
    {HOST_SEGS, "host CS, SS, DS, ES, FS, GS and TR selectors must have RPL = 0 and TI = 0", host_selectors_rpl_ti},
    {HOST_SEGS, "host CS selector must not be 0000H", host_cs_nonzero},
    {HOST_SEGS, "host TR selector must not be 0000H", host_tr_nonzero},
    {HOST_SEGS, "host FS, GS, TR, GDTR, IDTR bases and SYSENTER_ESP/EIP must be canonical", host_bases_canonical},
    {HOST_SIZE, "a hypervisor in IA-32e mode must set the \"host address-space size\" VM-exit control", host_64bit},
    {HOST_SIZE, "with \"host address-space size\", host CR4.PAE must be 1 and host RIP canonical", host_64bit_pae_rip},
    {HOST_REGS, "with \"load IA32_EFER\" on exit, host EFER.LMA and EFER.LME must equal \"host address-space size\"", host_efer_lma_lme},
    {GUEST_REGS, "guest CR0 must have the bits of IA32_VMX_CR0_FIXED0 set (PE and PG may be 0 for an unrestricted guest)", guest_cr0_fixed0},
    {GUEST_REGS, "guest CR0 must have the bits clear in IA32_VMX_CR0_FIXED1 clear", guest_cr0_fixed1},
    {GUEST_REGS, "guest CR0.PG = 1 requires CR0.PE = 1", guest_cr0_pg_needs_pe},
    {GUEST_REGS, "guest CR4 must have the bits of IA32_VMX_CR4_FIXED0 set and those clear in IA32_VMX_CR4_FIXED1 clear", guest_cr4_fixed},
    {GUEST_REGS, "an \"IA-32e mode guest\" requires guest CR0.PG = 1 and CR4.PAE = 1", guest_ia32e_paging},
    {GUEST_REGS, "outside IA-32e mode, guest CR4.PCIDE must be 0", guest_pcide_needs_ia32e},
    {GUEST_REGS, "guest CR3 must not set bits beyond the physical-address width", guest_cr3_width},
    {GUEST_REGS, "with \"load debug controls\", guest DR7 bits 63:32 must be 0", guest_dr7_high},
    {GUEST_REGS, "guest IA32_SYSENTER_ESP and IA32_SYSENTER_EIP must be canonical", guest_sysenter_canonical},
    {GUEST_REGS, "with \"load IA32_EFER\", guest EFER.LMA must equal the \"IA-32e mode guest\" control", guest_efer_lma},
    {GUEST_REGS, "with \"load IA32_EFER\" and CR0.PG = 1, guest EFER.LMA must equal EFER.LME", guest_efer_lme},
    {GUEST_SEGS, "guest TR selector must have TI = 0", guest_tr_ti},
    {GUEST_SEGS, "a usable guest LDTR selector must have TI = 0", guest_ldtr_ti},
    {GUEST_SEGS, "guest SS.RPL must equal CS.RPL", guest_ss_rpl},
    {GUEST_SEGS, "guest CS type must be accessed code (9, 11, 13 or 15), or 3 for an unrestricted guest", guest_cs_type},
    {GUEST_SEGS, "guest CS and every usable SS, DS, ES, FS, GS must be present code or data segments (P = 1, S = 1)", guest_segments_present},
    {GUEST_SEGS, "reserved bits of guest access rights must be 0", guest_access_rights_reserved},
    {GUEST_SEGS, "in an IA-32e mode guest, CS.L = 1 requires CS.D = 0", guest_cs_l_and_d},
    {GUEST_SEGS, "for non-conforming guest code, CS.DPL must equal SS.DPL", guest_cs_ss_dpl},
    {GUEST_SEGS, "guest segment limits must agree with the G flag", guest_limits_granularity},
    {GUEST_SEGS, "guest TR must be usable, present and a system segment (S = 0)", guest_tr_usable},
    {GUEST_SEGS, "guest TR type must be a busy TSS (11 in IA-32e mode)", guest_tr_type},
    {GUEST_SEGS, "guest FS, GS, TR (and usable LDTR) bases must be canonical, CS base bits 63:32 zero", guest_bases},
    {GUEST_TABLES, "guest GDTR and IDTR bases must be canonical", guest_table_bases},
    {GUEST_TABLES, "guest GDTR and IDTR limits must fit in 16 bits", guest_table_limits},
    {GUEST_RIP, "guest RIP must be canonical in 64-bit mode, else have bits 63:32 zero", guest_rip},
    {GUEST_RIP, "guest RFLAGS reserved bits (63:22, 15, 5, 3) must be 0 and bit 1 must be 1", guest_rflags_reserved},
    {GUEST_RIP, "guest RFLAGS.VM must be 0 in IA-32e mode or with CR0.PE = 0", guest_rflags_vm},
    {GUEST_OTHER, "guest activity state must be active, or HLT, shutdown or wait-for-SIPI as IA32_VMX_MISC allows", guest_activity_state},
    {GUEST_OTHER, "guest activity state HLT requires SS.DPL = 0", guest_hlt_needs_dpl0},
    {GUEST_OTHER, "guest interruptibility state: reserved bits 0, not blocking by both STI and MOV SS", guest_interruptibility},
    {GUEST_OTHER, "VMCS link pointer must be FFFFFFFF_FFFFFFFFH when there is no shadow VMCS", guest_link_pointer},
};
const unsigned entry_rule_count = sizeof entry_rules / sizeof entry_rules[0];

unsigned checker_run(void)
{
    struct vmcs_snapshot s;
    checker_snapshot(&s);
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
