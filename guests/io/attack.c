/* SPDX-License-Identifier: MIT */
/* Attacks on the hypervisor itself: each program does one thing a buggy or
 * malicious kernel might, and the hypervisor must answer as hardware would
 * (the right exception, with the right error code) or end the run by name,
 * within its deadline, with its own memory intact. The test suite
 * (tests/test_hostile.py) names the line each one must produce. */
#include <stdbool.h>
#include "attack.h"
#include "guest.h"
#include "hypercall.h"
#include "io.h"
#include "kstring.h"
#include "programs.h"
#include "virtio.h"
#include "virtio_blk.h"
#include "virtio_console.h"

#define TEST_DEVICE_BASE 0xFE000000ul /* chapters/04-io/test_device.h */
#define TEST_DEVICE_SCRATCH_END 0xFFCu /* 4 bytes before the page ends */
#define UNKNOWN_MSR 0x12345678u
#define VECTOR_UD 6
#define VECTOR_GP 13
#define CR0_NW (1ul << 29)
#define CR4_OSXSAVE (1ul << 18)
#define COM1_MSR (COM1_PORT + 6)
#define COM1_SCR (COM1_PORT + 7)
#define SCRATCH_BYTE 0x5A
#define SPIN_WITH_INTERRUPTS 20000000u
#define SPIN_UNDER_WATCHDOG 20000000u /* 2 instructions each: under the watchdog */
#define FLOOD_BYTES_SHOWN 0x4000u
#define FLOOD_GPA 0x400000ul
#define FLOOD_LINE 100

/* ---- measuring with absurd byte counts ------------------------------------ */

static int attack_measure(void)
{
    hc_measure_begin("2^63 bytes");
    guest_cpuid(0, 0);
    hc_measure_end(1ull << 63);
    hc_measure_begin("two exits");
    guest_cpuid(0, 0);
    guest_cpuid(0, 0);
    hc_measure_end(4096);
    hc_puts("measured with 2^63 bytes; the hypervisor must still print its table");
    return 0;
}

/* ---- stalls ------------------------------------------------------------------ */

static int attack_hlt_cli(void)
{
    hc_puts("cli; hlt");
    __asm__ volatile("cli; hlt" ::: "memory");
    return fail(FAIL_ATTACK_SURVIVED, "the guest ran on after cli; hlt");
}

static int attack_msr_flood(void)
{
    hc_puts("RDMSR of an unknown MSR, forever");
    while (trap_rdmsr(UNKNOWN_MSR) != TRAP_NONE)
        ;
    return fail(FAIL_ATTACK_SURVIVED, "RDMSR of an unknown MSR worked");
}

static int attack_deadline(void)
{
    hc_puts("spinning just under the watchdog between exits, forever");
    for (;;) {
        uint32_t n = SPIN_UNDER_WATCHDOG;
        __asm__ volatile("1: dec %0; jnz 1b" : "+c"(n) : : "memory");
        if (guest_cpuid(0, 0).eax == 0)
            break;
    }
    return fail(FAIL_ATTACK_SURVIVED, "CPUID leaf 0 said 0");
}

static int attack_console_flood(uint32_t ram_size)
{
    struct virtio_console c;
    if (virtio_console_init(&c) != VIRTIO_OK)
        return fail(FAIL_CONSOLE_INIT, "virtio-console setup failed");
    char *text = (char *)FLOOD_GPA;
    for (uint32_t i = 0; i < FLOOD_BYTES_SHOWN; i++)
        text[i] = (i + 1) % FLOOD_LINE ? '.' : '\n';
    uint32_t len = ram_size - FLOOD_GPA;
    hc_report("one virtio-console buffer of this many bytes", len);
    virtq_set_desc(&c.transmitq, 0, FLOOD_GPA, len, 0, 0);
    virtq_make_available(&c.transmitq, 0);
    virtq_notify(&c.dev, &c.transmitq);
    struct virtq_used_elem used;
    if (!virtq_get_used(&c.transmitq, &used))
        return fail(FAIL_CONSOLE_WRITE, "virtio-console did not return the buffer");
    hc_puts("virtio-console returned the buffer");
    return 0;
}

