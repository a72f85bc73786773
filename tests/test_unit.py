"""Host-side C unit tests: each tests/unit/test_*.c is built with the host
gcc under AddressSanitizer and UBSan, and run.

A test file names the sources it needs on its first line:

    // sources: common/printf.c

and ends by printing "<name>: N passed, M failed" (tests/unit/check.h).
The directory of each listed source is on the include path (after
common/include), so a test of chapter 2 finds chapter 2's headers and never
chapter 1's header of the same name (both chapters have a vmx.h).
UNIT_CFLAGS adds compiler flags, e.g. UNIT_CFLAGS=-DKNOWN_BUGS builds the
checks of bugs that are known and not yet fixed.
"""
import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "tests" / "unit"
OUT = ROOT / "build" / "unit"
CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-g",
          "-fsanitize=address,undefined", "-fno-sanitize-recover=all",
          "-Icommon/include"]
TIMEOUT = 60  # seconds, for building and for running


@pytest.fixture(scope="session")
def images():
    """Overrides conftest's: unit tests need no hypervisor images."""


def sources(test):
    """The sources named on the test file's first line."""
    first = (test.read_text().splitlines() or [""])[0]
    m = re.fullmatch(r"//\s*sources:(.*)", first.strip())
    if not m:
        pytest.fail(f"{test.relative_to(ROOT)}: the first line must be "
                    f"'// sources: <files>' (it is {first!r})", pytrace=False)
    return m.group(1).split()


def include_dirs(srcs):
    """-I for the directory of each source, in order, each once."""
    dirs = dict.fromkeys(str(Path(s).parent) for s in srcs)
    return [f"-I{d}" for d in dirs]


def _run(cmd):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                          timeout=TIMEOUT)


def _output(r):
    return (r.stdout + r.stderr).rstrip()


@pytest.mark.parametrize("test", sorted(UNIT.glob("test_*.c")),
                         ids=lambda p: p.stem)
def test_unit(test):
    name = test.stem
    OUT.mkdir(parents=True, exist_ok=True)
    binary = OUT / name
    srcs = sources(test)
    cmd = (["gcc"] + CFLAGS + include_dirs(srcs)
           + shlex.split(os.environ.get("UNIT_CFLAGS", ""))
           + [str(test.relative_to(ROOT))] + srcs
           + ["-o", str(binary.relative_to(ROOT))])
    r = _run(cmd)
    if r.returncode != 0:
        pytest.fail(f"build failed:\n$ {shlex.join(cmd)}\n{_output(r)}",
                    pytrace=False)

    r = _run([str(binary)])
    out = _output(r)
    last = r.stdout.rstrip().splitlines()[-1] if r.stdout.strip() else ""
    m = re.fullmatch(rf"{re.escape(name)}: (\d+) passed, (\d+) failed", last)
    if r.returncode != 0 or not m or m.group(2) != "0" or int(m.group(1)) == 0:
        pytest.fail(f"{name} exited with {r.returncode}; its last line should "
                    f"be '{name}: N passed, 0 failed' with N > 0\n"
                    f"--- output:\n{out}", pytrace=False)
