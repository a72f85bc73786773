// sources: chapters/03-ept/controls.c common/vmx_checker.c chapters/03-ept/ept.c
/* SPDX-License-Identifier: MIT */
/* Chapter 3's control, EPT-capability and VM-entry computations on every
 * CPU stepvisor may meet without VT-x of its own: each Bochs 2.7 model with
 * VMX, and KVM's nested VMX, which gives its guest hypervisor capability
 * MSRs of its own making (no machine of this project has VT-x, so these
 * tests are the evidence that `make run` on an Intel laptop will work).
 *
 * The Bochs values were measured: a copy of chapter 1 that printed MSRs
 * 481H-490H, booted under `cpu: model=NAME` for each model in
 * tools/stepvisor.py's BOCHS_MODELS. The KVM values are computed the way
 * Linux's arch/x86/kvm/vmx/nested.c (nested_vmx_setup_ctls_msrs) computes
 * them from the host's MSRs, here with each Bochs model as the host.
 *
 * For each CPU: the controls chapter 3 asks for (vmcs.c's requests) go
 * through controls_adjust(); the EPTP comes from ept_pointer() as main.c
 * builds it; and the initial VMCS chapter 3 writes, with those values,
 * passes every rule of the checker (common/vmx_checker.c), which covers
 * every check KVM makes on VM entry for the fields stepvisor sets
 * (docs/nested-kvm-checks.md). */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "controls.h"
#include "ept.h"
#include "page_alloc.h"
#include "x86.h"
#include "vmx/access_rights.h"
#include "vmx/checker.h"
#include "vmx/vmx_capabilities.h"
#include "vmx/vmx_controls.h"

/* --- stubs: what the linked files call but these tests never reach -------- */

int kprintf(const char *fmt, ...)
{
    (void)fmt;
    return 0;
}

void *page_alloc(uint64_t pages)
{
    (void)pages;
    abort(); /* only ept_pointer() is called, which allocates nothing */
}

void checker_snapshot(struct vmcs_snapshot *s, const struct checker_capabilities *caps)
{
    (void)caps;
    memset(s, 0, sizeof *s);
}

/* --- the CPUs ------------------------------------------------------------ */

/** One CPU's VMX capability MSRs (all of them have TRUE controls). */
struct cpu {
    const char *name;
    uint64_t pin, proc, exit, entry;                     /* 481H-484H */
    uint64_t misc, cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1; /* 485H-489H */
    uint64_t proc2, ept_vpid_cap;                        /* 48BH, 48CH */
    uint64_t true_pin, true_proc, true_exit, true_entry; /* 48DH-490H */
};

#define BOCHS(model, pin_, proc_, exit_, entry_, misc_, cr4f1, proc2_, ept_)         \
    {"Bochs " model, pin_, proc_, exit_, entry_, misc_, 0x80000021, 0xffffffff, 0x2000, \
     cr4f1, proc2_, ept_, pin_, (proc_) & ~0x18000ull, (exit_) & ~4ull, (entry_) & ~4ull}

/* Measured (see the top of this file). The TRUE MSRs read as the legacy ones
 * without the default-1 bits the SDM lets them clear (CR3-load/store
 * exiting, save/load debug controls): the macro derives them, and the
 * measurement agreed on every model. */
