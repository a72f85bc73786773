// sources: chapters/02-vmcs/controls.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of controls_adjust(), the one function every VMX control
 * goes through (chapter 2): allowed-0 bits forced on, bits outside the
 * allowed-1 settings refused and cleared. The capability MSR values are
 * those of real CPUs and of the Bochs model the project runs on; each is
 * cited where it is defined. The functions around controls_adjust read
 * MSRs; they are linked but never called here. */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "controls.h"
#include "vmx/vmx_controls.h"

/* controls_compute() prints what the CPU refuses; it is never called. */
int kprintf(const char *fmt, ...)
{
    (void)fmt;
    return 0;
}

/** One CPU's control capability MSRs. The TRUE_* values are 0 where the
 *  CPU has none (IA32_VMX_BASIC bit 55 clear). */
struct cpu_caps {
    const char *name;
    bool true_controls; /**< IA32_VMX_BASIC bit 55 */
    uint64_t pin, proc, proc2, exit, entry;
    uint64_t true_pin, true_proc, true_exit, true_entry;
};

/* Intel Core i7-6700K (Skylake), MSRs as dumped from the hardware in
 * VirtualBox's CPU database, src/VBox/VMM/VMMR3/cpus/Intel_Core_i7_6700K.h
 * (github.com/VirtualBox/virtualbox): IA32_VMX_BASIC 0x00da0400_00000004,
 * so bit 55 is set and the TRUE MSRs 48DH-490H are the ones to use. */
static const struct cpu_caps skylake_6700k = {
    .name = "Core i7-6700K",
    .true_controls = true,
    .pin = 0x0000007f00000016ull,        /* 481H IA32_VMX_PINBASED_CTLS */
    .proc = 0xfff9fffe0401e172ull,       /* 482H IA32_VMX_PROCBASED_CTLS */
    .proc2 = 0x001ffcff00000000ull,      /* 48BH IA32_VMX_PROCBASED_CTLS2 */
    .exit = 0x01ffffff00036dffull,       /* 483H IA32_VMX_EXIT_CTLS */
    .entry = 0x0003ffff000011ffull,      /* 484H IA32_VMX_ENTRY_CTLS */
    .true_pin = 0x0000007f00000016ull,   /* 48DH IA32_VMX_TRUE_PINBASED_CTLS */
    .true_proc = 0xfff9fffe04006172ull,  /* 48EH IA32_VMX_TRUE_PROCBASED_CTLS */
    .true_exit = 0x01ffffff00036dfbull,  /* 48FH IA32_VMX_TRUE_EXIT_CTLS */
    .true_entry = 0x0003ffff000011fbull, /* 490H IA32_VMX_TRUE_ENTRY_CTLS */
};

/* Intel Core i7-3960X (Sandy Bridge-E), same source:
 * src/VBox/VMM/VMMR3/cpus/Intel_Core_i7_3960X.h, IA32_VMX_BASIC
 * 0x00da0400_00000010 (bit 55 set). */
static const struct cpu_caps sandy_bridge_3960x = {
    .name = "Core i7-3960X",
    .true_controls = true,
    .pin = 0x0000007f00000016ull,
    .proc = 0xfff9fffe0401e172ull,
    .proc2 = 0x000004ff00000000ull,
    .exit = 0x007fffff00036dffull,
    .entry = 0x0000ffff000011ffull,
    .true_pin = 0x0000007f00000016ull,
    .true_proc = 0xfff9fffe04006172ull,
    .true_exit = 0x007fffff00036dfbull,
    .true_entry = 0x0000ffff000011fbull,
};

/* Intel Xeon X5482 (Penryn, family 6 model 23: the core of Bochs's
 * core2_penryn_t9600), same source:
 * src/VBox/VMM/VMMR3/cpus/Intel_Xeon_X5482_3_20GHz.h. IA32_VMX_BASIC
 * 0x005a0800_0000000d: bit 55 clear, no TRUE MSRs. No VMX-preemption timer
 * (pin bit 6), no EPT or unrestricted guest (PROCBASED_CTLS2 allows only
 * bits 0 and 6), no save/load IA32_EFER (exit bits 20-21, entry bit 15). */
static const struct cpu_caps penryn_x5482 = {
    .name = "Xeon X5482 (Penryn)",
    .true_controls = false,
    .pin = 0x0000003f00000016ull,
    .proc = 0xf7f9fffe0401e172ull,
    .proc2 = 0x0000004100000000ull,
    .exit = 0x0003ffff00036dffull,
    .entry = 0x00003fff000011ffull,
};

