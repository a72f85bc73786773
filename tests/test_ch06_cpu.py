# SPDX-License-Identifier: MIT
"""Chapter 6's CPU, as tables: the CPUID and MSR policies
(chapters/06-linux/cpuid_policy.c, msr_policy.c) built on the host with
tests/ch06_cpu/policy.c and fed recorded CPUID values: Bochs's
corei7_haswell_4770 (recorded by a boot of chapter 6) and a KVM-like CPU
(what nested KVM shows stepvisor on an Ice Lake server). Each row is one
thing the guest sees, and why. Then one boot of chapter 6 under Bochs with
the CPU probe kernel (guests/cpuprobe/) as its guest: the same policy from
the inside, through the exits it takes."""
import subprocess

import pytest

import stepvisor
from conftest import ROOT, Log, _artifact_dir

SOURCES = ["tests/ch06_cpu/policy.c", "chapters/06-linux/cpuid_policy.c",
           "chapters/06-linux/msr_policy.c"]
CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-fsanitize=address,undefined",
          "-fno-sanitize-recover=all", "-Icommon/include", "-Ichapters/06-linux"]
BINARY = ROOT / "build" / "unit" / "ch06_cpu_policy"
HASWELL = ROOT / "tests" / "ch06_cpu" / "bochs-haswell.cpuid"
# One test worker runs this file: its module fixtures (the policy binary,
# the probe's boot and its artifact directory) exist once, not once per
# worker racing on the same paths.
pytestmark = pytest.mark.xdist_group("ch06-cpu")
KVM = ROOT / "tests" / "ch06_cpu" / "kvm-icelake.cpuid"

# enum cpu_offer (cpuid_policy.h)
RDTSCP, INVPCID, PAT, PKE, LA57 = 1, 2, 4, 8, 16
# What chapter 6's controls offer on Bochs's haswell ("controls:" line:
# secondary 0x10aa has "enable RDTSCP" and "enable INVPCID"; the PAT
# controls are there; VMX fixes CR4.PKE and CR4.LA57 at 0).
HASWELL_OFFERS = RDTSCP | INVPCID | PAT
KVM_OFFERS = RDTSCP | INVPCID | PAT | PKE
CR4_OSXSAVE, CR4_PKE = 1 << 18, 1 << 22
EAX, EBX, ECX, EDX = range(4)