static const struct cpu bochs[] = {
    BOCHS("core2_penryn_t9600", 0x0000003f00000016, 0xf7f9fffe0401e172, 0x0003ffff00036dff,
          0x00003fff000011ff, 0x401e0, 0x467ff, 0x0000004100000000, 0),
    BOCHS("corei5_lynnfield_750", 0x0000007f00000016, 0xf7f9fffe0401e172, 0x007fffff00036dff,
          0x0000ffff000011ff, 0x401e0, 0x67ff, 0x0000007f00000000, 0x00000f0106114141),
    BOCHS("corei5_arrandale_m520", 0x0000007f00000016, 0xf7f9fffe0401e172, 0x007fffff00036dff,
          0x0000ffff000011ff, 0x401e0, 0x67ff, 0x000000ff00000000, 0x00000f0106114141),
    BOCHS("corei7_sandy_bridge_2600k", 0x0000007f00000016, 0xf7f9fffe0401e172,
          0x007fffff00036dff, 0x0000ffff000011ff, 0x401e0, 0x627ff, 0x000000ff00000000,
          0x00000f0106114141),
    BOCHS("corei7_ivy_bridge_3770k", 0x0000007f00000016, 0xf7f9fffe0401e172,
          0x007fffff00036dff, 0x0000ffff000011ff, 0x401e0, 0x1727ff, 0x000008ff00000000,
          0x00000f0106114141),
    BOCHS("corei7_haswell_4770", 0x0000007f00000016, 0xf7f9fffe0401e172, 0x007fffff00036dff,
          0x0000ffff000011ff, 0x200401e0, 0x1727ff, 0x00047fff00000000, 0x00000f0106334141),
    BOCHS("corei7_skylake_x", 0x0000007f00000016, 0xf7f9fffe0401e172, 0x007fffff00036dff,
          0x0000ffff000011ff, 0x600401e0, 0x3727ff, 0x02177fff00000000, 0x00000f0106334141),
    BOCHS("corei3_cnl", 0x0000007f00000016, 0xf7f9fffe0401e172, 0x007fffff00036dff,
          0x0000ffff000011ff, 0x600401e0, 0x772fff, 0x02157cff00000000, 0x00000f0106334141),
    BOCHS("corei7_icelake_u", 0x0000007f00000016, 0xfff9fffe0401e172, 0x007fffff00036dff,
          0x0000ffff000011ff, 0x600401e0, 0x772fff, 0x02977fff00000000, 0x00000f0106334141),
    BOCHS("tigerlake", 0x0000007f00000016, 0xfff9fffe0401e172, 0x107fffff00036dff,
          0x0010ffff000011ff, 0x600401e0, 0xf72fff, 0x02977fff00000000, 0x00000f0106b34141),
};
#define BOCHS_MODELS (sizeof bochs / sizeof bochs[0])

/* --- KVM's nested VMX, from the host's MSRs ----------------------------- */

#define ALLOWED1(cap) ((uint32_t)((cap) >> 32))
#define CAP(allowed1, allowed0) ((uint64_t)(allowed1) << 32 | (allowed0))

/* The SDM's default-1 controls ("Default1" in KVM): reported as must-be-1 in
 * the legacy MSRs; KVM's TRUE MSRs free CR3 exiting and the debug-control
 * save/load, as hardware does. */
#define PIN_DEFAULT1 0x16u
#define PROC_DEFAULT1 0x0401e172u
#define EXIT_DEFAULT1 0x36dffu
#define ENTRY_DEFAULT1 0x11ffu
#define MISC_SAVE_EFER_LMA (1ull << 5)
#define MISC_VMWRITE_SHADOW_RO (1ull << 29)
#define MISC_EMULATED_TIMER_RATE 5ull
/* IA32_VMX_EPT_VPID_CAP bits KVM passes through from the host, and the
 * ones it offers whatever the host has. */
#define KVM_EPT_FROM_HOST (EPT_CAP_PAGE_WALK_4 | EPT_CAP_PAGE_WALK_5 | EPT_CAP_MEMORY_TYPE_WB | \
                           EPT_CAP_INVEPT | EPT_CAP_EXECUTE_ONLY)
#define KVM_EPT_ALWAYS (EPT_CAP_INVEPT_ALL_CONTEXT | EPT_CAP_INVEPT_SINGLE_CONTEXT | \
                        EPT_CAP_PDE_2MB | EPT_CAP_PDPTE_1GB)
#define VPID_CAP_EXTENTS                                                                \
    (VPID_CAP_INVVPID_INDIVIDUAL_ADDRESS | VPID_CAP_INVVPID_SINGLE_CONTEXT |               \
     VPID_CAP_INVVPID_ALL_CONTEXT | VPID_CAP_INVVPID_SINGLE_CONTEXT_RETAINING_GLOBALS)

/** The capability MSRs KVM shows a nested hypervisor on this host (KVM
 *  with its defaults: EPT, A/D bits where the host has them, VPID,
 *  unrestricted guest, APIC virtualization on). */
static struct cpu kvm_nested(const struct cpu *host)
{
    struct cpu k = {.name = host->name};
    uint32_t pin1 = (ALLOWED1(host->pin) & (PIN_EXTERNAL_INTERRUPT_EXITING | PIN_NMI_EXITING |
                                            PIN_VIRTUAL_NMIS | PIN_PROCESS_POSTED_INTERRUPTS)) |
                    PIN_DEFAULT1 | PIN_ACTIVATE_VMX_PREEMPTION_TIMER;
    k.pin = k.true_pin = CAP(pin1, PIN_DEFAULT1);

