# SPDX-License-Identifier: MIT
"""Chapter 2: a VMCS, a running guest, one handler per exit class, and a
software VM-entry checker. Counts are exact: Bochs is deterministic."""
import pytest


CH = "02-vmcs"
CHECKER = "checker: 69 of 69 VM-entry rules hold"
ENTRY_33 = ("VM entry failed: exit reason 0x80000021 = entry failure | 33 "
            "(VM-entry failure due to invalid guest state), exit qualification {q}")


def test_normal_run_exercises_every_handler(bochs):
    log = bochs(CH)
    log.has_in_order([
        "stepvisor chapter 2: VMCS (scenario normal)",
        "VMXON: VMsucceed, now in VMX root operation",
        "controls: pin-based 0x5e, primary processor-based 0x161861f2, "
        "VM-exit 0x336fff, VM-entry 0x93ff",
        CHECKER,
        "VMLAUNCH: entering the guest",
        # VMCALL
        "guest: hello from the guest, in VMX non-root operation",
        # CPUID: the signature leaf, VMX hidden
        "guest: CPUID.40000000H signature: stepvisor",
        "guest: CPUID.1:ECX.VMX = 0x0",
        # I/O: debug port, COM1, a port with no device
        "guest console: guest console via port 0xE9",
        "guest console: guest console via COM1",
        "io: IN from port 0xcfc: no device there, reads as all ones",
        "guest: IN from port 0xCFC = 0xffffffff",
        # MSRs: a VMCS-held one, the feature control, an unknown one
        "msr: WRMSR 0x175 = 0x12340000",
        "guest: IA32_SYSENTER_ESP = 0x12340000",
        "guest: IA32_FEATURE_CONTROL = 0x1",
        "msr: RDMSR of MSR 0x12345678, which this guest does not have: #GP",
        "guest: #GP in the guest, error code = 0x0",
        # CR access: shadow hides VMXE, setting it faults, NE stays real
        "guest: CR4 as the guest reads it = 0x20",
        "cr: guest tried to set CR4.VMXE, but VMX is hidden from it: #GP",
        "guest: #GP in the guest, error code = 0x0",
        "cr: guest writes CR0 = 0x80010011, runs with 0x80010031",
        "guest: CR0 after clearing CR0.NE = 0x80010011",
        # exception bitmap: #BP seen, then reflected
        "guest: #BP reached the guest's own handler",
        "vmcall: unknown hypercall 99",
        "guest: unknown hypercall returned = 0xffffffffffffffff",
        "guest: all exits exercised, goodbye",
        "vmcall: the guest exits with status 0",
        "guest ended: the guest exited with status 0",
        "VM exits: 101",
        "       1   0 Exception or non-maskable interrupt (NMI)",
        "       2  10 CPUID",
        "       1  12 HLT",
        "      15  18 VMCALL",
        "       2  28 Control-register accesses",
        "      76  30 I/O instruction",
        "       3  31 RDMSR",
        "       1  32 WRMSR",
        "VMXOFF: VMsucceed, back in normal operation",
        "PASS",
    ])
    log.match(r"exception: #BP breakpoint \(vector 3\) in the guest at RIP 0x[0-9a-f]+; "
              r"reflected to the guest")
    log.match(r"hlt: the guest halted at RIP 0x[0-9a-f]+; no interrupt will wake it, "
              r"so it continues after the HLT")
    log.passed()


def test_hung_guest_is_stopped_by_the_preemption_timer(bochs):
    log = bochs(CH, "scenario=hang")
    m = log.match(r"watchdog: the guest ran 50000000 VMX-preemption timer ticks without "
                  r"a VM exit; it is hung at RIP (0x[0-9a-f]+)")
    log.has("guest registers:")
    log.has("       1  52 VMX-preemption timer expired")
    log.expected(f"guest hung at RIP {m.group(1)} (VMX-preemption timer expired)")


def test_triple_fault_is_reported(bochs):
    log = bochs(CH, "scenario=triple-fault")
    m = log.match(r"triple fault: the guest shut down at RIP (0x[0-9a-f]+) "
                  r"\(IDTR base 0x0, limit 0x0\)")
    log.has("       1   2 Triple fault")
    log.expected(f"guest triple fault at RIP {m.group(1)}")


def test_unknown_msr_gives_the_guest_a_gp(bochs):
    log = bochs(CH, "scenario=unknown-msr")
    log.has_in_order([
        "msr: RDMSR of MSR 0x12345678, which this guest does not have: #GP",
        "guest: #GP in the guest, error code = 0x0",
        "guest: RDMSR of an unknown MSR raised #GP; giving up",
        "vmcall: the guest exits with status 1",
    ])
    log.expected("the guest exited with status 1")


def test_without_ept_the_guest_can_write_hypervisor_memory(bochs):
    """Why chapter 3 exists."""
    log = bochs(CH, "scenario=isolation")
    log.match(r"guest: found the hypervisor's canary at = 0x[0-9a-f]+")
    log.has("guest: overwrote the hypervisor's canary")
    log.match(r'isolation: hypervisor memory at 0x[0-9a-f]+ was changed by the guest: '
              r'"STEPVISOR-CANARY:intact" is now "STEPVISOR-CANARY:guest was here"')
    log.expected("the guest changed hypervisor memory; chapter 3's EPT prevents this")