/* ---- no guest text is a verdict ----------------------------------------------- */

static int attack_print_verdict(void)
{
    static const char forged[] = "PASS\nFAIL: forged\x0b" "PASS\x0c\\x41\r";
    hc_puts("PASS");
    hc_print(forged, sizeof forged - 1);
    hc_report("PASS\nFAIL: forged label", 1);
    for (const char *p = "PASS\x0b" "FAIL: over COM1\n"; *p; p++)
        outb(COM1_PORT, (uint8_t)*p);
    return 0;
}

static int attack_hypercall_args(void)
{
    hc_report("PRINT of 2^63 bytes returned", hc_raw(HYPERCALL_PRINT, TEXT_GPA, 1ull << 63));
    hc_report("REPORT with a label at 2^64 - 8 returned", hc_raw(HYPERCALL_REPORT, ~7ull, 1));
    hc_report("MEASURE_BEGIN with a label past RAM returned",
              hc_raw(HYPERCALL_MEASURE_BEGIN, 0xC0000000ul, 0));
    return 0;
}

/* ---- privilege ---------------------------------------------------------------- */

static int attack_ring3_vmcall(void)
{
    enter_user_mode_for_vmcall();
    hc_report("VMCALL from ring 3 raised vector", trap_last.vector);
    return trap_last.vector == VECTOR_UD ? 0 : fail(FAIL_ATTACK_SURVIVED, "no #UD");
}

/* ---- instructions the hypervisor must emulate as hardware would ----------------- */

static int attack_vmx_instructions(void)
{
    unsigned ud = vmx_instructions_try_all();
    hc_report("VMX instructions that raised #UD, of 11", ud);
    return ud == VMX_INSTRUCTIONS ? 0 : fail(FAIL_ATTACK_SURVIVED, "a VMX instruction ran");
}

static bool osxsave_promised(void)
{
    return guest_cpuid(1, 0).ecx & CPUID_1_ECX_OSXSAVE;
}

static int attack_xsetbv(void)
{
    struct cpuid_result r = guest_cpuid(1, 0);
    if (!(r.ecx & CPUID_1_ECX_XSAVE))
        return fail(FAIL_ATTACK_SURVIVED, "no XSAVE on this CPU");
    write_cr4(read_cr4() | CR4_OSXSAVE);
    hc_report("CPUID.1:ECX.OSXSAVE after setting CR4.OSXSAVE", osxsave_promised());
    hc_report("XCR0 at first", xgetbv0());
    hc_report("XSETBV XCR0 = 0 (x87 clear) raised vector", trap_xsetbv(0, 0));
    hc_report("XSETBV XCR1 = 1 raised vector", trap_xsetbv(1, 1));
    hc_report("XSETBV XCR0 = 4 (AVX without SSE) raised vector", trap_xsetbv(0, 4));
    hc_report("XSETBV XCR0 = 3 raised vector (0xff: none)", trap_xsetbv(0, 3));
    hc_report("XCR0 after XSETBV 3", xgetbv0());
    trap_xsetbv(0, 1);
    write_cr4(read_cr4() & ~CR4_OSXSAVE);
    hc_report("CPUID.1:ECX.OSXSAVE after clearing CR4.OSXSAVE", osxsave_promised());
    return 0;
}

static int attack_invd(void)
{
    __asm__ volatile("invd" ::: "memory");
    hc_puts("INVD came back");
    return 0;
}

static int attack_cpuid_promises(void)
{
    bool rdtscp = guest_cpuid(0x80000001u, 0).edx & CPUID_EXT_EDX_RDTSCP;
    bool invpcid = guest_cpuid(7, 0).ebx & CPUID_7_EBX_INVPCID;
    bool xsaves = guest_cpuid(0xD, 1).eax & CPUID_D1_EAX_XSAVES;
    hc_report("CPUID promises RDTSCP", rdtscp);
    hc_report("CPUID promises INVPCID", invpcid);
    hc_report("CPUID promises XSAVES", xsaves);
    hc_report("CPUID.1:ECX.OSXSAVE with CR4.OSXSAVE clear", osxsave_promised());
    unsigned v = trap_rdtscp();
    hc_report("RDTSCP raised vector (0xff: none)", v);
    return (rdtscp == (v == TRAP_NONE)) ? 0 : fail(FAIL_ATTACK_SURVIVED, "CPUID lied");
}

