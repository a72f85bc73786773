/* SPDX-License-Identifier: MIT */
/* The guest-state area in one screen, for diagnosing a failed VM entry. */
#include "printf.h"
#include "vmx/vmcs_dump.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"

static void dump_segment(const char *name, uint32_t selector_field)
{
    uint32_t i = selector_field - GUEST_ES_SELECTOR;
    kprintf("  %-4s selector %04lx base %016lx limit %08lx access rights %05lx\n",
            name, vmcs_read(GUEST_ES_SELECTOR + i), vmcs_read(GUEST_ES_BASE + i),
            vmcs_read(GUEST_ES_LIMIT + i), vmcs_read(GUEST_ES_ACCESS_RIGHTS + i));
}

void vmcs_dump_guest_state(void)
{
    kprintf("guest-state area:\n");
    kprintf("  CR0 %016lx CR3 %016lx CR4 %016lx DR7 %016lx\n", vmcs_read(GUEST_CR0),
            vmcs_read(GUEST_CR3), vmcs_read(GUEST_CR4), vmcs_read(GUEST_DR7));
    kprintf("  RSP %016lx RIP %016lx RFLAGS %016lx\n", vmcs_read(GUEST_RSP),
            vmcs_read(GUEST_RIP), vmcs_read(GUEST_RFLAGS));
    dump_segment("CS", GUEST_CS_SELECTOR);
    dump_segment("SS", GUEST_SS_SELECTOR);
    dump_segment("DS", GUEST_DS_SELECTOR);
    dump_segment("ES", GUEST_ES_SELECTOR);
    dump_segment("FS", GUEST_FS_SELECTOR);
    dump_segment("GS", GUEST_GS_SELECTOR);
    dump_segment("LDTR", GUEST_LDTR_SELECTOR);
    dump_segment("TR", GUEST_TR_SELECTOR);
    kprintf("  GDTR base %016lx limit %04lx, IDTR base %016lx limit %04lx\n",
            vmcs_read(GUEST_GDTR_BASE), vmcs_read(GUEST_GDTR_LIMIT),
            vmcs_read(GUEST_IDTR_BASE), vmcs_read(GUEST_IDTR_LIMIT));
    kprintf("  IA32_EFER %016lx activity state %lu interruptibility %lx "
            "VMCS link pointer %016lx\n", vmcs_read(GUEST_IA32_EFER),
            vmcs_read(GUEST_ACTIVITY_STATE), vmcs_read(GUEST_INTERRUPTIBILITY_STATE),
            vmcs_read(VMCS_LINK_POINTER));
}
