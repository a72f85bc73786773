# SPDX-License-Identifier: MIT
"""Chapter 1: entering and leaving VMX operation."""
from conftest import needs_kvm

CH = "01-vmxon"


def test_vmxon_and_capabilities_under_bochs(bochs):
    log = bochs(CH)
    log.has_in_order([
        "stepvisor chapter 1: VMXON (scenario normal)",
        "CPUID: vendor GenuineIntel, CPUID.1:ECX.VMX = 1",
        "IA32_FEATURE_CONTROL = 0x5: locked, VMX outside SMX enabled",
        "CR0 = 0x80010011 -> 0x80010031 (IA32_VMX_CR0_FIXED0 0x80000021, FIXED1 0xffffffff)",
        "CR4 = 0x20 -> 0x2020 (IA32_VMX_CR4_FIXED0 0x2000, FIXED1 0x1727ff)",
        "VMXON: VMsucceed, now in VMX root operation",
        "VMX capabilities:",
        "  IA32_VMX_BASIC = 0x00d810000000002b",
        "  VMCS revision identifier 0x2b, region size 4096 bytes, memory type write-back",
        "  TRUE control MSRs: yes",
        "  secondary processor-based controls: yes",
        "  VMX-preemption timer: yes, one tick every 2^0 TSC cycles",
        "  activity states: HLT yes, shutdown yes, wait-for-SIPI yes",
        "  EPT: yes, 4-level walk yes, write-back yes, 2 MiB pages yes, 1 GiB pages yes, "
        "accessed and dirty flags yes, INVEPT yes",
        "  VPID: yes",
        "  unrestricted guest: yes",
        "VMXOFF: VMsucceed, back in normal operation",
        "PASS",
    ])
    log.match(r"VMXON region at 0x[0-9a-f]+ \(4096 bytes\), revision identifier 0x2b")
    log.passed()


def test_older_cpu_model_reports_its_limits(bochs):
    """Lynnfield has EPT but no unrestricted guest: chapter 3 will refuse it."""
    log = bochs(CH, cpu_model="corei5_lynnfield_750")
    log.has_all([
        "  unrestricted guest: no",
        "  VPID: yes",
        "VMXON: VMsucceed, now in VMX root operation",
    ])
    log.passed()


def test_wrong_revision_identifier_makes_vmxon_fail(bochs):
    log = bochs(CH, "scenario=bad-revision")
    log.match(r"VMXON region at 0x[0-9a-f]+ \(4096 bytes\), revision identifier "
              r"0x2a \(deliberately wrong\)")
    log.lacks("VMXON: VMsucceed, now in VMX root operation")
    log.expected("VMXON failed: VMfailInvalid "
                          "(no current VMCS, or the operand is invalid)")


def test_no_vmx_in_qemu_tcg(qemu):
    log = qemu(CH)
    log.has("CPUID: vendor AuthenticAMD, CPUID.1:ECX.VMX = 0")
    log.failed("no VMX: CPUID.1:ECX.VMX[bit 5] = 0, this CPU offers no VT-x")


def test_no_vmx_on_an_amd_cpu_model_in_bochs(bochs):
    log = bochs(CH, cpu_model="ryzen")
    log.has_in_order([
        "CPUID: vendor AuthenticAMD, CPUID.1:ECX.VMX = 0",
        "CPUID: this CPU offers AMD SVM instead; stepvisor teaches Intel VT-x",
    ])
    log.failed("no VMX: CPUID.1:ECX.VMX[bit 5] = 0, this CPU offers no VT-x")


def test_unknown_scenario_is_named(bochs):
    log = bochs(CH, "scenario=nonsense")
    log.failed('unknown scenario "nonsense" (chapter 1 has: normal, bad-revision)')


@needs_kvm
def test_vmxon_under_qemu_kvm(qemu):
    log = qemu(CH, accel="kvm")
    log.has("VMXON: VMsucceed, now in VMX root operation")
    log.passed()