/* Bochs 2.7, cpu: model=corei7_haswell_4770 (the model `make run EMU=bochs`
 * uses). IA32_VMX_BASIC reads 0x00d81000_0000002b (printed by chapter 2):
 * bit 55 set. The allowed 0-settings are Bochs's constants in
 * bochs/cpu/vmx.h (github.com/bochs-emu/Bochs): VMX_MSR_VMX_PINBASED_CTRLS_LO
 * 0x16, PROCBASED 0x0401E172 (TRUE 0x04006172), VMEXIT 0x36DFF (TRUE
 * 0x36DFB), VMENTRY 0x11FF (TRUE 0x11FB), PROCBASED_CTRLS2 0. Chapter 2's
 * "controls:" line on this model (pin-based 0x5e, primary 0x161861f2,
 * VM-exit 0x336fff, VM-entry 0x93ff) is exactly the TRUE allowed-0 bits
 * plus the wanted bits, which confirms them. The allowed 1-settings are
 * derived: bochs/cpu/vmx.cc (init_pin_based_vmexec_ctrls and the functions
 * after it) ORs in one control per feature of the model's
 * get_vmx_extensions_bitmask() in bochs/cpu/cpudb/intel/corei7_haswell_4770.cc
 * (no monitor trap flag; MONITOR/MWAIT is compiled into Debian's build, its
 * bochs.log lists "mwait"). The derived bits agree with Bochs's own table
 * in the project's notes (EPT, VPID, unrestricted guest, preemption timer
 * yes; MTF no). Newer Bochs also offers VM-exit bit 30, which nothing here
 * uses. */
static const struct cpu_caps bochs_haswell = {
    .name = "Bochs corei7_haswell_4770",
    .true_controls = true,
    .pin = 0x0000007f00000016ull,
    .proc = 0xf7f9fffe0401e172ull,
    .proc2 = 0x00047fff00000000ull,
    .exit = 0x007fffff00036dffull,
    .entry = 0x0000ffff000011ffull,
    .true_pin = 0x0000007f00000016ull,
    .true_proc = 0xf7f9fffe04006172ull,
    .true_exit = 0x007fffff00036dfbull,
    .true_entry = 0x0000ffff000011fbull,
};

/* Bochs 2.7, cpu: model=corei5_lynnfield_750: derived as for haswell, from
 * bochs/cpu/cpudb/intel/corei5_lynnfield_750.cc, whose VMX feature list has
 * EPT and VPID but not BX_VMX_UNRESTRICTED_GUEST (nor PAUSE-loop exiting,
 * INVPCID, RDRAND): PROCBASED_CTRLS2 allows bits 0-6 only. */
static const struct cpu_caps bochs_lynnfield = {
    .name = "Bochs corei5_lynnfield_750",
    .true_controls = true,
    .pin = 0x0000007f00000016ull,
    .proc = 0xf7f9fffe0401e172ull,
    .proc2 = 0x0000007f00000000ull,
    .exit = 0x007fffff00036dffull,
    .entry = 0x0000ffff000011ffull,
    .true_pin = 0x0000007f00000016ull,
    .true_proc = 0xf7f9fffe04006172ull,
    .true_exit = 0x007fffff00036dfbull,
    .true_entry = 0x0000ffff000011fbull,
};

static const struct cpu_caps *const cpus[] = {
    &skylake_6700k, &sandy_bridge_3960x, &penryn_x5482, &bochs_haswell, &bochs_lynnfield,
};
#define CPUS (sizeof cpus / sizeof cpus[0])

/** The capability MSR controls_capability() would choose on this CPU. */
static uint64_t capability(const struct cpu_caps *c, enum control_group g)
{
    switch (g) {
    case CONTROLS_PIN_BASED: return c->true_controls ? c->true_pin : c->pin;
    case CONTROLS_PRIMARY_PROCESSOR_BASED: return c->true_controls ? c->true_proc : c->proc;
    case CONTROLS_SECONDARY_PROCESSOR_BASED: return c->proc2;
    case CONTROLS_VM_EXIT: return c->true_controls ? c->true_exit : c->exit;
    case CONTROLS_VM_ENTRY: return c->true_controls ? c->true_entry : c->entry;
    case CONTROL_GROUPS: break;
    }
    return 0;
}

static uint32_t allowed0(uint64_t cap) { return (uint32_t)cap; }
static uint32_t allowed1(uint64_t cap) { return (uint32_t)(cap >> 32); }