    uint32_t exit1 = (ALLOWED1(host->exit) &
                      (EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_LOAD_IA32_PAT | EXIT_SAVE_IA32_PAT |
                       EXIT_CLEAR_IA32_BNDCFGS | EXIT_LOAD_IA32_PERF_GLOBAL_CTRL)) |
                     EXIT_DEFAULT1 | EXIT_LOAD_IA32_EFER | EXIT_SAVE_IA32_EFER |
                     EXIT_SAVE_VMX_PREEMPTION_TIMER_VALUE | EXIT_ACKNOWLEDGE_INTERRUPT_ON_EXIT;
    k.exit = CAP(exit1, EXIT_DEFAULT1);
    k.true_exit = CAP(exit1, EXIT_DEFAULT1 & ~EXIT_SAVE_DEBUG_CONTROLS);

    uint32_t entry1 = (ALLOWED1(host->entry) &
                       (ENTRY_IA_32E_MODE_GUEST | ENTRY_LOAD_IA32_PAT | ENTRY_LOAD_IA32_BNDCFGS |
                        ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL)) |
                      ENTRY_DEFAULT1 | ENTRY_LOAD_IA32_EFER;
    k.entry = CAP(entry1, ENTRY_DEFAULT1);
    k.true_entry = CAP(entry1, ENTRY_DEFAULT1 & ~ENTRY_LOAD_DEBUG_CONTROLS);

    uint32_t proc1 = (ALLOWED1(host->proc) &
                      (PROC_INTERRUPT_WINDOW_EXITING | PROC_NMI_WINDOW_EXITING |
                       PROC_USE_TSC_OFFSETTING | PROC_HLT_EXITING | PROC_INVLPG_EXITING |
                       PROC_MWAIT_EXITING | PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING |
                       PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING | PROC_MOV_DR_EXITING |
                       PROC_UNCONDITIONAL_IO_EXITING | PROC_USE_IO_BITMAPS |
                       PROC_MONITOR_TRAP_FLAG | PROC_MONITOR_EXITING | PROC_RDPMC_EXITING |
                       PROC_RDTSC_EXITING | PROC_PAUSE_EXITING | PROC_USE_TPR_SHADOW |
                       PROC_ACTIVATE_SECONDARY_CONTROLS)) |
                     PROC_DEFAULT1 | PROC_USE_MSR_BITMAPS;
    k.proc = CAP(proc1, PROC_DEFAULT1);
    k.true_proc = CAP(proc1, PROC_DEFAULT1 & ~(PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING));

    bool host_ad = host->ept_vpid_cap & EPT_CAP_ACCESSED_DIRTY;
    uint32_t proc2 = (ALLOWED1(host->proc2) &
                      (PROC2_DESCRIPTOR_TABLE_EXITING | PROC2_ENABLE_RDTSCP |
                       PROC2_VIRTUALIZE_X2APIC_MODE | PROC2_WBINVD_EXITING |
                       PROC2_APIC_REGISTER_VIRTUALIZATION | PROC2_VIRTUAL_INTERRUPT_DELIVERY |
                       PROC2_RDRAND_EXITING | PROC2_ENABLE_INVPCID | PROC2_RDSEED_EXITING |
                       PROC2_ENABLE_XSAVES_XRSTORS | PROC2_ENABLE_VM_FUNCTIONS)) |
                     PROC2_VMCS_SHADOWING | PROC2_ENABLE_EPT | (host_ad ? PROC2_ENABLE_PML : 0) |
                     PROC2_ENABLE_VPID | PROC2_UNRESTRICTED_GUEST |
                     PROC2_VIRTUALIZE_APIC_ACCESSES;
    k.proc2 = CAP(proc2, 0);
    k.ept_vpid_cap = (host->ept_vpid_cap & KVM_EPT_FROM_HOST) | KVM_EPT_ALWAYS |
                     (host_ad ? EPT_CAP_ACCESSED_DIRTY : 0) | VPID_CAP_INVVPID | VPID_CAP_EXTENTS;

