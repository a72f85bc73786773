"""Assertions on how a negative scenario ends: a correct hypervisor fails
the run the way the scenario expects (its C `expect`, run_expect), and the
run then passes: "expected outcome: <reason>" and, last, "PASS"."""


def expected_outcome(log, reason):
    """The second-to-last line is exactly 'expected outcome: <reason>' and
    the verdict is PASS."""
    want = f"expected outcome: {reason}"
    lines = log.lines
    if len(lines) < 2 or lines[-2] != want:
        got = lines[-2] if len(lines) >= 2 else None
        log._fail(f"expected {want!r} just before the verdict, found {got!r}")
    log.passed()
