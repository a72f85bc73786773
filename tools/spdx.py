# SPDX-License-Identifier: MIT
"""SPDX license lines: every source file says its license in its first line
(after a #! line, an HTML doctype or a unit test's sources line), in its own
comment syntax.

The code is MIT (LICENSE); the book's prose and figures are CC BY-SA 4.0
(book/LICENSE).

    spdx.py --check    list the files without their line; exit 1 if any
    spdx.py --fix      add the line where it is missing
"""
import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CODE = "MIT"
PROSE = "CC-BY-SA-4.0"

# Comment syntax by file name ending; the text goes between the two parts.
SYNTAX = {
    ".c": ("/* ", " */"), ".h": ("/* ", " */"), ".ld": ("/* ", " */"),
    ".css": ("/* ", " */"), ".js": ("// ", ""), ".dot": ("// ", ""),
    ".asm": ("; ", ""), ".inc": ("; ", ""),
    ".py": ("# ", ""), ".sh": ("# ", ""),
    ".html": ("<!-- ", " -->"), ".md": ("<!-- ", " -->"),
}
NAMES = {"Makefile": ("# ", ""), "Doxyfile": ("# ", "")}
# Markdown outside the book (READMEs, docs/) is documentation of the code and
# needs no line; the book's chapters and figures are prose under CC BY-SA.
PROSE_DIRS = ("book/src/", "book/figures/")


def syntax(rel):
    name = rel.rsplit("/", 1)[-1]
    if name in NAMES:
        return NAMES[name]
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name else ""
    if suffix == ".md" and not rel.startswith("book/src/"):
        return None
    return SYNTAX.get(suffix)


def license_of(rel):
    return PROSE if rel.startswith(PROSE_DIRS) else CODE


def expected_line(rel):
    open_, close = syntax(rel)
    return f"{open_}SPDX-License-Identifier: {license_of(rel)}{close}"


def files(root=ROOT):
    """The repository's files that need the line: git's list (tracked and
    untracked, not ignored), else a walk without build/ and .git."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], cwd=root, capture_output=True,
                             check=True).stdout.decode()
        names = [f for f in out.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(root)) for p in root.rglob("*")
                 if p.is_file() and not {"build", ".git"} & set(p.relative_to(root).parts)]
    return sorted(n for n in names if syntax(n) and (root / n).is_file())


# First lines something else reads: a #! line, an HTML doctype, the list of
# sources a host unit test is built from (tests/test_unit.py).
DIRECTIVES = ("#!", "<!doctype", "// sources:")


def header_index(lines):
    """Where the SPDX line belongs: after a directive line, else first."""
    if lines and lines[0].lower().startswith(DIRECTIVES):
        return 1
    return 0


def problems(root=ROOT):
    bad = []
    for rel in files(root):
        lines = (root / rel).read_text(errors="replace").split("\n")
        at = header_index(lines)
        want = expected_line(rel)
        if len(lines) <= at or lines[at] != want:
            bad.append(f"{rel}:{at + 1}: want {want!r}")
    return bad


def fix(root=ROOT):
    fixed = []
    for rel in files(root):
        path = root / rel
        lines = path.read_text().split("\n")
        at = header_index(lines)
        want = expected_line(rel)
        if len(lines) > at and lines[at] == want:
            continue
        if len(lines) > at and "SPDX-License-Identifier" in lines[at]:
            lines[at] = want
        else:
            lines.insert(at, want)
        path.write_text("\n".join(lines))
        fixed.append(rel)
    return fixed


def main(argv=None):
    ap = argparse.ArgumentParser(prog="spdx.py", description=__doc__.split("\n\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--check", action="store_true")
    g.add_argument("--fix", action="store_true")
    args = ap.parse_args(argv)
    if args.fix:
        for rel in fix():
            print(f"spdx: added the line to {rel}")
        return 0
    bad = problems()
    for b in bad:
        print(f"spdx: {b}")
    if bad:
        print(f"spdx: {len(bad)} file(s) without their SPDX line; "
              f"`{sys.executable} tools/spdx.py --fix` adds it")
        return 1
    print(f"spdx: {len(files())} files carry their SPDX line")
    return 0


if __name__ == "__main__":
    sys.exit(main())
