/* SPDX-License-Identifier: MIT */
/* The VMCS, field group by field group, in the order of Intel SDM Vol. 3C,
 * "Organization of VMCS Data": guest-state area, host-state area,
 * VM-execution control fields, VM-exit control fields, VM-entry control
 * fields. */
#include "vmcs.h"
#include "controls.h"
#include "cpu.h"
#include "descriptors.h"
#include "kstring.h"
#include "msr.h"
#include "page_alloc.h"
#include "pic.h"
#include "panic.h"
#include "x86.h"
#include "vmx/access_rights.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_capabilities.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

extern char vm_exit_entry[]; /* vmentry.asm */

#define VMCS_LINK_POINTER_NONE (~0ull) /* no shadow VMCS */
#define DR7_RESET_VALUE 0x400ull
#define TSS_LIMIT 0x67u                /* a 104-byte 64-bit TSS */
#define SEGMENT_LIMIT_4G 0xFFFFFFFFu
#define BITMAP_ALL_ONES 0xFF

uint64_t vmcs_create(void)
{
    uint32_t *vmcs = page_alloc(1);
    uint64_t pa = (uint64_t)(uintptr_t)vmcs;
    /* Like the VMXON region, a VMCS starts with the revision identifier. */
    vmcs[0] = (uint32_t)(rdmsr(IA32_VMX_BASIC) & VMX_BASIC_REVISION_MASK);

    enum vmx_status s = vmclear(pa);
    if (s != VMX_SUCCEED)
        panic("VMCLEAR failed: %s", vmx_failure_reason(s));
    s = vmptrld(pa);
    if (s != VMX_SUCCEED)
        panic("VMPTRLD failed: %s", vmx_failure_reason(s));
    kprintf("VMCS at 0x%lx: VMCLEAR, VMPTRLD: VMsucceed, it is the current VMCS\n", pa);
    return pa;
}

/* --- Guest-state area ("Guest-State Area") --------------------------------- */

static void guest_segment(uint32_t selector_field, uint16_t selector, uint64_t base,
                          uint32_t limit, uint32_t access_rights)
{
    /* The four fields of one segment are laid out at fixed distances from
     * the selector's encoding in every group ("Field Encoding in VMCS"). */
    uint32_t index = selector_field - GUEST_ES_SELECTOR;
    vmcs_write(GUEST_ES_SELECTOR + index, selector);
    vmcs_write(GUEST_ES_BASE + index, base);
    vmcs_write(GUEST_ES_LIMIT + index, limit);
    vmcs_write(GUEST_ES_ACCESS_RIGHTS + index, access_rights);
}