/** controls_adjust's result and refusal for one request. */
struct adjusted {
    uint32_t value, refused;
};

static struct adjusted adjust(uint32_t wanted, uint64_t cap)
{
    struct adjusted a = {0, 0xdeadbeefu}; /* refused must be written */
    a.value = controls_adjust(wanted, cap, &a.refused);
    return a;
}

/* --- the rule itself, on every capability MSR above ---------------------- */

/** result = (wanted | allowed0) & allowed1, refused = wanted & ~allowed1,
 *  checked bit by bit for a spread of requests. */
static void test_formula_on_every_msr(void)
{
    static const uint32_t requests[] = {
        0, 0xffffffffu, 0x55555555u, 0xaaaaaaaau, PIN_NMI_EXITING,
        PROC_HLT_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS,
        PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST,
        EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER,
    };
    for (unsigned c = 0; c < CPUS; c++) {
        const struct cpu_caps *cpu = cpus[c];
        const uint64_t msrs[] = {cpu->pin, cpu->proc, cpu->proc2, cpu->exit, cpu->entry,
                                 cpu->true_pin, cpu->true_proc, cpu->true_exit,
                                 cpu->true_entry};
        for (unsigned m = 0; m < sizeof msrs / sizeof msrs[0]; m++) {
            uint64_t cap = msrs[m];
            if (cap == 0) /* a TRUE MSR this CPU does not have */
                continue;
            /* The data: a control that must be 1 may be 1. */
            CHECK_EQ_U64(allowed0(cap) & ~allowed1(cap), 0);
            for (unsigned r = 0; r < sizeof requests / sizeof requests[0]; r++) {
                uint32_t w = requests[r];
                struct adjusted a = adjust(w, cap);
                CHECK_EQ_U64(a.value, (w | allowed0(cap)) & allowed1(cap));
                CHECK_EQ_U64(a.refused, w & ~allowed1(cap));
                /* The same, said as the SDM says it. */
                CHECK_EQ_U64(a.value & allowed0(cap), allowed0(cap));
                CHECK_EQ_U64(a.value & ~allowed1(cap), 0);
                CHECK_EQ_U64(a.value & a.refused, 0);
            }
            /* Asking for everything gets everything that is allowed. */
            CHECK_EQ_U64(adjust(0xffffffffu, cap).value, allowed1(cap));
        }
    }
}

/* --- default-1 controls -------------------------------------------------- */

/** Asking for nothing still gets the default-1 bits, and nothing is refused. */
static void test_default1_forced_on(void)
{
    struct adjusted a = adjust(0, skylake_6700k.true_pin);
    CHECK_EQ_U64(a.value, 0x16); /* pin bits 1, 2, 4 */
    CHECK_EQ_U64(a.refused, 0);

    a = adjust(0, skylake_6700k.proc);
    CHECK_EQ_U64(a.value, 0x0401e172); /* bits 1, 4-6, 8, 13-16, 26 */
    CHECK_EQ_U64(a.refused, 0);

    a = adjust(0, penryn_x5482.exit);
    CHECK_EQ_U64(a.value, 0x36dff); /* bits 0-8, 10, 11, 13, 14, 16, 17 */

    a = adjust(0, penryn_x5482.entry);
    CHECK_EQ_U64(a.value, 0x11ff); /* bits 0-8, 12 */

    /* A wanted control that is also default-1 is not doubled or refused. */
    a = adjust(1u << 1, bochs_haswell.true_pin);
    CHECK_EQ_U64(a.value, 0x16);
    CHECK_EQ_U64(a.refused, 0);
}

/* --- refused controls ---------------------------------------------------- */

