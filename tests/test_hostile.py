# SPDX-License-Identifier: MIT
"""Hostile guests: each scenario attacks the hypervisor itself (issue 9), and
the hypervisor must answer as hardware would (the right exception reaches
the guest's own handler) or end the run with a named reason, within its
deadline, its memory intact. A scenario whose row names an expected outcome
ends with "expected outcome: <reason>" then PASS; the others end PASS.

Each case is a row: chapter, scenario, the lines (in order; a line starting
with "re:" is a regular expression for the whole line) and the reason the
run must end with, or None. Every run is also checked for the memory
checksum line (chapters 3 and 4), and for exactly one line that starts like
a verdict, the last one: no guest text can pose as one."""
import re

import pytest

INTACT = (r"isolation: canary intact, checksum of the hypervisor's code and constants "
          r"unchanged \(\d+ bytes\)")
RIP = r"0x[0-9a-f]+"
FLOOD_SUMMARY = (r"re:log: \d+ more lines caused by the guest were not printed "
                 r"\(at most 200 are\)")

CASES = [
    # ---- chapter 2: a 64-bit guest on the hypervisor's own page tables ----
    ("02-vmcs", "attack-hlt-cli", [
        rf"re:hlt: the guest halted with interrupts disabled \(RFLAGS.IF = 0\) at RIP {RIP}; "
        r"nothing can wake it",
    ], "re:guest halted with interrupts disabled at RIP " + RIP),
    ("02-vmcs", "attack-int3-flood", [
        rf"re:exception: #BP breakpoint \(vector 3\) in the guest at RIP {RIP}; "
        r"reflected to the guest",
        FLOOD_SUMMARY,
        "VM exits: 100000",
    ], "the guest made 100000 VM exits without ending"),
    ("02-vmcs", "attack-vmx", [
        rf"re:vmx: the guest executed VMREAD at RIP {RIP}, but VMX is hidden from it: #UD",
        rf"re:guest: #UD in the guest at RIP = {RIP}",
        "guest ended: the guest exited with status 0",
    ], None),
    ("02-vmcs", "attack-print-verdict", [
        r"guest: PASS\x0aFAIL: forged\x0bPASS\x0c",
        "guest ended: the guest exited with status 0",
    ], None),
    ("02-vmcs", "attack-cr8", [
        "guest: CR8 after MOV CR8 = 5 = 0x5",
        "cr: guest tried to set CR8 = 0x10, reserved bits 63:4: #GP",
        "guest: #GP in the guest, error code = 0x0",
        "guest ended: the guest exited with status 0",
    ], None),
    ("02-vmcs", "attack-cr0-high", [
        "re:cr: guest tried to set CR0 bits 63:32 \\(0x1[0-9a-f]{8}\\): #GP",
        "guest: #GP in the guest, error code = 0x0",
        "guest ended: the guest exited with status 0",
    ], None),

    # ---- chapter 3: the guest starts in real mode ----
    ("03-ept", "attack-rm-unknown-msr", [
        "msr: RDMSR of MSR 0x12345678, which this guest does not have: #GP",
        "re:guest: real-mode #GP handler, return IP = 0x[78][0-9a-f]{3}",
        "guest ended: the guest exited with status 0",
    ], None),
    ("03-ept", "attack-rm-cr4-vmxe", [
        "cr: guest tried to set CR4.VMXE, but VMX is hidden from it: #GP",
        "re:guest: real-mode #GP handler, return IP = 0x[78][0-9a-f]{3}",
        "guest ended: the guest exited with status 0",
    ], None),
    ("03-ept", "attack-rm-hlt-cli", [
        rf"re:hlt: the guest halted with interrupts disabled \(RFLAGS.IF = 0\) at RIP {RIP}; "
        r"nothing can wake it",
    ], "re:guest halted with interrupts disabled at RIP " + RIP),
    ("03-ept", "attack-rm-pae", [
        rf"re:cr: guest turns on PAE paging at RIP {RIP}, which this hypervisor does not "
        r"emulate \(no PDPTE loading, no PAE page walk\)",
    ], "re:PAE paging is not supported \\(guest RIP " + RIP + "\\)"),
    ("03-ept", "attack-rm-int3", [
        "re:exception: #BP breakpoint \\(vector 3\\) in the guest at RIP 0x[78][0-9a-f]{3}; "
        "reflected to the guest",
        "re:guest: real-mode #BP handler, return IP = 0x[78][0-9a-f]{3}",
        "guest ended: the guest exited with status 0",
    ], None),

    # ---- chapter 4: devices, and a C guest with its own IDT, GDT and TSS ----
    ("04-io", "attack-measure", [
        "guest: measured with 2^63 bytes; the hypervisor must still print its table",
        "exits per KiB:",
        "  2^63 bytes       9223372036854775808 bytes       1 exits       0.0 per KiB",
        "  two exits          4096 bytes       2 exits       0.5 per KiB",
    ], None),
    ("04-io", "attack-hlt-cli", [
        "guest: cli; hlt",
        rf"re:hlt: the guest halted with interrupts disabled \(RFLAGS.IF = 0\) at RIP {RIP}; "
        r"nothing can wake it",
    ], "re:guest halted with interrupts disabled at RIP " + RIP),
    ("04-io", "attack-msr-flood", [
        "guest: RDMSR of an unknown MSR, forever",
        "msr: RDMSR of MSR 0x12345678, which this guest does not have: #GP",
        FLOOD_SUMMARY,
        "VM exits: 100000",
    ], "the guest made 100000 VM exits without ending"),
    # 10 s at the TSC rate common/tsc.c measures with the PIT: about 80 MHz
    # under Bochs (ips=80M); the exact count depends on the polling loop.
    ("04-io", "attack-deadline", [
        "guest: spinning just under the watchdog between exits, forever",
        rf"re:deadline: the run has used \d+ TSC ticks, past its deadline of \d+; "
        rf"guest RIP {RIP}",
    ], r"re:the run passed its deadline of \d+ TSC ticks"),
    ("04-io", "attack-console-flood", [
        "guest: one virtio-console buffer of this many bytes = 0x3c00000",
        "virtio-console: a 62914560-byte buffer; only its first 16384 bytes are shown",
        "guest: virtio-console returned the buffer",
        "virtio-console: 62914560 bytes from the guest",
    ], None),
    ("04-io", "attack-print-verdict", [
        "guest: PASS",
        r"guest: PASS\x0aFAIL: forged\x0bPASS\x0c\x5cx41\x0d",
        r"guest: PASS\x0aFAIL: forged label = 0x1",
        r"guest uart: PASS\x0bFAIL: over COM1",
        "guest ended: the guest exited with status 0",
    ], None),
    ("04-io", "attack-ring3-vmcall", [
        rf"re:vmcall: a hypercall from CPL 3 at RIP {RIP}, refused: #UD",
        "guest: VMCALL from ring 3 raised vector = 0x6",
        "guest ended: the guest exited with status 0",
    ], None),
    ("04-io", "attack-vmx", [
        rf"re:vmx: the guest executed {insn} at RIP {RIP}, but VMX is hidden from it: #UD"
        for insn in ("VMXON", "VMCLEAR", "VMPTRLD", "VMPTRST", "VMREAD", "VMWRITE",
                     "VMLAUNCH", "VMRESUME", "VMXOFF", "INVEPT", "INVVPID")
    ] + ["guest: VMX instructions that raised #UD, of 11 = 0xb"], None),
    ("04-io", "attack-xsetbv", [
        "guest: CPUID.1:ECX.OSXSAVE after setting CR4.OSXSAVE = 0x1",
        "guest: XCR0 at first = 0x1",
        "xsetbv: XCR0 = 0x0 is not allowed: #GP",
        "guest: XSETBV XCR0 = 0 (x87 clear) raised vector = 0xd",
        "xsetbv: XCR1 = 0x1 is not allowed: #GP",
        "guest: XSETBV XCR1 = 1 raised vector = 0xd",
        "xsetbv: XCR0 = 0x4 is not allowed: #GP",
        "guest: XSETBV XCR0 = 4 (AVX without SSE) raised vector = 0xd",
        "xsetbv: XCR0 = 0x3",
        "guest: XSETBV XCR0 = 3 raised vector (0xff: none) = 0xff",
        "guest: XCR0 after XSETBV 3 = 0x3",
        "guest: CPUID.1:ECX.OSXSAVE after clearing CR4.OSXSAVE = 0x0",
    ], None),
    ("04-io", "attack-invd", [
        rf"re:invd: the guest executed INVD at RIP {RIP}; done as WBINVD",
        "guest: INVD came back",
    ], None),
    ("04-io", "attack-cpuid", [
        "guest: CPUID promises RDTSCP = 0x0",
        "guest: CPUID promises INVPCID = 0x0",
        "guest: CPUID promises XSAVES = 0x0",
        "guest: CPUID.1:ECX.OSXSAVE with CR4.OSXSAVE clear = 0x0",
        "guest: RDTSCP raised vector (0xff: none) = 0x6",
        "guest ended: the guest exited with status 0",
    ], None),
    ("04-io", "attack-cr0", [
        "guest: MOV CR0 with bit 32 set raised vector = 0xd",
        "guest:   error code = 0x0",
        "guest: MOV CR0 with NW but not CD raised vector = 0xd",
        "guest ended: the guest exited with status 0",
    ], None),
    ("04-io", "attack-cr8", [
        "guest: MOV CR8 = 5 raised vector (0xff: none) = 0xff",
        "guest: CR8 reads back = 0x5",
        "cr: guest tried to set CR8 = 0x10, reserved bits 63:4: #GP",
        "guest: MOV CR8 = 0x10 raised vector = 0xd",
    ], None),
    ("04-io", "attack-com1-wide", [
        "guest: COM1 scratch after a 16-bit OUT at port 0x3fe = 0x5a",
        "guest: 16-bit IN at port 0x3fe, high byte (the scratch) = 0x5a",
    ], None),
    ("04-io", "attack-mmio-past-end", [
        rf"re:mmio: the 8-byte access at RIP {RIP} \(GPA 0xfe000ffc\) runs past the end of "
        r"test device: an access across a device's bounds is not emulated",
    ], "re:MMIO access across the bounds of test device at RIP " + RIP),
    ("04-io", "attack-mmio-straddle", [
        "guest: an 8-byte read that starts in RAM and ends on the test device",
        rf"re:mmio: the 8-byte access at RIP {RIP} \(GPA 0xfe000000\) starts outside "
        r"test device: an access across a device's bounds is not emulated",
    ], "re:MMIO access across the bounds of test device at RIP " + RIP),
    ("04-io", "attack-mov-ss", [
        "guest: #DB after MOV SS; CPUID, bytes past the CPUID (0: right after it) = 0x0",
        "guest ended: the guest exited with status 0",
    ], None),
    ("04-io", "attack-queue-num", [
        "virtio-blk: queue 0: QueueNum is not a power of 2 up to QueueNumMax; the device "
        "needs a reset (DEVICE_NEEDS_RESET)",
        "guest: status after QueueNum 0x10010 and QueueReady = 0x4b",
    ], None),
    ("04-io", "attack-event-delivery", [
        "guest: IDT on the test device's MMIO page, then UD2",
        rf"re:event delivery: VM exit 48 \(EPT violation\) while the CPU delivered #UD "
        rf"invalid opcode \(vector 6, IDT-vectoring information 0x80000306\) at guest RIP "
        rf"{RIP}; the guest's IDT, GDT or stack is where the event cannot reach",
    ], "VM exit 48 (EPT violation) during delivery of #UD invalid opcode (vector 6)"),
    ("04-io", "attack-hypercall-args", [
        "vmcall: hypercall 1: argument outside guest memory",
        "guest: PRINT of 2^63 bytes returned = 0xfffffffffffffffe",
        "vmcall: hypercall 2: argument outside guest memory",
        "guest: REPORT with a label at 2^64 - 8 returned = 0xfffffffffffffffe",
        "vmcall: hypercall 4: argument outside guest memory",
        "guest: MEASURE_BEGIN with a label past RAM returned = 0xfffffffffffffffe",
    ], None),
    ("04-io", "attack-host-interrupts", [
        "guest: loop iterations with interrupts enabled, and no interrupt = 0x1312d00",
        "guest ended: the guest exited with status 0",
    ], None),
]


