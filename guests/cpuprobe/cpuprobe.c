/* SPDX-License-Identifier: MIT */
/* A multiboot kernel that looks at the CPU a hypervisor presents, from the
 * inside, one line on COM1 per thing it checks ("cpuprobe: ..."): CPUID's
 * leaves, MSRs that exist and MSRs that do not, the MSRs that must survive
 * VM exits (STAR, TSC_AUX, PAT, DR7), XSETBV's checks and the sizes leaf
 * 0DH gives for the XCR0 it set, and the instructions CPUID hides (RDPMC,
 * MONITOR, MWAIT). A CPUID between a write and its read back makes the
 * hypervisor exit, so a value that did not survive the exit shows. Then
 * it exits through port 0xF4 with status 0. */
#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "cpu.h"
#include "multiboot.h"
#include "serial.h"

#define DEBUG_EXIT_PORT 0xF4
#define NO_FAULT 0xFFFFFFFFu
#define VECTOR_UD 6
#define VECTOR_GP 13
#define GATE_INTERRUPT_32 0x8E00u
#define IDT_ENTRIES 32
#define CPUID_FEATURES 1u
#define CPUID_XSAVE 0xDu
#define CPUID_HYPERVISOR 0x40000000u
#define ECX_MONITOR (1u << 3)
#define ECX_VMX (1u << 5)
#define ECX_X2APIC (1u << 21)
#define ECX_OSXSAVE (1u << 27)
#define ECX_HYPERVISOR (1u << 31)
#define EBX_APIC_ID_SHIFT 24
#define CR4_OSXSAVE (1u << 18)
#define IA32_FEATURE_CONTROL 0x3Au
#define IA32_TSC_ADJUST 0x3Bu
#define IA32_MISC_ENABLE 0x1A0u
#define IA32_PAT 0x277u
#define IA32_EFER 0xC0000080u
#define IA32_STAR 0xC0000081u
#define IA32_TSC_AUX 0xC0000103u
#define NO_SUCH_MSR 0x12345678u
#define STAR_VALUE 0x00230010u     /* high half: user and kernel CS bases */
#define TSC_AUX_VALUE 0x1234u
#define PAT_VALUE 0x00070406u      /* low half WB, WT, UC-, UC; high half UC */
#define PAT_TYPE_2 0x2u
#define EFER_BIT_1 0x2u
#define XCR0_X87_SSE_AVX 0x7u
#define XCR0_X87_AVX 0x5u
#define DR7_LE 0x500u              /* bit 10, fixed 1, and LE: enables nothing */

struct cpuid { uint32_t eax, ebx, ecx, edx; };

uint32_t try_rdmsr(uint32_t msr, uint64_t *value);
uint32_t try_wrmsr(uint32_t msr, uint32_t low, uint32_t high);
uint32_t try_xsetbv(uint32_t low, uint32_t high);
uint32_t try_rdpmc(uint32_t counter);
uint32_t try_monitor(void);
uint32_t try_mwait(void);
void ud_stub(void);
void gp_stub(void);

static struct cpuid cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid r;
    __asm__ volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
                     : "a"(leaf), "c"(subleaf));
    return r;
}

/* A VM exit: CPUID always makes one. */
static void exit_once(void) { (void)cpuid(0, 0); }

static void say(const char *what) { serial_puts("cpuprobe: "); serial_puts(what); }

static void say_hex(const char *what, uint64_t v)
{
    say(what);
    serial_put_hex(v, 1);
    serial_putc('\n');
}

/* "ok", "#GP", "#UD" for a try_* result. */
static void say_fault(const char *what, uint32_t fault)
{
    say(what);
    serial_puts(fault == NO_FAULT ? "ok\n" : fault == VECTOR_GP ? "#GP\n" :
                fault == VECTOR_UD ? "#UD\n" : "another fault\n");
}

struct __attribute__((packed)) gate { uint16_t low, selector, flags, high; };
static struct gate idt[IDT_ENTRIES];

static void set_gate(unsigned vector, void (*stub)(void))
{
    uint16_t cs;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    uint32_t handler = (uint32_t)stub;
    idt[vector] = (struct gate){(uint16_t)handler, cs, GATE_INTERRUPT_32,
                                (uint16_t)(handler >> 16)};
}

static void set_idt(void)
{
    set_gate(VECTOR_UD, ud_stub);
    set_gate(VECTOR_GP, gp_stub);
    struct __attribute__((packed)) { uint16_t limit; uint32_t base; } idtr = {
        sizeof idt - 1, (uint32_t)idt};
    __asm__ volatile("lidt %0" : : "m"(idtr));
}