/** What the CPU cannot do is refused, named in *refused, and left out. */
static void test_unsupported_refused_and_cleared(void)
{
    /* Lynnfield has EPT but no unrestricted guest. */
    struct adjusted a = adjust(PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST, bochs_lynnfield.proc2);
    CHECK_EQ_U64(a.value, PROC2_ENABLE_EPT);
    CHECK_EQ_U64(a.refused, PROC2_UNRESTRICTED_GUEST);

    /* Haswell has both. */
    a = adjust(PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST, bochs_haswell.proc2);
    CHECK_EQ_U64(a.value, PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST);
    CHECK_EQ_U64(a.refused, 0);

    /* Penryn has neither, and no VMX-preemption timer. */
    a = adjust(PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST, penryn_x5482.proc2);
    CHECK_EQ_U64(a.value, 0);
    CHECK_EQ_U64(a.refused, PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST);

    a = adjust(PIN_NMI_EXITING | PIN_ACTIVATE_VMX_PREEMPTION_TIMER, penryn_x5482.pin);
    CHECK_EQ_U64(a.value, 0x16 | PIN_NMI_EXITING);
    CHECK_EQ_U64(a.refused, PIN_ACTIVATE_VMX_PREEMPTION_TIMER);

    /* No CPU here offers the monitor trap flag but Skylake. */
    a = adjust(PROC_MONITOR_TRAP_FLAG, bochs_haswell.true_proc);
    CHECK_EQ_U64(a.value, 0x04006172);
    CHECK_EQ_U64(a.refused, PROC_MONITOR_TRAP_FLAG);
    a = adjust(PROC_MONITOR_TRAP_FLAG, skylake_6700k.true_proc);
    CHECK_EQ_U64(a.value, 0x04006172 | PROC_MONITOR_TRAP_FLAG);
    CHECK_EQ_U64(a.refused, 0);

    /* Bits 0, 17 and 18 of the primary controls are reserved: never given. */
    a = adjust(1u << 0 | 1u << 18, skylake_6700k.true_proc);
    CHECK_EQ_U64(a.value, 0x04006172);
    CHECK_EQ_U64(a.refused, 1u << 0 | 1u << 18);

    /* Without secondary controls, controls_capability() gives 0 for them:
     * every secondary control is refused. */
    a = adjust(PROC2_ENABLE_EPT | PROC2_ENABLE_VPID, 0);
    CHECK_EQ_U64(a.value, 0);
    CHECK_EQ_U64(a.refused, PROC2_ENABLE_EPT | PROC2_ENABLE_VPID);
}

/* --- TRUE capability MSRs ------------------------------------------------ */

/** The TRUE MSRs let some default-1 controls be 0; the others do not. */
static void test_true_msrs_free_default1_bits(void)
{
    uint32_t want = PROC_HLT_EXITING;
    for (unsigned c = 0; c < CPUS; c++) {
        const struct cpu_caps *cpu = cpus[c];
        if (!cpu->true_controls)
            continue;
        /* CR3-load and CR3-store exiting can be 0 only with TRUE controls. */
        struct adjusted legacy = adjust(want, cpu->proc), tru = adjust(want, cpu->true_proc);
        CHECK(legacy.value & PROC_CR3_LOAD_EXITING);
        CHECK(legacy.value & PROC_CR3_STORE_EXITING);
        CHECK_EQ_U64(tru.value & (PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING), 0);
        CHECK_EQ_U64(legacy.value ^ tru.value, PROC_CR3_LOAD_EXITING | PROC_CR3_STORE_EXITING);
        CHECK_EQ_U64(legacy.refused | tru.refused, 0);

        /* "Save debug controls" (exit bit 2), "load debug controls"
         * (entry bit 2): default-1, free with TRUE controls. */
        CHECK_EQ_U64(adjust(0, cpu->exit).value ^ adjust(0, cpu->true_exit).value,
                     EXIT_SAVE_DEBUG_CONTROLS);
        CHECK_EQ_U64(adjust(0, cpu->entry).value ^ adjust(0, cpu->true_entry).value,
                     ENTRY_LOAD_DEBUG_CONTROLS);

        /* The pin-based default-1 bits stay 1 even in the TRUE MSR. */
        CHECK_EQ_U64(adjust(0, cpu->true_pin).value, 0x16);
        /* The allowed 1-settings are the same in both MSRs. */
        CHECK_EQ_U64(allowed1(cpu->proc), allowed1(cpu->true_proc));
        CHECK_EQ_U64(allowed1(cpu->exit), allowed1(cpu->true_exit));
        CHECK_EQ_U64(allowed1(cpu->entry), allowed1(cpu->true_entry));
    }
}

/* --- chapter 2's controls ------------------------------------------------ */

/** The controls vmcs_setup_controls() (chapters/02-vmcs/vmcs.c) computes,
 *  with the same requests it makes, on a CPU given by its MSRs. */
struct chapter2 {
    struct adjusted pin, proc, exit, entry;
};