void vmcs_setup_guest_state(const struct guest_start *start)
{
    /* The guest shares the hypervisor's paging and control registers;
     * chapter 3 gives it its own. */
    vmcs_write(GUEST_CR0, read_cr0());
    vmcs_write(GUEST_CR3, read_cr3());
    vmcs_write(GUEST_CR4, read_cr4());
    vmcs_write(GUEST_DR7, DR7_RESET_VALUE);
    vmcs_write(GUEST_RSP, start->rsp);
    vmcs_write(GUEST_RIP, start->rip);
    vmcs_write(GUEST_RFLAGS, RFLAGS_RESERVED_1); /* interrupts off */

    const uint32_t code64 = AR_TYPE_CODE | AR_TYPE_CODE_READABLE | AR_TYPE_ACCESSED |
                            AR_S | AR_P | AR_L | AR_G;
    const uint32_t data = AR_TYPE_DATA_WRITABLE | AR_TYPE_ACCESSED | AR_S | AR_P |
                          AR_DB | AR_G;
    guest_segment(GUEST_CS_SELECTOR, GDT_KERNEL_CODE_SELECTOR, 0, SEGMENT_LIMIT_4G, code64);
    guest_segment(GUEST_SS_SELECTOR, GDT_KERNEL_DATA_SELECTOR, 0, SEGMENT_LIMIT_4G, data);
    guest_segment(GUEST_DS_SELECTOR, GDT_KERNEL_DATA_SELECTOR, 0, SEGMENT_LIMIT_4G, data);
    guest_segment(GUEST_ES_SELECTOR, GDT_KERNEL_DATA_SELECTOR, 0, SEGMENT_LIMIT_4G, data);
    guest_segment(GUEST_FS_SELECTOR, GDT_KERNEL_DATA_SELECTOR, 0, SEGMENT_LIMIT_4G, data);
    guest_segment(GUEST_GS_SELECTOR, GDT_KERNEL_DATA_SELECTOR, 0, SEGMENT_LIMIT_4G, data);
    guest_segment(GUEST_LDTR_SELECTOR, 0, 0, 0, AR_UNUSABLE);
    /* TR must be usable, and in IA-32e mode a busy 64-bit TSS. */
    guest_segment(GUEST_TR_SELECTOR, GDT_TSS_SELECTOR, start->tss_base, TSS_LIMIT,
                  AR_TYPE_TSS_BUSY_64 | AR_P);

    struct descriptor_table_register gdtr = read_gdtr();
    vmcs_write(GUEST_GDTR_BASE, gdtr.base);
    vmcs_write(GUEST_GDTR_LIMIT, gdtr.limit);
    /* No IDT until the guest loads its own: an early exception triple-faults. */
    vmcs_write(GUEST_IDTR_BASE, 0);
    vmcs_write(GUEST_IDTR_LIMIT, 0);

    vmcs_write(GUEST_IA32_DEBUGCTL, 0);
    vmcs_write(GUEST_IA32_SYSENTER_CS, 0);
    vmcs_write(GUEST_IA32_SYSENTER_ESP, 0);
    vmcs_write(GUEST_IA32_SYSENTER_EIP, 0);
    vmcs_write(GUEST_IA32_EFER, rdmsr(IA32_EFER)); /* LME and LMA: 64-bit */

    vmcs_write(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
    vmcs_write(GUEST_INTERRUPTIBILITY_STATE, 0);
    vmcs_write(GUEST_PENDING_DEBUG_EXCEPTIONS, 0);
    vmcs_write(VMCS_LINK_POINTER, VMCS_LINK_POINTER_NONE);
    if (controls_available(CONTROLS_PIN_BASED, PIN_ACTIVATE_VMX_PREEMPTION_TIMER))
        vmcs_write(VMX_PREEMPTION_TIMER_VALUE, WATCHDOG_TICKS);
}

/* --- Host-state area ("Host-State Area") ---------------------------------- */

void vmcs_setup_host_state(void)
{
    vmcs_write(HOST_CR0, read_cr0());
    vmcs_write(HOST_CR3, read_cr3());
    vmcs_write(HOST_CR4, read_cr4());
    /* HOST_RSP is written by vm_run (vmentry.asm), once per run. */
    vmcs_write(HOST_RIP, (uint64_t)(uintptr_t)vm_exit_entry);

    vmcs_write(HOST_CS_SELECTOR, read_cs());
    vmcs_write(HOST_SS_SELECTOR, read_ss());
    vmcs_write(HOST_DS_SELECTOR, read_ds());
    vmcs_write(HOST_ES_SELECTOR, read_es());
    vmcs_write(HOST_FS_SELECTOR, read_fs());
    vmcs_write(HOST_GS_SELECTOR, read_gs());
    vmcs_write(HOST_TR_SELECTOR, read_tr());
    vmcs_write(HOST_FS_BASE, rdmsr(IA32_FS_BASE));
    vmcs_write(HOST_GS_BASE, rdmsr(IA32_GS_BASE));
    vmcs_write(HOST_TR_BASE, tss_base());
    vmcs_write(HOST_GDTR_BASE, read_gdtr().base);
    vmcs_write(HOST_IDTR_BASE, read_idtr().base);

    vmcs_write(HOST_IA32_SYSENTER_CS, rdmsr(IA32_SYSENTER_CS));
    vmcs_write(HOST_IA32_SYSENTER_ESP, rdmsr(IA32_SYSENTER_ESP));
    vmcs_write(HOST_IA32_SYSENTER_EIP, rdmsr(IA32_SYSENTER_EIP));
    vmcs_write(HOST_IA32_EFER, rdmsr(IA32_EFER));
}

/* --- VM-execution, VM-exit and VM-entry control fields --------------------- */

static uint64_t bitmap_page(void)
{
    uint8_t *page = page_alloc(1);
    memset(page, BITMAP_ALL_ONES, PAGE_SIZE);
    return (uint64_t)(uintptr_t)page;
}

/* CR0 and CR4 bits the guest may not change: those VMX fixes ("Restrictions
 * on VMX Operation"). A guest write to one of them exits; reads of them
 * return the read shadow. */
static uint64_t fixed_bits_mask(uint32_t fixed0_msr, uint32_t fixed1_msr)
{
    /* The fixed-bit MSRs cover bits 31:0. */
    return rdmsr(fixed0_msr) | (~rdmsr(fixed1_msr) & LOW_32_BITS);
}

bool vmcs_setup_controls(void)
{
    uint32_t pin, proc, exit, entry;
    /* "NMI exiting": an NMI during the guest is the hypervisor's to see.
     * "Activate VMX-preemption timer": a watchdog against a hung guest. */
    uint32_t want_pin = PIN_NMI_EXITING;
    if (controls_available(CONTROLS_PIN_BASED, PIN_ACTIVATE_VMX_PREEMPTION_TIMER))
        want_pin |= PIN_ACTIVATE_VMX_PREEMPTION_TIMER;
    /* No "external-interrupt exiting": with it a host interrupt would exit
     * and stay pending (the host runs with interrupts off and has no handler
     * to acknowledge it), so every entry would exit again. Without it, an
     * unmasked interrupt goes through the guest's IDT: the BIOS timer's
     * IRQ0 would arrive as vector 8, a #DF to a protected-mode guest. There
     * is no virtual interrupt controller yet, so no host interrupt may
     * arrive at all: every line of the host's 8259s is masked. */
    pic_mask_all();
    /* "HLT exiting": a halted guest would otherwise wait forever for an
     * interrupt that never comes. "Use I/O bitmaps" and "use MSR bitmaps":
     * choose per port and per MSR what exits (here: all of them). */
    uint32_t want_proc = PROC_HLT_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS;
    /* "CR8-load exiting", "CR8-store exiting": CR8 is the real local APIC's
     * TPR, which is the host's; exits/cr.c gives the guest its own. */
    want_proc |= PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING;
    /* "Host address-space size": return to a 64-bit host. "Save/load
     * IA32_EFER": guest and host each keep their own EFER. "Save debug
     * controls": a VM exit sets DR7 to 400H and clears IA32_DEBUGCTL, so
     * the guest's are saved here and loaded by "load debug controls". */
    uint32_t want_exit = EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_SAVE_IA32_EFER |
                         EXIT_LOAD_IA32_EFER | EXIT_SAVE_DEBUG_CONTROLS;
    /* "IA-32e mode guest": the guest runs in 64-bit mode from the start.
     * "Load IA32_EFER": from GUEST_IA32_EFER. */
    uint32_t want_entry = ENTRY_IA_32E_MODE_GUEST | ENTRY_LOAD_IA32_EFER |
                          ENTRY_LOAD_DEBUG_CONTROLS;

    bool ok = controls_compute(CONTROLS_PIN_BASED, want_pin, &pin);
    ok &= controls_compute(CONTROLS_PRIMARY_PROCESSOR_BASED, want_proc, &proc);
    ok &= controls_compute(CONTROLS_VM_EXIT, want_exit, &exit);
    ok &= controls_compute(CONTROLS_VM_ENTRY, want_entry, &entry);
    if (!ok)
        return false;

    vmcs_write(PIN_BASED_VM_EXECUTION_CONTROLS, pin);
    vmcs_write(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS, proc);
    /* #BP is intercepted to show exception exits; the handler reflects it. */
    vmcs_write(EXCEPTION_BITMAP, 1u << VECTOR_BP);
    vmcs_write(PAGE_FAULT_ERROR_CODE_MASK, 0);
    vmcs_write(PAGE_FAULT_ERROR_CODE_MATCH, 0);
    vmcs_write(ADDRESS_OF_IO_BITMAP_A, bitmap_page());
    vmcs_write(ADDRESS_OF_IO_BITMAP_B, bitmap_page());
    vmcs_write(ADDRESS_OF_MSR_BITMAPS, bitmap_page());
    vmcs_write(CR0_GUEST_HOST_MASK, fixed_bits_mask(IA32_VMX_CR0_FIXED0, IA32_VMX_CR0_FIXED1));
    vmcs_write(CR4_GUEST_HOST_MASK, fixed_bits_mask(IA32_VMX_CR4_FIXED0, IA32_VMX_CR4_FIXED1));
    /* The guest believes its CR0 is the host's and that VMX is off. */
    vmcs_write(CR0_READ_SHADOW, read_cr0());
    vmcs_write(CR4_READ_SHADOW, read_cr4() & ~CR4_VMXE);
    vmcs_write(CR3_TARGET_COUNT, 0);

    vmcs_write(VM_EXIT_CONTROLS, exit);
    vmcs_write(VM_EXIT_MSR_STORE_COUNT, 0);
    vmcs_write(VM_EXIT_MSR_LOAD_COUNT, 0);

    vmcs_write(VM_ENTRY_CONTROLS, entry);
    vmcs_write(VM_ENTRY_MSR_LOAD_COUNT, 0);
    vmcs_write(VM_ENTRY_INTERRUPTION_INFORMATION_FIELD, 0);

    kprintf("controls: pin-based 0x%x, primary processor-based 0x%x, "
            "VM-exit 0x%x, VM-entry 0x%x\n", pin, proc, exit, entry);
    return true;
}
