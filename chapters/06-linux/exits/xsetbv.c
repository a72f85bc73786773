/* SPDX-License-Identifier: MIT */
/* XSETBV exits unconditionally. The hypervisor checks it as the CPU would
 * ("XSETBV—Set Extended Control Register") against what CPUID promises
 * the guest (leaf 0DH: the state components XCR0 may enable) and loads the
 * real XCR0, which is then the guest's own: the hypervisor never uses
 * XSAVE-managed state (it is built without SSE), so XGETBV in the guest
 * reads back only what the guest wrote, or the reset value 1. */
#include "cpu.h"
#include "exit_log.h"
#include "exits.h"
#include "x86.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"

#define CPUID_XSAVE_STATE 0xDu
#define XCR0_X87 (1ull << 0)
#define XCR0_SSE (1ull << 1)
#define XCR0_AVX (1ull << 2)
#define XCR0_BNDREGS (1ull << 3)
#define XCR0_BNDCSR (1ull << 4)
#define XCR0_AVX512 (7ull << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */
#define EDX_EAX_LOW 0xFFFFFFFFull

static bool xcr0_valid(uint64_t value)
{
    struct cpuid_regs r = cpuid(CPUID_XSAVE_STATE, 0);
    uint64_t supported = ((uint64_t)r.edx << 32) | r.eax;
    if (value & ~supported || !(value & XCR0_X87))
        return false;
    if ((value & XCR0_AVX) && !(value & XCR0_SSE))
        return false;
    if (!(value & XCR0_BNDREGS) != !(value & XCR0_BNDCSR))
        return false;
    uint64_t avx512 = value & XCR0_AVX512;
    return !avx512 || (avx512 == XCR0_AVX512 && (value & XCR0_AVX));
}

static void load_xcr0(uint64_t value)
{
    /* XSETBV needs CR4.OSXSAVE, which the host does not otherwise set. */
    uint64_t cr4 = read_cr4();
    write_cr4(cr4 | CR4_OSXSAVE);
    __asm__ volatile("xsetbv" ::"c"(0), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
    write_cr4(cr4);
}

enum exit_action handle_xsetbv(struct vcpu *v)
{
    uint32_t xcr = (uint32_t)v->gpr[GPR_RCX];
    uint64_t value = (v->gpr[GPR_RDX] << 32) | (v->gpr[GPR_RAX] & EDX_EAX_LOW);
    /* #UD without CR4.OSXSAVE and #GP at CPL > 0 come before the exit on
     * the CPU; the rest is the hypervisor's to check. */
    if (!(vmcs_read(GUEST_CR4) & CR4_OSXSAVE))
        return vcpu_inject_fault(VECTOR_UD, "xsetbv: CR4.OSXSAVE is clear: #UD\n");
    if (vcpu_cpl() > 0 || xcr != 0 || !xcr0_valid(value))
        return vcpu_inject_fault(VECTOR_GP, "xsetbv: XCR%u = 0x%lx is not allowed: #GP\n",
                                 xcr, value);
    load_xcr0(value);
    exit_log("xsetbv: XCR0 = 0x%lx\n", value);
    vcpu_skip_instruction();
    return EXIT_RESUME;
}