static struct chapter2 chapter2_controls(const struct cpu_caps *cpu)
{
    uint32_t want_pin = PIN_NMI_EXITING;
    if (allowed1(capability(cpu, CONTROLS_PIN_BASED)) & PIN_ACTIVATE_VMX_PREEMPTION_TIMER)
        want_pin |= PIN_ACTIVATE_VMX_PREEMPTION_TIMER;
    uint32_t want_proc = PROC_HLT_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS |
                         PROC_CR8_LOAD_EXITING | PROC_CR8_STORE_EXITING;
    uint32_t want_exit = EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER |
                         EXIT_SAVE_DEBUG_CONTROLS;
    uint32_t want_entry = ENTRY_IA_32E_MODE_GUEST | ENTRY_LOAD_IA32_EFER |
                          ENTRY_LOAD_DEBUG_CONTROLS;
    return (struct chapter2){
        adjust(want_pin, capability(cpu, CONTROLS_PIN_BASED)),
        adjust(want_proc, capability(cpu, CONTROLS_PRIMARY_PROCESSOR_BASED)),
        adjust(want_exit, capability(cpu, CONTROLS_VM_EXIT)),
        adjust(want_entry, capability(cpu, CONTROLS_VM_ENTRY)),
    };
}

/** On Bochs's haswell every control chapter 2 asks for is granted, and the
 *  values are the ones its "controls:" line prints; a real Skylake and
 *  Sandy Bridge-E give the same. */
static void test_chapter2_granted(void)
{
    const struct cpu_caps *granted[] = {&bochs_haswell, &bochs_lynnfield, &skylake_6700k,
                                        &sandy_bridge_3960x};
    for (unsigned c = 0; c < sizeof granted / sizeof granted[0]; c++) {
        struct chapter2 ch = chapter2_controls(granted[c]);
        CHECK_EQ_U64(ch.pin.refused | ch.proc.refused | ch.exit.refused | ch.entry.refused, 0);
        CHECK_EQ_U64(ch.pin.value, 0x5e);
        CHECK_EQ_U64(ch.proc.value, 0x161861f2);
        CHECK_EQ_U64(ch.exit.value, 0x336fff);
        CHECK_EQ_U64(ch.entry.value, 0x93ff);
    }
}

/** A Penryn cannot run chapter 2: it has no VM-exit "save/load IA32_EFER"
 *  and no VM-entry "load IA32_EFER" (they came with Nehalem). */
static void test_chapter2_on_penryn(void)
{
    struct chapter2 ch = chapter2_controls(&penryn_x5482);
    CHECK_EQ_U64(ch.pin.value, 0x16 | PIN_NMI_EXITING); /* no timer asked for */
    CHECK_EQ_U64(ch.pin.refused, 0);
    CHECK_EQ_U64(ch.proc.value, 0x0401e172 | PROC_HLT_EXITING | PROC_USE_IO_BITMAPS |
                                    PROC_USE_MSR_BITMAPS | PROC_CR8_LOAD_EXITING |
                                    PROC_CR8_STORE_EXITING); /* CR3 exiting forced on */
    CHECK_EQ_U64(ch.proc.refused, 0);
    CHECK_EQ_U64(ch.exit.refused, EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER);
    CHECK_EQ_U64(ch.exit.value, 0x36dff | EXIT_HOST_ADDRESS_SPACE_SIZE);
    CHECK_EQ_U64(ch.entry.refused, ENTRY_LOAD_IA32_EFER);
    CHECK_EQ_U64(ch.entry.value, 0x11ff | ENTRY_IA_32E_MODE_GUEST);
}

/* --- names in the refusal message ---------------------------------------- */

static void test_names(void)
{
    CHECK_STR(control_group_name(CONTROLS_VM_EXIT), "VM-exit");
    CHECK_STR(control_group_name(CONTROLS_SECONDARY_PROCESSOR_BASED),
              "secondary processor-based VM-execution");
    CHECK_STR(control_group_name(CONTROL_GROUPS), "unknown");
    CHECK_STR(control_name(CONTROLS_PIN_BASED, 6), "activate VMX-preemption timer");
    CHECK_STR(control_name(CONTROLS_VM_EXIT, 21), "load IA32_EFER");
    CHECK_STR(control_name(CONTROLS_VM_ENTRY, 15), "load IA32_EFER");
    CHECK_STR(control_name(CONTROLS_PRIMARY_PROCESSOR_BASED, 27), "unnamed control");
}

int main(void)
{
    test_formula_on_every_msr();
    test_default1_forced_on();
    test_unsupported_refused_and_cleared();
    test_true_msrs_free_default1_bits();
    test_chapter2_granted();
    test_chapter2_on_penryn();
    test_names();
    return CHECK_DONE("test_controls");
}