GUEST_REGS = "Checks on Guest Control Registers, Debug Registers, and MSRs"
GUEST_SEGS = "Checks on Guest Segment Registers"


# scenario, the checker's broken rules, Bochs's log line, the verdict
BROKEN_VMCS = [
    ("bad-guest-cr0",
     ["guest CR0 must have the bits of IA32_VMX_CR0_FIXED0 set (PE and PG may be 0 "
      f'for an unrestricted guest) (SDM "{GUEST_REGS}")',
      f'guest CR0.PG = 1 requires CR0.PE = 1 (SDM "{GUEST_REGS}")'],
     "VMENTER FAIL: VMCS guest invalid CR0",
     ENTRY_33.format(q="0 (no detail)")),
    ("bad-guest-rflags",
     ['guest RFLAGS reserved bits (63:22, 15, 5, 3) must be 0 and bit 1 must be 1 '
      '(SDM "Checks on Guest RIP, RFLAGS, and SSP")'],
     "VMENTER FAIL: RFLAGS[1] cleared",
     ENTRY_33.format(q="0 (no detail)")),
    ("bad-guest-cs",
     [f'in an IA-32e mode guest, CS.L = 1 requires CS.D = 0 (SDM "{GUEST_SEGS}")'],
     "VMENTER FAIL: VMCS x86_64 guest wrong CS.D_B/L",
     ENTRY_33.format(q="0 (no detail)")),
    ("bad-activity-state",
     ["guest activity state must be active, or HLT, shutdown or wait-for-SIPI as "
      'IA32_VMX_MISC allows (SDM "Checks on Guest Non-Register State")'],
     "VMENTER FAIL: VMCS guest activity state 5",
     ENTRY_33.format(q="0 (no detail)")),
    ("bad-link-pointer",
     ["VMCS link pointer must be FFFFFFFF_FFFFFFFFH when there is no shadow VMCS "
      '(SDM "Checks on Guest Non-Register State")'],
     "VMFAIL: VMCS link pointer incorrect revision ID",
     ENTRY_33.format(q="4 (invalid VMCS link pointer)")),
    ("bad-guest-tr",
     [f'guest TR must be usable, present and a system segment (S = 0) (SDM "{GUEST_SEGS}")',
      f'guest TR type must be a busy TSS (11 in IA-32e mode) (SDM "{GUEST_SEGS}")'],
     "VMENTER FAIL: VMCS guest TR invalid",
     ENTRY_33.format(q="0 (no detail)")),
    ("bad-host-tr",
     ['host TR selector must not be 0000H '
      '(SDM "Checks on Host Segment and Descriptor-Table Registers")'],
     "VMFAIL: VMCS invalid host TR selector",
     "VMLAUNCH: VMfailValid, VM-instruction error 8 (VM entry with invalid host-state "
     "field(s))"),
    ("bad-host-cr4",
     ["host CR4 must have the bits of IA32_VMX_CR4_FIXED0 set (CR4.VMXE among them) and "
      "those clear in IA32_VMX_CR4_FIXED1 clear "
      '(SDM "Checks on Host Control Registers, MSRs, and SSP")'],
     "VMFAIL: VMCS host state invalid CR4",
     "VMLAUNCH: VMfailValid, VM-instruction error 8 (VM entry with invalid host-state "
     "field(s))"),
    ("bad-controls",
     ["pin-based controls must respect the allowed 0- and 1-settings of its capability "
      'MSR (SDM "Checks on VMX Controls")'],
     "VMFAIL: VMCS EXEC CTRL: VMX pin-based controls allowed 0-settings",
     "VMLAUNCH: VMfailValid, VM-instruction error 7 (VM entry with invalid control "
     "field(s))"),
]


@pytest.mark.parametrize("scenario,rules,bochs_says,cpu_says", BROKEN_VMCS,
                         ids=[row[0] for row in BROKEN_VMCS])
def test_broken_vmcs_field_is_named_by_checker_and_cpu(bochs, scenario, rules,
                                                       bochs_says, cpu_says):
    log = bochs(CH, f"scenario={scenario}")
    log.has_all([f"checker: broken rule: {r}" for r in rules])
    log.has(f"checker: {69 - len(rules)} of 69 VM-entry rules hold")
    log.emulator_log_has(bochs_says)
    log.has(cpu_says)
    log.lacks("guest: hello from the guest, in VMX non-root operation")
    if cpu_says.startswith("VM entry failed"):
        log.has("guest-state area:")
        log.expected("VM entry failed: VM-entry failure due to invalid guest state")
    else:
        log.expected(cpu_says.replace("VMLAUNCH: ", "VMLAUNCH failed: "))


def test_unknown_scenario_lists_the_known_ones(bochs):
    log = bochs(CH, "scenario=nonsense")
    log.has("  bad-host-tr          host TR selector 0")
    log.failed('unknown scenario "nonsense"')


def test_overlong_scenario_name_is_refused(bochs):
    log = bochs(CH, "scenario=" + "x" * 40)
    log.failed("scenario name too long: at most 31 characters")


def test_unknown_option_names_the_closest_known_one(bochs):
    log = bochs(CH, "scenaro=hang")
    log.failed('unknown option "scenaro" (did you mean "scenario"?)')