static int attack_cr0(void)
{
    uint64_t cr0 = read_cr0();
    unsigned v = trap_write_cr0(cr0 | (1ull << 32));
    hc_report("MOV CR0 with bit 32 set raised vector", v);
    hc_report("  error code", trap_last.error);
    unsigned w = trap_write_cr0((cr0 | CR0_NW) & ~CR0_CD_BIT);
    hc_report("MOV CR0 with NW but not CD raised vector", w);
    return v == VECTOR_GP && w == VECTOR_GP ? 0 : fail(FAIL_ATTACK_SURVIVED, "CR0 took it");
}

static int attack_cr8(void)
{
    unsigned v = trap_write_cr8(5);
    hc_report("MOV CR8 = 5 raised vector (0xff: none)", v);
    hc_report("CR8 reads back", read_cr8());
    unsigned w = trap_write_cr8(0x10);
    hc_report("MOV CR8 = 0x10 raised vector", w);
    return v == TRAP_NONE && w == VECTOR_GP ? 0 : fail(FAIL_ATTACK_SURVIVED, "CR8 wrong");
}

static int attack_mov_ss(void)
{
    uint64_t after_cpuid;
    uint64_t rip = trap_single_step_mov_ss(&after_cpuid);
    hc_report("#DB after MOV SS; CPUID, bytes past the CPUID (0: right after it)",
              rip - after_cpuid);
    return rip == after_cpuid ? 0 : fail(FAIL_ATTACK_SURVIVED, "the #DB came late");
}

/* ---- devices -------------------------------------------------------------- */

static int attack_com1_wide(void)
{
    /* A 16-bit OUT at MSR reaches MSR (read-only) and SCR, the next port. */
    __asm__ volatile("outw %0, %1" ::"a"((uint16_t)(SCRATCH_BYTE << 8)), "Nd"((uint16_t)COM1_MSR)
                     : "memory");
    hc_report("COM1 scratch after a 16-bit OUT at port 0x3fe", inb(COM1_SCR));
    uint16_t both;
    __asm__ volatile("inw %1, %0" : "=a"(both) : "Nd"((uint16_t)COM1_MSR) : "memory");
    hc_report("16-bit IN at port 0x3fe, high byte (the scratch)", both >> 8);
    return (both >> 8) == SCRATCH_BYTE ? 0 : fail(FAIL_ATTACK_SURVIVED, "wide COM1 access");
}

static int attack_mmio_past_end(void)
{
    hc_puts("an 8-byte read 4 bytes before the end of the test device");
    uint64_t v;
    __asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(TEST_DEVICE_BASE + TEST_DEVICE_SCRATCH_END)
                     : "memory");
    hc_report("the read returned", v);
    return fail(FAIL_ATTACK_SURVIVED, "a straddling MMIO read was emulated");
}

/* Guest paging puts a RAM page and the test device's page side by side
 * at linear 1 GiB (boot64.inc maps that GiB with 2 MiB pages, its second
 * page directory): an access across the two starts in RAM. */
#define STRADDLE_LINEAR 0x40000000ul
#define STRADDLE_PD_GPA 0x13000ul
#define STRADDLE_PT_GPA 0x34000ul
#define STRADDLE_RAM_GPA 0x35000ul
#define PTE_PRESENT_WRITABLE 0x3ul
#define PAGE_BYTES 0x1000u

static int attack_mmio_straddle(void)
{
    uint64_t *pt = (uint64_t *)STRADDLE_PT_GPA;
    memset(pt, 0, PAGE_BYTES);
    pt[0] = STRADDLE_RAM_GPA | PTE_PRESENT_WRITABLE;
    pt[1] = TEST_DEVICE_BASE | PTE_PRESENT_WRITABLE;
    memset((void *)STRADDLE_RAM_GPA, 'R', PAGE_BYTES);
    *(volatile uint64_t *)STRADDLE_PD_GPA = STRADDLE_PT_GPA | PTE_PRESENT_WRITABLE;
    __asm__ volatile("movq %%cr3, %%rax; movq %%rax, %%cr3" ::: "rax", "memory");
    hc_puts("an 8-byte read that starts in RAM and ends on the test device");
    uint64_t v;
    __asm__ volatile("movq (%1), %0" : "=r"(v) : "r"(STRADDLE_LINEAR + TEST_DEVICE_SCRATCH_END)
                     : "memory");
    hc_report("the read returned", v);
    return fail(FAIL_ATTACK_SURVIVED, "a straddling MMIO read was emulated");
}

