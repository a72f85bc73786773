# SPDX-License-Identifier: MIT
"""pytest harness: boots chapter images and checks their serial logs.

Every boot gets its own directory under build/test-artifacts/<test>/ with
the COM1 log, the emulator's output and its config, so a failing test can be
read after the fact. Each boot is bounded by a timeout that SIGKILLs the
emulator's whole process group.
"""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import stepvisor  # noqa: E402

ARTIFACTS = ROOT / "build" / "test-artifacts"
BOOT_TIMEOUT = 120  # seconds; guests are bounded by the preemption timer first
LOG_TAIL = 40


class Log:
    """A finished run's serial log, with assertions that show the log tail
    when they fail."""

    def __init__(self, result):
        self.result = result
        self.lines = result.lines

    def _fail(self, what):
        tail = "\n".join(self.lines[-LOG_TAIL:])
        how = ("timed out (killed)" if self.result.timed_out
               else f"exit code {self.result.exit_code}")
        pytest.fail(f"{what}\n--- {self.result.emulator}, {how}, "
                    f"{self.result.seconds:.1f} s, artifacts in "
                    f"{self.result.workdir}\n--- last {LOG_TAIL} lines of COM1:\n"
                    f"{tail}", pytrace=False)

    def has(self, line):
        """The exact line is in the log."""
        if line not in self.lines:
            self._fail(f"missing line: {line!r}")

    def has_all(self, lines):
        for line in lines:
            self.has(line)

    def has_in_order(self, lines):
        """The exact lines appear in this order (others may come between)."""
        at = 0
        for line in lines:
            try:
                at = self.lines.index(line, at) + 1
            except ValueError:
                self._fail(f"missing line (in order): {line!r}")

    def lacks(self, line):
        if line in self.lines:
            self._fail(f"unexpected line: {line!r}")

    def emulator_log_has(self, text):
        """Bochs's own log (bochs.log) has a line containing text: the
        emulated CPU's word on why it refused a VM entry."""
        path = self.result.workdir / "bochs.log"
        log = path.read_text(errors="replace") if path.exists() else ""
        if text not in log:
            self._fail(f"bochs.log lacks {text!r}")

    def match(self, pattern):
        """The first line matching the regular expression; its match."""
        rx = re.compile(pattern)
        for line in self.lines:
            m = rx.fullmatch(line)
            if m:
                return m
        self._fail(f"no line matches {pattern!r}")

    def passed(self):
        """PASS is the hypervisor's last line, and the run was not killed
        at its timeout (RunResult.verdict)."""
        if self.result.verdict != "PASS":
            self._fail(f"expected PASS, verdict was {self.result.verdict!r}")

    def expected(self, reason):
        """A negative scenario the hypervisor handled as it should: the line
        'expected outcome: reason', then PASS as the last line."""
        self.passed()
        if self.result.expected_outcome != reason:
            self._fail(f"expected outcome {reason!r}, got {self.result.expected_outcome!r}")

    def failed(self, reason):
        """The run ended with exactly 'FAIL: reason'."""
        want = f"FAIL: {reason}"
        if self.result.verdict != want:
            self._fail(f"expected {want!r}, verdict was {self.result.verdict!r}")


def _artifact_dir(request, emulator):
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    return ARTIFACTS / f"{name}-{emulator}"


@pytest.fixture(scope="session", autouse=True)
def images():
    """Builds every chapter and guest once per test session."""
    r = subprocess.run(["make", "-s", "images"], cwd=ROOT, capture_output=True,
                       text=True)
    if r.returncode != 0:
        pytest.exit(f"make images failed:\n{r.stdout}\n{r.stderr}", returncode=1)


# Bochs runs are deterministic, so tests that look at the same run share
# one boot (per test worker); its artifacts stay with the first test.
_bochs_runs = {}


@pytest.fixture
def bochs(request):
    """boot(chapter, cmdline='', cpu_model=...) -> Log, under Bochs."""
    def boot(chapter, cmdline="", cpu_model=stepvisor.DEFAULT_BOCHS_MODEL,
             timeout=BOOT_TIMEOUT):
        ch = stepvisor.resolve_chapter(chapter)
        key = (ch, cmdline, cpu_model)
        if key not in _bochs_runs:
            _bochs_runs[key] = stepvisor.run_bochs(
                ch, cmdline, workdir=_artifact_dir(request, "bochs"),
                cpu_model=cpu_model, timeout=timeout)
        return Log(_bochs_runs[key])
    return boot


@pytest.fixture
def qemu(request):
    """boot(chapter, cmdline='', accel='tcg') -> Log, under QEMU."""
    def boot(chapter, cmdline="", accel="tcg", timeout=BOOT_TIMEOUT):
        ch = stepvisor.resolve_chapter(chapter)
        r = stepvisor.run_qemu(ch, cmdline, workdir=_artifact_dir(request, f"qemu-{accel}"),
                               accel=accel, timeout=timeout)
        return Log(r)
    return boot


def kvm_available():
    return stepvisor.host_vmx()[0]


needs_kvm = pytest.mark.skipif(not kvm_available(),
                               reason="host has no VMX with nested KVM "
                                      "(the QEMU+KVM path needs an Intel host)")
