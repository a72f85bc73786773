/* SPDX-License-Identifier: MIT */
/* IDT with one gate per exception vector. Intel SDM Vol. 3A,
 * "64-Bit Mode IDT". A host exception is always a bug in the hypervisor:
 * report it and end the run. */
#include "descriptors.h"
#include "cpu.h"
#include "panic.h"
#include "trap.h"
#include "x86.h"

#define GATE_TYPE_INTERRUPT 0xE
#define GATE_PRESENT (1u << 7)

struct __attribute__((packed)) idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
};

extern const uint64_t exception_stubs[EXCEPTION_VECTORS];
static struct idt_gate idt[EXCEPTION_VECTORS] __attribute__((aligned(16)));

static const char *const names[EXCEPTION_VECTORS] = {
    [VECTOR_DE] = "#DE divide error",
    [VECTOR_DB] = "#DB debug",
    [VECTOR_NMI] = "NMI",
    [VECTOR_BP] = "#BP breakpoint",
    [VECTOR_OF] = "#OF overflow",
    [VECTOR_BR] = "#BR bound range exceeded",
    [VECTOR_UD] = "#UD invalid opcode",
    [VECTOR_NM] = "#NM device not available",
    [VECTOR_DF] = "#DF double fault",
    [VECTOR_TS] = "#TS invalid TSS",
    [VECTOR_NP] = "#NP segment not present",
    [VECTOR_SS] = "#SS stack-segment fault",
    [VECTOR_GP] = "#GP general protection",
    [VECTOR_PF] = "#PF page fault",
    [VECTOR_MF] = "#MF x87 floating-point error",
    [VECTOR_AC] = "#AC alignment check",
    [VECTOR_MC] = "#MC machine check",
    [VECTOR_XM] = "#XM SIMD floating-point",
    [VECTOR_VE] = "#VE virtualization exception",
    [VECTOR_CP] = "#CP control protection",
};

const char *exception_name(uint64_t vector)
{
    if (vector < EXCEPTION_VECTORS && names[vector])
        return names[vector];
    return "reserved vector";
}

void idt_init(void)
{
    for (int v = 0; v < EXCEPTION_VECTORS; v++) {
        uint64_t handler = exception_stubs[v];
        idt[v] = (struct idt_gate){
            .offset_low = (uint16_t)handler,
            .selector = GDT_KERNEL_CODE_SELECTOR,
            .ist = (v == VECTOR_DF || v == VECTOR_MC) ? IST_EMERGENCY : 0,
            .type_attr = GATE_PRESENT | GATE_TYPE_INTERRUPT,
            .offset_mid = (uint16_t)(handler >> 16),
            .offset_high = (uint32_t)(handler >> 32),
        };
    }
    struct descriptor_table_register idtr = {sizeof idt - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
}

void exception_dispatch(struct trap_frame *f);
void exception_dispatch(struct trap_frame *f)
{
    kprintf("host exception: vector %lu (%s), error code 0x%lx, RIP 0x%lx, "
            "CR2 0x%lx\n",
            f->vector, exception_name(f->vector), f->error_code, f->rip,
            read_cr2());
    dump_trap_frame(f);
    run_fail("host exception %s at RIP 0x%lx", exception_name(f->vector), f->rip);
}
