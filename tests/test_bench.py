# SPDX-License-Identifier: MIT
"""The exit-cost benchmark (scenario=bench, guests/bench.inc). Under Bochs
with clock: sync=none the TSC advances one tick per instruction, so the
cost of a VM exit round trip is a deterministic count that a test can hold
to a budget; `make bench` prints the whole table."""
import pytest

import stepvisor

CHAPTERS = ["02-vmcs", "03-ept", "04-io", "05-irq"]
# Twice a conventional minimal path (save 15 registers, read the reason,
# dispatch, an 11-instruction handler, RIP += length, restore, VMRESUME:
# about 55 instructions). The book's VMCS chapter shows where they go.
CPUID_BUDGET = 110
COMMON_KINDS = ["1000 NOPs (calibration)", "CPUID", "VMCALL", "RDMSR", "IN, no device",
                "MOV to CR0"]
KINDS = {
    "02-vmcs": COMMON_KINDS,
    "03-ept": COMMON_KINDS + ["MMIO read, test device"],
    "04-io": COMMON_KINDS + ["OUT to the UART THR", "MMIO read, test device",
                             "virtio notify, empty queue"],
    "05-irq": COMMON_KINDS + ["HLT woken by a pending self-IPI",
                              "self-IPI: ICR write, injection, EOI",
                              "LAPIC timer: arm, HLT, injection, EOI"],
}


def test_every_chapter_with_a_guest_has_the_bench_scenario():
    assert stepvisor.bench_chapters() == CHAPTERS


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_calibration_one_tick_per_instruction(bochs, chapter):
    """1,000 loops of 1,000 NOPs + DEC + JNZ between two RDTSCs (plus the
    four instructions that combine EDX:EAX) against the same loop without
    the NOPs: exactly 1,000 ticks per 1,000 NOPs."""
    log = bochs(chapter, "scenario=bench")
    log.has("guest: bench: 1000 NOPs (calibration): 1000 ticks per round trip "
            "(1000 round trips: 1002004 ticks, 2004 without the exit)")
    log.passed()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_exit_kind_is_timed(bochs, chapter):
    log = bochs(chapter, "scenario=bench")
    assert list(stepvisor.parse_bench(log.lines)) == KINDS[chapter]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_cpuid_round_trip_within_budget(bochs, chapter):
    log = bochs(chapter, "scenario=bench")
    m = log.match(r"guest: bench: CPUID: (\d+) ticks per round trip "
                  r"\(1000 round trips: \d+ ticks, \d+ without the exit\)")
    ticks = int(m.group(1))
    assert ticks <= CPUID_BUDGET, (
        f"{chapter}: a CPUID round trip takes {ticks} instructions, over the budget of "
        f"{CPUID_BUDGET}")


# --- chapter 6's Linux boot (make bench): what it reads from a run ----------

def _run(tmp_path, log, emulator_out=""):
    (tmp_path / "emulator.out").write_text(emulator_out)
    return stepvisor.RunResult("bochs", log, 1, False, 1.0, tmp_path)


def test_boot_ticks_from_the_first_guest_instruction_to_the_prompt(tmp_path):
    """With clock: sync=none Bochs's TSC is its tick counter: the
    hypervisor's TSC line and the debugger's ptime at n_tty_poll are on
    one clock."""
    log = ("loader: bzImage, protocol 2.15\n"
           "loader: first guest instruction at host TSC 300000000\n"
           "guest: stepvisor# \nPASS\n")
    out = ("(0) Breakpoint 1, 0x1000000 in ?? ()\nptime: 380000000\n<bochs:4> del 1\n"
           "(0) Breakpoint 2, 0xffffffff8123 in ?? ()\nptime: 1100000123\n<bochs:8> del 2\n")
    assert stepvisor.boot_phases(_run(tmp_path, log, out)) == {
        "decompression": 80_000_000, "startup_64 to the prompt": 720_000_123,
        "to the prompt": 800_000_123}
    assert stepvisor.boot_ticks(_run(tmp_path, log, out)) == 800_000_123
    # Either missing: no count rather than a wrong one.
    assert stepvisor.boot_ticks(_run(tmp_path, log, "")) is None
    assert stepvisor.boot_ticks(_run(tmp_path, log, out.split("(0) Breakpoint 2")[0])) is None
    assert stepvisor.boot_ticks(_run(tmp_path, "PASS\n", out)) is None
    assert stepvisor.boot_ticks(_run(
        tmp_path, "guest: loader: first guest instruction at host TSC 1\n", out)) is None


def test_exit_table_by_reason():
    lines = ["io: 2 accesses", "VM exits: 4301", "      13  18 VMCALL",
             "       2  28 Control-register accesses", "    4194  30 I/O instruction",
             "uart: 2048 bytes from the guest", "      99  10 CPUID"]
    assert stepvisor.exit_table(lines) == [(13, 18, "VMCALL"),
                                           (2, 28, "Control-register accesses"),
                                           (4194, 30, "I/O instruction")]
    assert stepvisor.exit_table(["PASS"]) == []
