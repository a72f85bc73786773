# SPDX-License-Identifier: MIT
"""Chapter 6's PC under Bochs, as the probe kernel (guests/pcprobe/) sees
it: the RTC/CMOS, fw_cfg, the I/O APIC delivering to the local APIC (an
illegal vector refused into the ESR, a level interrupt delivered again at
the EOI of a line still up) and the i8042; the hostile cases each logged by
name; and every way a guest can end the machine, with its verdict.

The device models' registers are checked on the host
(tests/unit/test_ioapic.c, tests/unit/test_pc_devices.c); these boots show
them wired into the machine. Each command line is one boot, shared by the
tests that read it.
"""
import pytest

import stepvisor
from conftest import Log, _artifact_dir

CHAPTER = "06-linux"
PCPROBE = stepvisor.BUILD / "guests" / "pcprobe.elf"
GUEST_MEM_MIB = 128  # small: guest RAM is zeroed at boot, which costs Bochs time
TIMEOUT = 120
GUEST_UART = "guest uart: "
PROBES = "cmos fw_cfg ioapic i8042"

_runs = {}


def boot(request, cmdline):
    """Chapter 6 under Bochs with pcprobe as its kernel (GUEST=) and cmdline
    (GUEST_CMDLINE=); the
    Log's lines have the guest's "guest uart: " prefix taken off (the
    hypervisor's own lines have none)."""
    if cmdline not in _runs:
        guest = stepvisor.check_guest(CHAPTER, kernel=str(PCPROBE), cmdline=cmdline)
        _runs[cmdline] = stepvisor.run_bochs(CHAPTER, f"guest_mem={GUEST_MEM_MIB}M",
                                             workdir=_artifact_dir(request, "bochs"),
                                             timeout=TIMEOUT, guest=guest)
    log = Log(_runs[cmdline])
    log.lines = [line[len(GUEST_UART):] if line.startswith(GUEST_UART) else line
                 for line in log.lines]
    return log


def test_probes_find_the_pc_devices(request):
    log = boot(request, PROBES)
    log.has_in_order([
        "pcprobe: cmos: register 0x7f through index 0xff reads 0x5a, status B 0x02, D 0x80",
        f"pcprobe: fw_cfg: signature QEMU, then 0x00, CPUs 1, RAM {GUEST_MEM_MIB << 20:#010x}",
        "pcprobe: ioapic: version 0x00170011, ESR after vector 5 0x40, level: remote IRR 1, "
        "handler runs 2, then remote IRR 0",
        "pcprobe: i8042: self-test answers 0x55, status 0x1d",
        "pcprobe: done: every probe ran",
        "guest ended: guest exited through port 0xf4 with status 0",
    ])
    log.passed()


def test_hostile_accesses_are_handled_as_hardware_and_named(request):
    """A CMOS index with bit 7 set (NMI disable, not part of the index), a
    read past fw_cfg's signature, an I/O APIC entry with vector 5: each is
    logged by name, counted, and answered as the hardware answers."""
    log = boot(request, PROBES)
    log.has_all([
        "cmos: index 0xff: bit 7 disables NMI, the register is 0x7f",
        "fw_cfg: read past the end of item 0x0000 (offset 4): reads 0",
        "ioapic: input 4 sends illegal vector 5 (below 16): the local APIC refuses it "
        "(ESR receive illegal vector)",
        "ioapic: 1 message(s) with an illegal vector refused, 0 of a delivery mode not "
        "emulated",
        "pc: 0 POST code(s) written to port 0x80, 1 fw_cfg read(s) past an item's end, 1 CMOS "
        "index(es) with bit 7 (NMI disable) set; uart: 0 byte(s) to the guest",
    ])


ENDS = [
    ("reset-i8042", "the guest reset the machine through the i8042's reset line"),
    ("reset-cf9", "the guest reset the machine through port 0xCF9 (hard reset)"),
    ("reset-92", "the guest reset the machine through port 0x92"),
    ("poweroff", "the guest powered off (halted with interrupts and its local APIC "
                 "disabled)"),
]


@pytest.mark.parametrize("probe,outcome", ENDS, ids=[e[0] for e in ENDS])
def test_orderly_ends_pass(request, probe, outcome):
    log = boot(request, probe)
    log.has_in_order([f"pcprobe: {probe}: now", f"guest ended: {outcome}"])
    log.lacks(f"pcprobe: {probe}: the machine did not end")
    log.passed()


def test_debug_exit_status_is_the_verdict(request):
    log = boot(request, "exit=3")
    log.has("pcprobe: exit: status 3")
    log.failed("guest exited through port 0xf4 with status 3")


def test_halt_with_interrupts_off_but_apic_on_fails(request):
    """cli; hlt with the local APIC as the BIOS left it: not a power-off
    (an NMI could still come), a guest stuck by accident."""
    log = boot(request, "cli-hlt")
    m = log.match(r"FAIL: guest halted with interrupts disabled at RIP (0x[0-9a-f]+)")
    log.has(f"hlt: the guest halted with interrupts disabled (RFLAGS.IF = 0) at RIP "
            f"{m.group(1)}; nothing can wake it")


def test_a_long_computation_without_exits_is_no_hang(request):
    """80 million instructions with interrupts off and not one VM exit:
    chapter 5's watchdog called 50 million a hang, but a kernel decompressing
    itself runs as long, and would on the machine. The run goes on; its
    deadline still bounds it."""
    log = boot(request, "compute exit=0")
    log.has_in_order(["pcprobe: compute: 40000000 loops with interrupts off and no VM exit, "
                      "done", "pcprobe: exit: status 0"])
    log.passed()
