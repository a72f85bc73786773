# SPDX-License-Identifier: MIT
"""The tree follows its formatter config (.clang-format): no line of C,
a header or assembly is wider than its ColumnLimit, so that two chapters
side by side (diff -y, a book page) stay readable."""
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("*.c", "*.h", "*.asm", "*.inc")


def column_limit():
    text = (ROOT / ".clang-format").read_text()
    return int(re.search(r"^ColumnLimit:\s*(\d+)", text, re.M).group(1))


def too_wide(paths, limit):
    """(path, line number, width) of every line wider than limit."""
    out = []
    for path in paths:
        for n, line in enumerate(path.read_text(errors="replace").split("\n"), 1):
            if len(line) > limit:
                out.append((path, n, len(line)))
    return out


def test_no_source_line_is_wider_than_the_column_limit():
    files = subprocess.run(["git", "ls-files", *SOURCES], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.split()
    wide = too_wide([ROOT / f for f in files], column_limit())
    assert not wide, "\n".join(f"{p.relative_to(ROOT)}:{n}: {w} columns" for p, n, w in wide)


def test_the_check_finds_a_wide_line(tmp_path):
    f = tmp_path / "wide.c"
    f.write_text("int x;\n" + "/*" + "x" * 120 + "*/\n")
    assert too_wide([f], 100) == [(f, 2, 124)]
