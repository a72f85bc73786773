# SPDX-License-Identifier: MIT
"""Host-side C unit tests: each tests/unit/test_*.c is built with the host
gcc under AddressSanitizer and UBSan, and run.

A test file names the sources it needs on its first line:

    // sources: common/printf.c

A test of a chapter's file runs once per chapter copy of it: named with
chapter 2's path, it is built and run against chapters 2, 3 and 4 (each
with its own headers), since each later chapter carries the file too.
CHAPTER_NUMBER is defined as the build defines it, so that a test can
check what a later chapter adds (#if CHAPTER_NUMBER >= 3).

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


CHAPTER = re.compile(r"chapters/([^/]+)/")


def copies(test):
    """(chapter, sources) for every chapter copy of the test's sources: a
    test that names chapter 2's controls.c also runs against chapter 3's and
    4's, which carry the same file (changed or not). Sources outside
    chapters/ are the same for all; a test without chapter sources runs
    once, as chapter None."""
    srcs = sources(test)
    named = {m.group(1) for s in srcs for m in [CHAPTER.match(s)] if m}
    if not named:
        return [(None, srcs)]
    if len(named) > 1:
        pytest.fail(f"{test.name}: sources from more than one chapter: {sorted(named)}",
                    pytrace=False)
    first = named.pop()
    out = []
    for ch in sorted(p.name for p in (ROOT / "chapters").iterdir() if p.is_dir()):
        moved = [CHAPTER.sub(f"chapters/{ch}/", s, count=1) for s in srcs]
        if ch >= first and all((ROOT / s).exists() for s in moved):
            out.append((ch, moved))
    return out


CASES = [(test, ch, srcs) for test in sorted(UNIT.glob("test_*.c"))
         for ch, srcs in copies(test)]


@pytest.mark.parametrize("test,chapter,srcs", CASES,
                         ids=[f"{t.stem}-{c}" if c else t.stem for t, c, _ in CASES])
def test_unit(test, chapter, srcs):
    name = test.stem
    OUT.mkdir(parents=True, exist_ok=True)
    binary = OUT / (f"{name}-{chapter}" if chapter else name)
    number = [f"-DCHAPTER_NUMBER={int(chapter[:2])}"] if chapter else []
    cmd = (["gcc"] + CFLAGS + include_dirs(srcs) + number
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