@pytest.fixture(scope="module")
def policy():
    """ask(cpu, offers, cr4, xcr0, commands) -> the answer lines."""
    BINARY.parent.mkdir(parents=True, exist_ok=True)
    r = subprocess.run(["gcc"] + CFLAGS + SOURCES + ["-o", str(BINARY)], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr

    def ask(cpu, offers, commands, cr4=0, xcr0=1):
        script = [f"raw {cpu}", f"view {offers:x} {cr4:x} {xcr0:x}"] + commands
        r = subprocess.run([str(BINARY)], input="\n".join(script) + "\n",
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        out = r.stdout.splitlines()
        assert out[0].endswith(" leaves") and out[0] != "0 leaves" and out[1] == "ok"
        return out[2:]
    return ask


def regs(ask, cpu, offers, leaf, subleaf=0, **view):
    line = ask(cpu, offers, [f"cpuid {leaf:x} {subleaf:x}"], **view)[0]
    return [int(x, 16) for x in line.split()[2:]]


# (what, leaf, subleaf, register, mask, what the guest sees, why)
HASWELL_ROWS = [
    ("vmx", 1, 0, ECX, 1 << 5, 0, "no nested VMX: VMX instructions are #UD"),
    ("monitor", 1, 0, ECX, 1 << 3, 0, "MWAIT would idle the real CPU; HLT exits"),
    ("dtes64, ds_cpl", 1, 0, ECX, 1 << 2 | 1 << 4, 0, "no debug store"),
    ("est, tm2, xtpr", 1, 0, ECX, 1 << 7 | 1 << 8 | 1 << 14, 0, "their MSRs are not emulated"),
    ("pdcm", 1, 0, ECX, 1 << 15, 0, "IA32_PERF_CAPABILITIES: the PMU is hidden"),
    ("x2apic", 1, 0, ECX, 1 << 21, 0, "the virtual local APIC is an xAPIC"),
    ("tsc_deadline_timer", 1, 0, ECX, 1 << 24, 1 << 24, "lapic.c emulates it"),
    ("osxsave with CR4.OSXSAVE 0", 1, 0, ECX, 1 << 27, 0, "it follows the guest's CR4"),
    ("hypervisor", 1, 0, ECX, 1 << 31, 1 << 31, "a hypervisor is present"),
    ("apic", 1, 0, EDX, 1 << 9, 1 << 9, "the virtual PC's local APIC"),
    ("mce, mca", 1, 0, EDX, 1 << 7 | 1 << 14, 0, "no machine-check MSRs"),
    ("mtrr, pat", 1, 0, EDX, 1 << 12 | 1 << 16, 1 << 12 | 1 << 16, "emulated, switched"),
    ("dts, acpi, tm, pbe", 1, 0, EDX, 1 << 21 | 1 << 22 | 1 << 29 | 1 << 31, 0,
     "no debug store, no thermal monitor"),
    ("ht", 1, 0, EDX, 1 << 28, 0, "one logical processor"),
    ("APIC ID 0, one logical processor", 1, 0, EBX, 0xFFFF0000, 0x10000, "uniprocessor"),
    ("one core, one thread per cache", 4, 3, EAX, 0xFFFFC000, 0, "uniprocessor"),
    ("MONITOR/MWAIT leaf", 5, 0, EAX, ~0, 0, "MONITOR is hidden"),
    ("power management but ARAT", 6, 0, EAX, ~0, 1 << 2, "the LAPIC timer never stops"),
    ("aperfmperf, epb", 6, 0, ECX, ~0, 0, "IA32_APERF/MPERF, ENERGY_PERF_BIAS not emulated"),
    ("tsc_adjust", 7, 0, EBX, 1 << 1, 0, "the guest's TSC is virtual time"),
    ("invpcid", 7, 0, EBX, 1 << 10, 1 << 10, "\"enable INVPCID\" is on"),
    ("fsgsbase, smep, avx2, bmi", 7, 0, EBX, 0x1A9, 0x1A9, "they run in the guest"),
    ("PMU", 0xA, 0, EAX, ~0, 0, "the PMU is hidden"),
    ("PMU fixed counters", 0xA, 0, EDX, ~0, 0, "the PMU is hidden"),
    ("SMT level", 0xB, 0, ECX, ~0, 0x100, "x2APIC topology: one thread"),
    ("core level", 0xB, 1, EBX, ~0, 1, "one core"),
    ("the end of the levels", 0xB, 2, ECX, 0xFF00, 0, "level type 0: invalid"),
    ("XCR0 offered", 0xD, 0, EAX, ~0, 7, "x87, SSE, AVX"),
    ("XSAVE size for XCR0 = 1", 0xD, 0, EBX, ~0, 0x240, "it follows the guest's XCR0"),
    ("xsaveopt", 0xD, 1, EAX, ~0, 1, "runs in the guest"),
    ("rdtscp", 0x80000001, 0, EDX, 1 << 27, 1 << 27, "\"enable RDTSCP\" is on"),
    ("syscall, nx, 1 GiB pages, lm", 0x80000001, 0, EDX, 0x24100800, 0x24100800,
     "they run in the guest"),
    ("invariant TSC", 0x80000007, 0, EDX, 1 << 8, 1 << 8, "virtual time runs at one rate"),
]


@pytest.mark.parametrize("what,leaf,subleaf,reg,mask,sees,why", HASWELL_ROWS,
                         ids=[row[0] for row in HASWELL_ROWS])
def test_bochs_haswell(policy, what, leaf, subleaf, reg, mask, sees, why):
    assert regs(policy, HASWELL, HASWELL_OFFERS, leaf, subleaf)[reg] & mask == sees, why


def test_the_line_chapter_6_prints(policy):
    """The hypervisor prints this line at start (vmcs.c); Bochs's haswell has
    each of these, and the guest does not see them."""
    assert policy(HASWELL, HASWELL_OFFERS, ["hidden"])[0].split() == [
        "dtes64", "monitor", "vmx", "est", "pdcm", "x2apic", "mce", "dts", "acpi", "ht",
        "mwait", "dtherm", "aperfmperf", "epb", "tsc_adjust", "arch_perfmon"]


def test_leaves_and_signature(policy):
    ask = policy
    vendor = [0x756e6547, 0x6c65746e, 0x49656e69]
    assert regs(ask, HASWELL, HASWELL_OFFERS, 0) == [0xD] + vendor
    # "stepvisor" over EBX, ECX, EDX, padded with NULs; one hypervisor leaf.
    sig = regs(ask, HASWELL, HASWELL_OFFERS, 0x40000000)
    assert sig[0] == 0x40000000
    assert b"".join(r.to_bytes(4, "little") for r in sig[1:]) == b"stepvisor\0\0\0"
    # Past the last leaf, Intel CPUs answer with the highest basic leaf.
    last = regs(ask, HASWELL, HASWELL_OFFERS, 0xD, 0)
    for leaf in (0xE, 0x40000001, 0x80000009, 0xFFFFFFFF):
        assert regs(ask, HASWELL, HASWELL_OFFERS, leaf, 0) == last, hex(leaf)


def test_what_follows_the_guest(policy):
    """OSXSAVE from the guest's CR4, the XSAVE size from its XCR0, and the
    instructions whose controls are off."""
    ask = policy
    assert regs(ask, HASWELL, HASWELL_OFFERS, 1, cr4=CR4_OSXSAVE)[ECX] & 1 << 27
    assert regs(ask, HASWELL, HASWELL_OFFERS, 0xD, 0, xcr0=7)[EBX] == 0x340  # AVX: + 256
    assert not regs(ask, HASWELL, 0, 7)[EBX] & 1 << 10                     # INVPCID #UD
    assert not regs(ask, HASWELL, 0, 0x80000001)[EDX] & 1 << 27            # RDTSCP #UD


# The KVM-like CPU: what the policy takes away from a virtual CPU.
KVM_ROWS = [
    ("max basic leaf", 0, 0, EAX, ~0, 0xD, "leaves past 0DH are not described"),
    ("vmx", 1, 0, ECX, 1 << 5, 0, "no nested VMX"),
    ("x2apic", 1, 0, ECX, 1 << 21, 0, "the virtual local APIC is an xAPIC"),
    ("pdcm", 1, 0, ECX, 1 << 15, 0, "the PMU is hidden"),
    ("APIC ID 2 becomes 0", 1, 0, EBX, 0xFF000000, 0, "the one virtual CPU's APIC ID"),
    ("leaf 7 sub-leaves", 7, 0, EAX, ~0, 0, "only sub-leaf 0 is described"),
    ("leaf 7 sub-leaf 1", 7, 1, EAX, ~0, 0, "only sub-leaf 0 is described"),
    ("spec_ctrl family", 7, 0, EDX, 0xFC000000, 0, "the speculation MSRs are not passed"),
    ("md_clear, fsrm", 7, 0, EDX, 1 << 10 | 1 << 4, 1 << 10 | 1 << 4, "VERW, REP MOVSB"),
    ("pku", 7, 0, ECX, 1 << 3, 1 << 3, "VMX lets CR4.PKE be 1 here"),
    ("ospke with CR4.PKE 0", 7, 0, ECX, 1 << 4, 0, "it follows the guest's CR4"),
    ("la57", 7, 0, ECX, 1 << 16, 0, "not offered: no CR4.LA57"),
    ("rdpid", 7, 0, ECX, 1 << 22, 1 << 22, "\"enable RDTSCP\" is on"),
    ("tsc_adjust", 7, 0, EBX, 1 << 1, 0, "the guest's TSC is virtual time"),
    ("PMU", 0xA, 0, EAX, ~0, 0, "the PMU is hidden"),
    ("x2APIC ID 2 becomes 0", 0xB, 0, EDX, ~0, 0, "uniprocessor"),
    ("XCR0 with PKRU", 0xD, 0, EAX, ~0, 0x2E7, "x87, SSE, AVX, AVX-512, PKRU"),
    ("XSAVE size of all", 0xD, 0, ECX, ~0, 0xA88, "PKRU ends at 0xA88"),
    ("xsaves, xfd", 0xD, 1, EAX, ~0, 7, "no IA32_XSS, no IA32_XFD"),
    ("XSS size", 0xD, 1, EBX, ~0, 0, "no supervisor state"),
    ("PKRU component", 0xD, 9, EBX, ~0, 0xA80, "offered with PKE"),
    ("leaf 15H", 0x15, 0, EAX, ~0, 0x2E7, "past the last leaf: leaf 0DH's answer"),
    ("KVM's signature replaced", 0x40000000, 0, EBX, ~0, 0x70657473, "\"step\""),
    ("AMD's IBPB and friends", 0x80000008, 0, EBX, ~0, 1 << 9, "WBNOINVD alone stays"),
]


@pytest.mark.parametrize("what,leaf,subleaf,reg,mask,sees,why", KVM_ROWS,
                         ids=[row[0] for row in KVM_ROWS])
def test_kvm_like(policy, what, leaf, subleaf, reg, mask, sees, why):
    assert regs(policy, KVM, KVM_OFFERS, leaf, subleaf)[reg] & mask & 0xFFFFFFFF == sees, why


def test_kvm_like_without_pke(policy):
    """Where VMX fixes CR4.PKE at 0, PKU and XCR0's PKRU go too."""
    assert not regs(policy, KVM, KVM_OFFERS & ~PKE, 7)[ECX] & 1 << 3
    assert regs(policy, KVM, KVM_OFFERS & ~PKE, 0xD, 0)[EAX] == 0xE7
    assert regs(policy, KVM, KVM_OFFERS & ~PKE, 0xD, 9) == [0, 0, 0, 0]
    assert policy(KVM, KVM_OFFERS & ~PKE, ["hidden"])[0].split() == [
        "vmx", "pdcm", "x2apic", "mce", "tsc_adjust", "pku", "la57", "spec_ctrl",
        "arch_perfmon", "xsaves", "amd_ibpb"]


# XSETBV ("XSETBV—Set Extended Control Register"): (supported, value, answer, why)
XCR0 = [
    (0x7, 0x1, "ok", "x87 alone"), (0x7, 0x7, "ok", "x87, SSE, AVX"),
    (0x7, 0x0, "gp", "bit 0 must be 1"), (0x7, 0x5, "gp", "AVX needs SSE"),
    (0x7, 0xF, "gp", "bit 3 is not supported"), (0x2E7, 0xE7, "ok", "AVX-512 whole"),
    (0x2E7, 0x27, "gp", "AVX-512 in part"), (0x2E7, 0xE3, "gp", "AVX-512 needs AVX"),
    (0x2E7, 0x207, "ok", "PKRU"),
]


@pytest.mark.parametrize("supported,value,answer,why", XCR0, ids=[x[3] for x in XCR0])
def test_xsetbv(policy, supported, value, answer, why):
    assert policy(HASWELL, 0, [f"xcr0 {supported:x} {value:x}"])[0] == answer, why


# The MSR table: (MSR, its row with everything offered, why)
MSRS = [
    (0x10, "virtual_pc exits IA32_TIME_STAMP_COUNTER", "virtual time"),
    (0x1B, "virtual_pc exits IA32_APIC_BASE", "the virtual local APIC"),
    (0x6E0, "virtual_pc exits IA32_TSC_DEADLINE", "the virtual local APIC"),
    (0x3A, "emulated exits IA32_FEATURE_CONTROL", "locked, VMX off"),
    (0x8B, "emulated exits IA32_BIOS_SIGN_ID", "microcode revision 0"),
    (0xFE, "emulated exits IA32_MTRRCAP", "no variable or fixed ranges"),
    (0x1A0, "emulated exits IA32_MISC_ENABLE", "fast strings"),
    (0x2FF, "emulated exits IA32_MTRR_DEF_TYPE", "stored"),
    (0x174, "guest_state direct IA32_SYSENTER_CS", "host restored from the host state"),
    (0x176, "guest_state direct IA32_SYSENTER_EIP", "host restored from the host state"),
    (0x1D9, "guest_state exits IA32_DEBUGCTL", "only BTF is emulated"),
    (0x277, "guest_state direct IA32_PAT", "\"load/save IA32_PAT\""),
    (0xC0000080, "guest_state exits IA32_EFER", "LME and LMA follow CR0.PG"),
    (0xC0000081, "switched direct IA32_STAR", "the MSR areas"),
    (0xC0000082, "switched direct IA32_LSTAR", "the MSR areas"),
    (0xC0000083, "switched direct IA32_CSTAR", "the MSR areas"),
    (0xC0000084, "switched direct IA32_FMASK", "the MSR areas"),
    (0xC0000100, "guest_state direct IA32_FS_BASE", "host restored from the host state"),
    (0xC0000101, "guest_state direct IA32_GS_BASE", "host restored from the host state"),
    (0xC0000102, "switched direct IA32_KERNEL_GS_BASE", "the MSR areas"),
    (0xC0000103, "switched direct IA32_TSC_AUX", "the MSR areas, with RDTSCP"),
    # Absent: #GP, as on a CPU without them.
    (0x3B, "absent", "IA32_TSC_ADJUST: hidden"),
    (0x48, "absent", "IA32_SPEC_CTRL: hidden"),
    (0x10A, "absent", "IA32_ARCH_CAPABILITIES: hidden"),
    (0xCE, "absent", "MSR_PLATFORM_INFO: model-specific, not offered"),
    (0xE7, "absent", "IA32_MPERF: hidden"),
    (0x179, "absent", "IA32_MCG_CAP: machine checks hidden"),
    (0x200, "absent", "IA32_MTRR_PHYSBASE0: MTRRCAP says no variable ranges"),
    (0x250, "absent", "IA32_MTRR_FIX64K_00000: MTRRCAP says no fixed ranges"),
    (0x345, "absent", "IA32_PERF_CAPABILITIES: the PMU is hidden"),
    (0x802, "absent", "the x2APIC's ID register: no x2APIC"),
    (0xDA0, "absent", "IA32_XSS: XSAVES hidden"),
    (0x12345678, "absent", "no such MSR"),
]


@pytest.mark.parametrize("msr,row,why", MSRS, ids=[f"{m[0]:x}" for m in MSRS])
def test_msr_table(policy, msr, row, why):
    assert policy(HASWELL, KVM_OFFERS, [f"msr {msr:x}"])[0] == f"{msr:x} {row}", why


def test_msrs_that_need_a_control(policy):
    """Without "enable RDTSCP" there is no IA32_TSC_AUX, without the PAT
    controls no IA32_PAT."""
    assert policy(HASWELL, INVPCID, ["msr c0000103", "msr 277"]) == [
        "c0000103 absent", "277 absent"]


# WRMSR: (MSR, value, answer, why); "valid" is the guest-state and switched
# MSRs' check, "wrmsr" the emulated ones'.
WRITES = [
    ("valid", 0xC0000080, 0xD01, "ok", "EFER: SCE, LME, LMA, NXE"),
    ("valid", 0xC0000080, 0x2, "gp", "EFER bit 1 is reserved"),
    ("valid", 0xC0000080, 1 << 12, "gp", "EFER.SVME: an AMD bit, reserved here"),
    ("valid", 0x277, 0x0007040600070406, "ok", "PAT: the power-up value"),
    ("valid", 0x277, 0x0000000000000007, "ok", "PAT: UC- is a PAT type"),
    ("valid", 0x277, 0x0000000000000002, "gp", "PAT: type 2 is reserved"),
    ("valid", 0x277, 0x0300000000000000, "gp", "PAT: type 3 is reserved"),
    ("valid", 0x277, 0x0000000000000800, "gp", "PAT: bits 7:3 of an entry"),
    ("valid", 0x1D9, 0x2, "ok", "DEBUGCTL.BTF"),
    ("valid", 0x1D9, 0x1, "gp", "DEBUGCTL.LBR: no LBRs"),
    ("valid", 0xC0000103, 0xFFFFFFFF, "ok", "TSC_AUX: 32 bits"),
    ("valid", 0xC0000103, 1 << 32, "gp", "TSC_AUX bits 63:32 are reserved"),
    ("valid", 0xC0000082, 0xFFFFFFFF81000000, "ok", "LSTAR canonical"),
    ("valid", 0xC0000082, 0x0000800000000000, "gp", "LSTAR not canonical"),
    ("valid", 0xC0000100, 0x0000800000000000, "gp", "FS base not canonical"),
    ("wrmsr", 0x3A, 0x5, "gp", "IA32_FEATURE_CONTROL is locked"),
    ("wrmsr", 0xFE, 0x0, "gp", "IA32_MTRRCAP is read-only"),
    ("wrmsr", 0x8B, 0x0, "ok", "Linux's write before it reads the microcode revision"),
    ("wrmsr", 0x1A0, 0x1801, "ok", "MISC_ENABLE unchanged"),
    ("wrmsr", 0x1A0, 0x1800, "not emulated", "MISC_ENABLE: fast strings off"),
    ("wrmsr", 0x2FF, 0xC06, "ok", "MTRR_DEF_TYPE: enabled, write-back"),
    ("wrmsr", 0x2FF, 0x1006, "gp", "MTRR_DEF_TYPE bit 12 is reserved"),
    ("wrmsr", 0x2FF, 0x2, "gp", "MTRR_DEF_TYPE: type 2 is reserved"),
]


@pytest.mark.parametrize("how,msr,value,answer,why", WRITES, ids=[w[4] for w in WRITES])
def test_wrmsr(policy, how, msr, value, answer, why):
    assert policy(HASWELL, KVM_OFFERS, [f"{how} {msr:x} {value:x}"])[0] == answer, why


def test_emulated_values(policy):
    assert policy(HASWELL, 0, ["rdmsr 3a", "rdmsr 1a0", "rdmsr fe", "rdmsr 8b", "rdmsr 2ff",
                               "wrmsr 2ff c06", "rdmsr 2ff"]) == [
        "1", "1801", "400", "0", "0", "ok", "c06"]


# --- from the inside: the CPU probe kernel under chapter 6 -------------------

CPUPROBE = stepvisor.BUILD / "guests" / "cpuprobe.elf"
GUEST_UART = "guest uart: cpuprobe: "


@pytest.fixture(scope="module")
def probe(request):
    guest = stepvisor.check_guest("06-linux", kernel=str(CPUPROBE), cmdline="")
    return Log(stepvisor.run_bochs("06-linux", "guest_mem=128M",
                                   workdir=_artifact_dir(request, "bochs"), guest=guest))


def test_the_policy_lines_at_start(probe):
    probe.has_in_order([
        "msr: 6 MSRs switched through the VM-entry and VM-exit MSR areas, the guest's PAT "
        "through the VMCS",
        "cpuid: hidden from the guest: dtes64 monitor vmx est pdcm x2apic mce dts acpi ht "
        "mwait dtherm aperfmperf epb tsc_adjust arch_perfmon",
        "checker: 69 of 69 VM-entry rules hold"])


def test_the_probe_sees_the_policy(probe):
    """Each line what the guest saw; the hypervisor's own line before the
    fault it injected."""
    probe.has_in_order([GUEST_UART + line if not line.startswith(("msr:", "xsetbv:", "cpuid:"))
                        else line for line in [
        "CPUID.0: max basic leaf 0xd",
        'CPUID.40000000H: "stepvisor", max leaf 0x40000000',
        "CPUID.1: vmx 0, monitor 0, x2apic 0, hypervisor 1, APIC ID 0",
        "msr: RDMSR of MSR 0x12345678, which this guest does not have: #GP",
        "RDMSR 0x12345678: #GP",
        "msr: RDMSR of MSR 0x3b, which this guest does not have: #GP",
        "RDMSR IA32_TSC_ADJUST: #GP",
        "IA32_FEATURE_CONTROL = 0x1",
        "IA32_MISC_ENABLE = 0x1801",
        # IA32_PAT is the guest's own register: the CPU refuses it, no exit.
        "WRMSR IA32_PAT with a type 2 entry: #GP",
        "msr: WRMSR IA32_EFER = 0x2: reserved bits or an invalid value: #GP",
        "WRMSR IA32_EFER with bit 1: #GP",
        # The MSR areas, "save/load IA32_PAT" and the debug controls at work.
        "IA32_STAR after an exit: 0x23001000000000",
        "IA32_PAT after an exit: 0x70406",
        "RDTSCP's IA32_TSC_AUX after an exit: 0x1234",
        "DR7 after an exit: 0x500",
        "xsetbv: XCR0 = 0x5 is not allowed: #GP",
        "XSETBV XCR0 = 0x5 (AVX without SSE): #GP",
        "xsetbv: XCR0 = 0x0 is not allowed: #GP",
        "XSETBV XCR0 = 0x0: #GP",
        "XSETBV XCR0 = 0x7: ok",
        "XGETBV after an exit: 0x7",
        "CPUID.(0DH,0).EBX, the XSAVE size for XCR0: 0x340",
        "CPUID.1: osxsave 1",
        "msr: RDPMC of counter 0x0, but the PMU is hidden: #GP",
        "RDPMC 0: #GP",
        "MONITOR: #UD",
        "MWAIT: #UD",
        "done"]])
    probe.has("guest ended: guest exited through port 0xf4 with status 0")
    probe.passed()