def _matches(want, line):
    if want.startswith("re:"):
        return re.fullmatch(want[3:], line) is not None
    return line == want


def _in_order(log, wants):
    at = 0
    for want in wants:
        while at < len(log.lines) and not _matches(want, log.lines[at]):
            at += 1
        if at == len(log.lines):
            log._fail(f"missing line (in order): {want!r}")
        at += 1


@pytest.mark.parametrize("chapter,scenario,lines,outcome", CASES,
                         ids=[f"{c}-{s}" for c, s, _, _ in CASES])
def test_hostile_guest(bochs, chapter, scenario, lines, outcome):
    log = bochs(chapter, f"scenario={scenario}")
    _in_order(log, lines)
    if outcome:
        _in_order(log, ["re:expected outcome: " + (outcome[3:] if outcome.startswith("re:")
                                                    else re.escape(outcome))])
    else:
        if any(line.startswith("expected outcome:") for line in log.lines):
            log._fail("an expected outcome in a run that should end normally")
    if chapter != "02-vmcs":
        log.match(INTACT)
    elif any(line.startswith("isolation:") for line in log.lines):
        log._fail("the guest changed hypervisor memory")
    verdicts = [line for line in log.lines if line.startswith(("PASS", "FAIL"))]
    if verdicts != ["PASS"] or log.lines[-1] != "PASS":
        log._fail(f"verdict-like lines {verdicts!r}: only the last line may be one")
    log.passed()


def test_there_are_at_least_30_hostile_scenarios():
    assert len(CASES) >= 30
    assert {c for c, _, _, _ in CASES} == {"02-vmcs", "03-ept", "04-io"}