    /* No CR3 targets, no shutdown or wait-for-SIPI activity state, MSR
     * lists of 512 entries at most (bits 27:25 = 0). */
    k.misc = (host->misc & MISC_SAVE_EFER_LMA) | MISC_VMWRITE_SHADOW_RO |
             MISC_EMULATED_TIMER_RATE | VMX_MISC_ACTIVITY_HLT;
    k.cr0_fixed0 = CR0_PE | CR0_PG | CR0_NE;
    k.cr0_fixed1 = host->cr0_fixed1;
    k.cr4_fixed0 = CR4_VMXE;
    k.cr4_fixed1 = host->cr4_fixed1;
    return k;
}

/* --- chapter 3's computations on one CPU ---------------------------------- */

struct chapter3 {
    uint32_t pin, proc, proc2, exit, entry;
    uint32_t refused; /**< every refused control, of any group */
    uint64_t eptp;
};

static uint32_t adjust(uint32_t wanted, uint64_t cap, uint32_t *refused)
{
    uint32_t no = 0;
    uint32_t v = controls_adjust(wanted, cap, &no);
    *refused |= no;
    return v;
}

#define EPT_ROOT 0x200000ull /* a page-aligned PML4 address, as page_alloc gives */

/** What chapters/03-ept/vmcs.c (vmcs_setup_controls) and main.c
 *  (ept_pointer with the CPU's A/D capability) compute on this CPU. */
static struct chapter3 chapter3_on(const struct cpu *c)
{
    struct chapter3 r = {0};
    uint32_t want_pin = PIN_NMI_EXITING;
    if (ALLOWED1(c->true_pin) & PIN_ACTIVATE_VMX_PREEMPTION_TIMER)
        want_pin |= PIN_ACTIVATE_VMX_PREEMPTION_TIMER;
    uint32_t want_proc2 = PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST;
    if (ALLOWED1(c->proc2) & PROC2_ENABLE_VPID)
        want_proc2 |= PROC2_ENABLE_VPID;
    r.pin = adjust(want_pin, c->true_pin, &r.refused);
    r.proc = adjust(PROC_HLT_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS |
                        PROC_ACTIVATE_SECONDARY_CONTROLS,
                    c->true_proc, &r.refused);
    r.proc2 = adjust(want_proc2, c->proc2, &r.refused);
    r.exit = adjust(EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER |
                        EXIT_SAVE_DEBUG_CONTROLS,
                    c->true_exit, &r.refused);
    r.entry = adjust(ENTRY_LOAD_IA32_EFER | ENTRY_LOAD_DEBUG_CONTROLS, c->true_entry,
                     &r.refused);
    struct ept e = {.pml4 = (uint64_t *)(uintptr_t)EPT_ROOT};
    r.eptp = ept_pointer(&e, c->ept_vpid_cap & EPT_CAP_ACCESSED_DIRTY);
    return r;
}

#define REAL_MODE_LIMIT 0xFFFFu
#define REAL_MODE_IVT_LIMIT 0x3FFu
#define PHYSICAL_WIDTH 39u /* what Bochs reports; KVM passes the host's on */

/** The VMCS chapter 3 writes before its first VM entry (vmcs.c): a guest
 *  in real mode under unrestricted guest, a 64-bit host. */
static struct vmcs_snapshot chapter3_vmcs(const struct cpu *c, const struct chapter3 *ch)
{
    struct vmcs_snapshot s;
    memset(&s, 0, sizeof s);
    s.pin = ch->pin, s.proc = ch->proc, s.proc2 = ch->proc2;
    s.exit = ch->exit, s.entry = ch->entry;
    s.pin_cap = c->true_pin, s.proc_cap = c->true_proc, s.proc2_cap = c->proc2;
    s.exit_cap = c->true_exit, s.entry_cap = c->true_entry;
    s.cr0_fixed0 = c->cr0_fixed0, s.cr0_fixed1 = c->cr0_fixed1;
    s.cr4_fixed0 = c->cr4_fixed0, s.cr4_fixed1 = c->cr4_fixed1;
    s.misc = c->misc;
    s.physical_address_width = PHYSICAL_WIDTH;
    s.vpid = (ch->proc2 & PROC2_ENABLE_VPID) ? 1 : 0;
    s.eptp = ch->eptp;
    s.ept_vpid_cap = c->ept_vpid_cap;
    s.io_bitmap_a = 0x130000, s.io_bitmap_b = 0x131000, s.msr_bitmap = 0x132000;