static int attack_queue_num(void)
{
    struct virtio_dev d = {.base = VIRTIO_BLK_BASE, .device_id = VIRTIO_ID_BLOCK};
    if (virtio_begin_init(&d, 0) != VIRTIO_OK)
        return fail(FAIL_BLK_INIT, "virtio-blk setup failed");
    mmio_write32(d.base + VIRTIO_MMIO_QUEUE_SEL, 0);
    mmio_write32(d.base + VIRTIO_MMIO_QUEUE_NUM, 0x10010); /* 16 in its low 16 bits */
    mmio_write32(d.base + VIRTIO_MMIO_QUEUE_READY, 1);
    uint32_t status = virtio_status(&d);
    hc_report("status after QueueNum 0x10010 and QueueReady", status);
    return status & VIRTIO_STATUS_DEVICE_NEEDS_RESET ? 0
                                                     : fail(FAIL_ATTACK_SURVIVED, "accepted");
}

/* ---- events ---------------------------------------------------------------- */

static int attack_event_delivery(void)
{
    hc_puts("IDT on the test device's MMIO page, then UD2");
    load_idt(TEST_DEVICE_BASE, IDT_LIMIT);
    __asm__ volatile("ud2" ::: "memory");
    return fail(FAIL_ATTACK_SURVIVED, "the #UD went nowhere");
}

static int attack_host_interrupts(void)
{
    uint32_t n = SPIN_WITH_INTERRUPTS;
    __asm__ volatile("sti; 1: dec %0; jnz 1b; cli" : "+c"(n) : : "memory");
    hc_report("loop iterations with interrupts enabled, and no interrupt",
              SPIN_WITH_INTERRUPTS);
    return 0;
}

int program_attack(uint32_t program, uint32_t ram_size)
{
    traps_init();
    switch (program) {
    case GUEST_ATTACK_MEASURE: return attack_measure();
    case GUEST_ATTACK_HLT_CLI: return attack_hlt_cli();
    case GUEST_ATTACK_MSR_FLOOD: return attack_msr_flood();
    case GUEST_ATTACK_DEADLINE: return attack_deadline();
    case GUEST_ATTACK_CONSOLE_FLOOD: return attack_console_flood(ram_size);
    case GUEST_ATTACK_PRINT_VERDICT: return attack_print_verdict();
    case GUEST_ATTACK_RING3_VMCALL: return attack_ring3_vmcall();
    case GUEST_ATTACK_VMX: return attack_vmx_instructions();
    case GUEST_ATTACK_XSETBV: return attack_xsetbv();
    case GUEST_ATTACK_INVD: return attack_invd();
    case GUEST_ATTACK_CPUID: return attack_cpuid_promises();
    case GUEST_ATTACK_CR0: return attack_cr0();
    case GUEST_ATTACK_CR8: return attack_cr8();
    case GUEST_ATTACK_COM1_WIDE: return attack_com1_wide();
    case GUEST_ATTACK_MMIO_PAST_END: return attack_mmio_past_end();
    case GUEST_ATTACK_QUEUE_NUM: return attack_queue_num();
    case GUEST_ATTACK_EVENT_DELIVERY: return attack_event_delivery();
    case GUEST_ATTACK_HOST_INTERRUPTS: return attack_host_interrupts();
    case GUEST_ATTACK_HYPERCALL_ARGS: return attack_hypercall_args();
    case GUEST_ATTACK_MMIO_STRADDLE: return attack_mmio_straddle();
    case GUEST_ATTACK_MOV_SS: return attack_mov_ss();
    default: return FAIL_UNKNOWN_PROGRAM;
    }
}