static void probe_cpuid(void)
{
    say_hex("CPUID.0: max basic leaf ", cpuid(0, 0).eax);
    struct cpuid h = cpuid(CPUID_HYPERVISOR, 0);
    char sig[13] = {0};
    for (int i = 0; i < 4; i++) {
        sig[i] = (char)(h.ebx >> (8 * i));
        sig[4 + i] = (char)(h.ecx >> (8 * i));
        sig[8 + i] = (char)(h.edx >> (8 * i));
    }
    say("CPUID.40000000H: \"");
    serial_puts(sig);
    serial_puts("\", max leaf ");
    serial_put_hex(h.eax, 8);
    serial_putc('\n');
    struct cpuid f = cpuid(CPUID_FEATURES, 0);
    say("CPUID.1: vmx ");
    serial_put_dec(!!(f.ecx & ECX_VMX));
    serial_puts(", monitor ");
    serial_put_dec(!!(f.ecx & ECX_MONITOR));
    serial_puts(", x2apic ");
    serial_put_dec(!!(f.ecx & ECX_X2APIC));
    serial_puts(", hypervisor ");
    serial_put_dec(!!(f.ecx & ECX_HYPERVISOR));
    serial_puts(", APIC ID ");
    serial_put_dec(f.ebx >> EBX_APIC_ID_SHIFT);
    serial_putc('\n');
}

static void probe_msrs(void)
{
    uint64_t v = 0;
    say_fault("RDMSR 0x12345678: ", try_rdmsr(NO_SUCH_MSR, &v));
    say_fault("RDMSR IA32_TSC_ADJUST: ", try_rdmsr(IA32_TSC_ADJUST, &v));
    try_rdmsr(IA32_FEATURE_CONTROL, &v);
    say_hex("IA32_FEATURE_CONTROL = ", v);
    try_rdmsr(IA32_MISC_ENABLE, &v);
    say_hex("IA32_MISC_ENABLE = ", v);
    say_fault("WRMSR IA32_PAT with a type 2 entry: ", try_wrmsr(IA32_PAT, PAT_TYPE_2, 0));
    say_fault("WRMSR IA32_EFER with bit 1: ", try_wrmsr(IA32_EFER, EFER_BIT_1, 0));
}

/* Values that live in the real registers while the guest runs: each is
 * read back after a VM exit. */
static void probe_switched(void)
{
    uint64_t v = 0;
    try_wrmsr(IA32_STAR, 0, STAR_VALUE);
    try_wrmsr(IA32_PAT, PAT_VALUE, 0);
    try_wrmsr(IA32_TSC_AUX, TSC_AUX_VALUE, 0);
    uint32_t dr7 = DR7_LE;
    __asm__ volatile("mov %0, %%dr7" : : "r"(dr7));
    exit_once();
    try_rdmsr(IA32_STAR, &v);
    say_hex("IA32_STAR after an exit: ", v);
    try_rdmsr(IA32_PAT, &v);
    say_hex("IA32_PAT after an exit: ", v);
    uint32_t lo, hi, aux;
    __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
    say_hex("RDTSCP's IA32_TSC_AUX after an exit: ", aux);
    __asm__ volatile("mov %%dr7, %0" : "=r"(dr7));
    say_hex("DR7 after an exit: ", dr7);
}

static void probe_xsave(void)
{
    uint32_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= CR4_OSXSAVE;
    __asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
    say_fault("XSETBV XCR0 = 0x5 (AVX without SSE): ", try_xsetbv(XCR0_X87_AVX, 0));
    say_fault("XSETBV XCR0 = 0x0: ", try_xsetbv(0, 0));
    say_fault("XSETBV XCR0 = 0x7: ", try_xsetbv(XCR0_X87_SSE_AVX, 0));
    exit_once();
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    say_hex("XGETBV after an exit: ", (uint64_t)hi << 32 | lo);
    struct cpuid x = cpuid(CPUID_XSAVE, 0);
    say_hex("CPUID.(0DH,0).EBX, the XSAVE size for XCR0: ", x.ebx);
    say("CPUID.1: osxsave ");
    serial_put_dec(!!(cpuid(CPUID_FEATURES, 0).ecx & ECX_OSXSAVE));
    serial_putc('\n');
}

static void probe_hidden(void)
{
    say_fault("RDPMC 0: ", try_rdpmc(0));
    say_fault("MONITOR: ", try_monitor());
    say_fault("MWAIT: ", try_mwait());
}

noreturn void cpuprobe_main(uint32_t magic, const struct multiboot_info *info)
{
    (void)magic;
    (void)info;
    serial_init();
    set_idt();
    probe_cpuid();
    probe_msrs();
    probe_switched();
    probe_xsave();
    probe_hidden();
    say("done\n");
    serial_flush();
    __asm__ volatile("outl %0, %1" : : "a"(0u), "Nd"((uint16_t)DEBUG_EXIT_PORT));
    for (;;)
        __asm__ volatile("cli; hlt");
}