    s.guest_cr0 = ((CR0_ET | c->cr0_fixed0) & ~(CR0_PE | CR0_PG)) & c->cr0_fixed1;
    s.guest_cr4 = c->cr4_fixed0 & c->cr4_fixed1;
    s.guest_dr7 = 0x400;
    s.guest_rsp = 0x7000;
    s.guest_rip = 0x7c00;
    s.guest_rflags = RFLAGS_RESERVED_1;
    uint64_t code = AR_TYPE_CODE | AR_TYPE_CODE_READABLE | AR_TYPE_ACCESSED | AR_S | AR_P;
    uint64_t data = AR_TYPE_DATA_WRITABLE | AR_TYPE_ACCESSED | AR_S | AR_P;
    for (int i = SEG_ES; i <= SEG_GS; i++)
        s.seg[i] = (struct segment_state){0, 0, REAL_MODE_LIMIT, i == SEG_CS ? code : data};
    s.seg[SEG_LDTR] = (struct segment_state){0, 0, 0, AR_UNUSABLE};
    s.seg[SEG_TR] = (struct segment_state){0, 0, REAL_MODE_LIMIT, AR_TYPE_TSS_BUSY_32 | AR_P};
    s.guest_gdtr_limit = REAL_MODE_LIMIT;
    s.guest_idtr_limit = REAL_MODE_IVT_LIMIT;
    s.guest_activity_state = GUEST_ACTIVITY_ACTIVE;
    s.vmcs_link_pointer = ~0ull;

    s.host_cr0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_PG;
    s.host_cr3 = 0x120000;
    s.host_cr4 = CR4_PAE | CR4_VMXE;
    s.host_rip = 0x101234;
    s.host_cs = 0x08;
    s.host_ss = s.host_ds = s.host_es = s.host_fs = s.host_gs = 0x10;
    s.host_tr = 0x18;
    s.host_tr_base = 0x10a000, s.host_gdtr_base = 0x106000, s.host_idtr_base = 0x107000;
    s.host_efer = EFER_LME | EFER_LMA | EFER_NXE;
    return s;
}

static bool runs_chapter3(const struct cpu *c)
{
    return (ALLOWED1(c->proc2) & PROC2_ENABLE_EPT) &&
           (ALLOWED1(c->proc2) & PROC2_UNRESTRICTED_GUEST);
}

/** Every rule of the checker holds; a failure names the rule and the CPU. */
static void check_all_rules_hold(const char *cpu, const char *how,
                                 const struct vmcs_snapshot *s)
{
    for (unsigned i = 0; i < entry_rule_count; i++)
        if (check_at(entry_rules[i].holds(s), __FILE__, __LINE__, "rule holds"))
            check_end(" on %s (%s): \"%s\"\n", cpu, how, entry_rules[i].rule);
}

static const struct entry_rule *rule_named(const char *text)
{
    for (unsigned i = 0; i < entry_rule_count; i++)
        if (strcmp(entry_rules[i].rule, text) == 0)
            return &entry_rules[i];
    return NULL;
}

/* --- the tests -------------------------------------------------------------- */

/** The controls chapter 3 ends up with on a CPU that has what it needs:
 *  the same values everywhere, since the TRUE allowed-0 settings agree. */
#define CH3_PIN (PIN_DEFAULT1 | PIN_NMI_EXITING | PIN_ACTIVATE_VMX_PREEMPTION_TIMER)
#define CH3_PROC ((PROC_DEFAULT1 & ~(PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING)) | \
                  PROC_HLT_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS |        \
                  PROC_ACTIVATE_SECONDARY_CONTROLS)
#define CH3_PROC2 (PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST | PROC2_ENABLE_VPID)
#define CH3_EXIT (EXIT_DEFAULT1 | EXIT_HOST_ADDRESS_SPACE_SIZE | \
                  EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER)
#define CH3_ENTRY (ENTRY_DEFAULT1 | ENTRY_LOAD_IA32_EFER)
#define EPTP_WB_4LEVEL (EPT_ROOT | EPTP_MEMORY_TYPE_WB | 3ull << EPTP_WALK_LENGTH_SHIFT)

