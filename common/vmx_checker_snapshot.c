/* SPDX-License-Identifier: MIT */
/* Reading the current VMCS and the capability MSRs into a snapshot, so the
 * checker's rules can be pure functions (and run on the host in tests). */
#include "cpu.h"
#include "msr.h"
#include "x86.h"
#include "vmx/checker.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

#define CPUID_ADDRESS_SIZES 0x80000008u
#define PHYSICAL_WIDTH_MASK 0xFFu

void checker_snapshot(struct vmcs_snapshot *s, const struct checker_capabilities *caps)
{
    s->pin = (uint32_t)vmcs_read(PIN_BASED_VM_EXECUTION_CONTROLS);
    s->proc = (uint32_t)vmcs_read(PRIMARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS);
    s->proc2 = (s->proc & PROC_ACTIVATE_SECONDARY_CONTROLS)
                   ? (uint32_t)vmcs_read(SECONDARY_PROCESSOR_BASED_VM_EXECUTION_CONTROLS)
                   : 0;
    s->vpid = (s->proc2 & PROC2_ENABLE_VPID) ? vmcs_read(VIRTUAL_PROCESSOR_IDENTIFIER) : 0;
    s->exit = (uint32_t)vmcs_read(VM_EXIT_CONTROLS);
    s->entry = (uint32_t)vmcs_read(VM_ENTRY_CONTROLS);
    s->pin_cap = caps->pin;
    s->proc_cap = caps->proc;
    s->proc2_cap = caps->proc2;
    s->exit_cap = caps->exit;
    s->entry_cap = caps->entry;
    s->cr0_fixed0 = rdmsr(IA32_VMX_CR0_FIXED0);
    s->cr0_fixed1 = rdmsr(IA32_VMX_CR0_FIXED1);
    s->cr4_fixed0 = rdmsr(IA32_VMX_CR4_FIXED0);
    s->cr4_fixed1 = rdmsr(IA32_VMX_CR4_FIXED1);
    s->misc = rdmsr(IA32_VMX_MISC);
    s->physical_address_width = cpuid(CPUID_ADDRESS_SIZES, 0).eax & PHYSICAL_WIDTH_MASK;

    s->guest_cr0 = vmcs_read(GUEST_CR0);
    s->guest_cr3 = vmcs_read(GUEST_CR3);
    s->guest_cr4 = vmcs_read(GUEST_CR4);
    s->guest_dr7 = vmcs_read(GUEST_DR7);
    s->guest_rsp = vmcs_read(GUEST_RSP);
    s->guest_rip = vmcs_read(GUEST_RIP);
    s->guest_rflags = vmcs_read(GUEST_RFLAGS);
    for (int i = 0; i < SEGMENTS; i++) {
        /* Each segment's fields sit 2 encodings after the previous one's. */
        uint32_t step = 2u * (uint32_t)i;
        s->seg[i] = (struct segment_state){
            vmcs_read(GUEST_ES_SELECTOR + step), vmcs_read(GUEST_ES_BASE + step),
            vmcs_read(GUEST_ES_LIMIT + step), vmcs_read(GUEST_ES_ACCESS_RIGHTS + step)};
    }
    s->guest_gdtr_base = vmcs_read(GUEST_GDTR_BASE);
    s->guest_gdtr_limit = vmcs_read(GUEST_GDTR_LIMIT);
    s->guest_idtr_base = vmcs_read(GUEST_IDTR_BASE);
    s->guest_idtr_limit = vmcs_read(GUEST_IDTR_LIMIT);
    s->guest_efer = vmcs_read(GUEST_IA32_EFER);
    s->guest_sysenter_esp = vmcs_read(GUEST_IA32_SYSENTER_ESP);
    s->guest_sysenter_eip = vmcs_read(GUEST_IA32_SYSENTER_EIP);
    /* The PAT fields exist only on CPUs with the PAT controls. */
    s->guest_pat = (s->entry & ENTRY_LOAD_IA32_PAT) ? vmcs_read(GUEST_IA32_PAT) : 0;
    s->guest_debugctl = vmcs_read(GUEST_IA32_DEBUGCTL);
    s->guest_activity_state = vmcs_read(GUEST_ACTIVITY_STATE);
    s->guest_interruptibility = vmcs_read(GUEST_INTERRUPTIBILITY_STATE);
    s->vmcs_link_pointer = vmcs_read(VMCS_LINK_POINTER);
    s->entry_interruption_info = vmcs_read(VM_ENTRY_INTERRUPTION_INFORMATION_FIELD);
    s->entry_exception_error_code = vmcs_read(VM_ENTRY_EXCEPTION_ERROR_CODE);
    s->entry_instruction_length = vmcs_read(VM_ENTRY_INSTRUCTION_LENGTH);
    s->cr3_target_count = vmcs_read(CR3_TARGET_COUNT);
    s->io_bitmap_a = vmcs_read(ADDRESS_OF_IO_BITMAP_A);
    s->io_bitmap_b = vmcs_read(ADDRESS_OF_IO_BITMAP_B);
    s->msr_bitmap = vmcs_read(ADDRESS_OF_MSR_BITMAPS);
    s->exit_msr_store_count = vmcs_read(VM_EXIT_MSR_STORE_COUNT);
    s->exit_msr_store_address = vmcs_read(VM_EXIT_MSR_STORE_ADDRESS);
    s->exit_msr_load_count = vmcs_read(VM_EXIT_MSR_LOAD_COUNT);
    s->exit_msr_load_address = vmcs_read(VM_EXIT_MSR_LOAD_ADDRESS);
    s->entry_msr_load_count = vmcs_read(VM_ENTRY_MSR_LOAD_COUNT);
    s->entry_msr_load_address = vmcs_read(VM_ENTRY_MSR_LOAD_ADDRESS);
    s->entry_msr_load = (const struct vmx_msr_entry *)(uintptr_t)s->entry_msr_load_address;
    s->exit_msr_store = (const struct vmx_msr_entry *)(uintptr_t)s->exit_msr_store_address;
    s->exit_msr_load = (const struct vmx_msr_entry *)(uintptr_t)s->exit_msr_load_address;
    s->eptp = (s->proc2 & PROC2_ENABLE_EPT) ? vmcs_read(EPT_POINTER) : 0;
    s->ept_vpid_cap = (s->proc2 & (PROC2_ENABLE_EPT | PROC2_ENABLE_VPID))
                          ? rdmsr(IA32_VMX_EPT_VPID_CAP)
                          : 0;

    s->host_cr0 = vmcs_read(HOST_CR0);
    s->host_cr3 = vmcs_read(HOST_CR3);
    s->host_cr4 = vmcs_read(HOST_CR4);
    s->host_rip = vmcs_read(HOST_RIP);
    s->host_cs = vmcs_read(HOST_CS_SELECTOR);
    s->host_ss = vmcs_read(HOST_SS_SELECTOR);
    s->host_ds = vmcs_read(HOST_DS_SELECTOR);
    s->host_es = vmcs_read(HOST_ES_SELECTOR);
    s->host_fs = vmcs_read(HOST_FS_SELECTOR);
    s->host_gs = vmcs_read(HOST_GS_SELECTOR);
    s->host_tr = vmcs_read(HOST_TR_SELECTOR);
    s->host_fs_base = vmcs_read(HOST_FS_BASE);
    s->host_gs_base = vmcs_read(HOST_GS_BASE);
    s->host_tr_base = vmcs_read(HOST_TR_BASE);
    s->host_gdtr_base = vmcs_read(HOST_GDTR_BASE);
    s->host_idtr_base = vmcs_read(HOST_IDTR_BASE);
    s->host_sysenter_esp = vmcs_read(HOST_IA32_SYSENTER_ESP);
    s->host_sysenter_eip = vmcs_read(HOST_IA32_SYSENTER_EIP);
    s->host_efer = vmcs_read(HOST_IA32_EFER);
    s->host_pat = (s->exit & EXIT_LOAD_IA32_PAT) ? vmcs_read(HOST_IA32_PAT) : 0;
}