static void check_chapter3_runs(const char *what, const struct cpu *c)
{
    struct chapter3 ch = chapter3_on(c);
    if (check_at(ch.refused == 0, __FILE__, __LINE__, "nothing refused"))
        check_end(" on %s: refused 0x%x\n", what, ch.refused);
    CHECK_EQ_U64(ch.pin, CH3_PIN);
    CHECK_EQ_U64(ch.proc, CH3_PROC);
    CHECK_EQ_U64(ch.proc2, CH3_PROC2);
    CHECK_EQ_U64(ch.exit, CH3_EXIT);
    CHECK_EQ_U64(ch.entry, CH3_ENTRY);
    /* main.c's requirements: a 4-level walk and write-back structures. */
    CHECK(c->ept_vpid_cap & EPT_CAP_PAGE_WALK_4);
    CHECK(c->ept_vpid_cap & EPT_CAP_MEMORY_TYPE_WB);
    bool ad = c->ept_vpid_cap & EPT_CAP_ACCESSED_DIRTY;
    CHECK_EQ_U64(ch.eptp, EPTP_WB_4LEVEL | (ad ? EPTP_ACCESSED_DIRTY : 0));
    struct vmcs_snapshot s = chapter3_vmcs(c, &ch);
    check_all_rules_hold(what, "chapter 3's first VM entry", &s);
}

/** Every Bochs model with EPT and unrestricted guest runs chapter 3. */
static void test_bochs_models(void)
{
    unsigned runs = 0;
    for (unsigned i = 0; i < BOCHS_MODELS; i++) {
        if (!runs_chapter3(&bochs[i]))
            continue;
        check_chapter3_runs(bochs[i].name, &bochs[i]);
        runs++;
    }
    CHECK_EQ_U64(runs, BOCHS_MODELS - 2); /* all but penryn and lynnfield */
}

/** The two that cannot, refused by name (chapter 3 then ends with FAIL). */
static void test_bochs_models_without_what_chapter3_needs(void)
{
    struct chapter3 penryn = chapter3_on(&bochs[0]);
    CHECK_STR(bochs[0].name, "Bochs core2_penryn_t9600");
    /* No EPT, no unrestricted guest, no save/load IA32_EFER (Nehalem's). */
    CHECK_EQ_U64(penryn.refused, PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST |
                                     EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER |
                                     ENTRY_LOAD_IA32_EFER);
    struct chapter3 lynnfield = chapter3_on(&bochs[1]);
    CHECK_STR(bochs[1].name, "Bochs corei5_lynnfield_750");
    CHECK_EQ_U64(lynnfield.refused, PROC2_UNRESTRICTED_GUEST);
}

/** KVM's nested VMX, on every host that could run chapter 3 itself. */
static void test_kvm_nested(void)
{
    for (unsigned i = 0; i < BOCHS_MODELS; i++) {
        if (!runs_chapter3(&bochs[i]))
            continue;
        struct cpu k = kvm_nested(&bochs[i]);
        CHECK(runs_chapter3(&k));
        check_chapter3_runs(k.name, &k);
    }
}

/** A KVM host without VT-x's EPT A/D flags: KVM offers no A/D either, and
 *  chapter 3 builds its EPTP without them. */
static void test_kvm_nested_without_accessed_dirty(void)
{
    struct cpu k = kvm_nested(&bochs[3]); /* sandy bridge: no EPT A/D */
    CHECK_EQ_U64(k.ept_vpid_cap & EPT_CAP_ACCESSED_DIRTY, 0);
    CHECK_EQ_U64(chapter3_on(&k).eptp, EPTP_WB_4LEVEL);
    k = kvm_nested(&bochs[5]); /* haswell: with */
    CHECK_EQ_U64(chapter3_on(&k).eptp, EPTP_WB_4LEVEL | EPTP_ACCESSED_DIRTY);
}

/** Where KVM is stricter than Bochs, the checker follows KVM's MSRs: no
 *  CR3-target values, no shutdown activity state, no UC EPT structures. */
static void test_where_kvm_differs_from_bochs(void)
{
    const struct cpu *haswell = &bochs[5];
    struct cpu k = kvm_nested(haswell);
    struct chapter3 on_bochs = chapter3_on(haswell), on_kvm = chapter3_on(&k);
    struct vmcs_snapshot b = chapter3_vmcs(haswell, &on_bochs), v = chapter3_vmcs(&k, &on_kvm);
    const struct entry_rule *targets = rule_named(
        "the CR3-target count must not exceed the number IA32_VMX_MISC bits 24:16 give");
    const struct entry_rule *activity = rule_named(
        "guest activity state must be active, or HLT, shutdown or wait-for-SIPI as "
        "IA32_VMX_MISC allows");
    const struct entry_rule *eptp = rule_named(
        "with \"enable EPT\", the EPT pointer must have a memory type and page-walk length "
        "IA32_VMX_EPT_VPID_CAP offers, bits 11:7 clear, no bit beyond the physical-address "
        "width, and A/D flags only where offered");
    CHECK(targets && activity && eptp);
    if (!targets || !activity || !eptp)
        return;
    b.cr3_target_count = v.cr3_target_count = 1;
    CHECK(targets->holds(&b));
    CHECK(!targets->holds(&v));
    b.cr3_target_count = v.cr3_target_count = 0;
    b.guest_activity_state = v.guest_activity_state = GUEST_ACTIVITY_SHUTDOWN;
    CHECK(activity->holds(&b));
    CHECK(!activity->holds(&v));
    b.guest_activity_state = v.guest_activity_state = GUEST_ACTIVITY_ACTIVE;
    b.eptp = v.eptp = EPT_ROOT | 3ull << EPTP_WALK_LENGTH_SHIFT; /* memory type UC */
    CHECK(eptp->holds(&b));
    CHECK(!eptp->holds(&v));
    /* And a 5-level walk, which neither offers here. */
    b.eptp = EPT_ROOT | EPTP_MEMORY_TYPE_WB | 4ull << EPTP_WALK_LENGTH_SHIFT;
    CHECK(!eptp->holds(&b));
}

/** KVM's MSRs computed for a known host, worked by hand from nested.c: a
 *  Haswell-like host (Bochs's corei7_haswell_4770, no monitor trap flag, no
 *  BNDCFGS). KVM drops UC from the EPT memory types (bit 8). */
static void test_kvm_values(void)
{
    struct cpu k = kvm_nested(&bochs[5]);
    CHECK_EQ_U64(k.true_pin, 0x0000007f00000016ull);
    CHECK_EQ_U64(k.true_proc, 0xf7f9fffe04006172ull);
    CHECK_EQ_U64(k.true_exit, 0x007fffff00036dfbull);
    CHECK_EQ_U64(k.true_entry, 0x0000f3ff000011fbull);
    CHECK_EQ_U64(k.misc, 0x20000065ull);
    CHECK_EQ_U64(k.ept_vpid_cap, 0x00000f0106334041ull);
    CHECK_EQ_U64(k.proc2 >> 32, 0x00027bffull);
}

/** Chapter 6 asks for more (chapters/06-linux/vmcs.c): RDPMC, MONITOR and
 *  MWAIT exiting, which it needs, and "enable
 *  RDTSCP", "enable INVPCID" and the PAT controls, which it takes where
 *  offered. Every CPU that runs chapter 3 gives them all but INVPCID,
 *  KVM included. */
static void test_chapter6_controls(void)
{
    for (unsigned i = 0; i < BOCHS_MODELS; i++) {
        if (!runs_chapter3(&bochs[i]))
            continue;
        struct cpu k = kvm_nested(&bochs[i]);
        const struct cpu *cpus[] = {&bochs[i], &k};
        for (unsigned j = 0; j < 2; j++) {
            const struct cpu *c = cpus[j];
            uint32_t refused = 0;
            adjust(PROC_RDPMC_EXITING | PROC_MONITOR_EXITING | PROC_MWAIT_EXITING,
                   c->true_proc, &refused);
            adjust(PROC2_ENABLE_RDTSCP, c->proc2, &refused); /* INVPCID: Haswell on */
            adjust(EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT, c->true_exit, &refused);
            adjust(ENTRY_LOAD_IA32_PAT, c->true_entry, &refused);
            if (check_at(refused == 0, __FILE__, __LINE__, "chapter 6's controls"))
                check_end(" on %s%s: refused 0x%x\n", c->name, j ? " (KVM)" : "", refused);
        }
    }
}

int main(void)
{
    test_chapter6_controls();
    test_bochs_models();
    test_bochs_models_without_what_chapter3_needs();
    test_kvm_nested();
    test_kvm_nested_without_accessed_dirty();
    test_where_kvm_differs_from_bochs();
    test_kvm_values();
    return CHECK_DONE("test_nested_caps");
}
