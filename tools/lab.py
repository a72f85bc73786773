# SPDX-License-Identifier: MIT
"""Labs: the regions of a chapter's code a student writes.

A lab is marked in the solution by plain comments (C files):

    /* LAB fixed-bits (25 points): what to write, in a sentence or two.
     * Graded by: test_ch01_vmxon.py::test_vmxon_and_capabilities_under_bochs
     * Student stub:
     *     (void)value;
     *     run_fail("lab fixed-bits is not done yet");
     */
    ... the solution ...
    /* END LAB fixed-bits */

A lab may have more than one region; the later ones say
`/* LAB name (continued): ...` and carry only their own stub. A lab belongs
to the first chapter whose code has it; later chapters carry the region
identically (chapters are copies) but do not make it a lab again.

    lab.py list [--chapter N]        the labs, their points, files and tests
    lab.py make --chapter N --dest D write a student tree: a plain copy of the
                                     repository with chapter N's labs stubbed
    lab.py check                     parse every marker; exit 1 on a problem
    lab.py sync-copies               copy a chapter's marked file to the next
                                     chapter where the next one's copy is the
                                     same file without the markers (after a
                                     merge brings a chapter copied before them)

A stub ends the run with run_fail(); where a stubbed file does not include
run_end.h yet, the student tree gets that #include after the file's last one
(the only line the tool writes outside the marker's own stub).

The student tree is a plain directory, not a git branch: a branch would
carry the solution in its history, one `git log -p` away.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS_DIR = "chapters"
SOURCE_SUFFIXES = (".c", ".h")
FAIL_INCLUDE = '#include "run_end.h"'

OPEN = re.compile(r"^(?P<indent>\s*)/\* LAB (?P<name>[a-z0-9][a-z0-9-]*) "
                  r"\((?:(?P<points>\d+) points|(?P<cont>continued))\): (?P<text>.*)$")
END = re.compile(r"^\s*/\* END LAB (?P<name>[a-z0-9-]+) \*/\s*$")
GRADED = re.compile(r"^\s*\* Graded by: (?P<tests>.*)$")
STUB = re.compile(r"^\s*\* Student stub:\s*$")
STUB_LINE = re.compile(r"^\s*\*(?: {5}(?P<code>.*))?$")


class MarkerError(Exception):
    pass


@dataclass
class Region:
    path: Path          # relative to the tree's root
    start: int          # index of the LAB line
    body: int           # index of the first solution line
    end: int            # index of the END LAB line
    indent: str
    stub: list


@dataclass
class Lab:
    name: str
    chapter: str = ""
    points: int = 0
    tests: list = field(default_factory=list)
    summary: str = ""
    regions: list = field(default_factory=list)

    @property
    def files(self):
        return sorted({str(r.path) for r in self.regions})


def chapters(root=ROOT):
    return sorted(p.name for p in (root / CHAPTERS_DIR).glob("[0-9][0-9]-*") if p.is_dir())


def resolve_chapter(name, root=ROOT):
    """'2', '02' or '02-vmcs' -> '02-vmcs'."""
    name = str(name)
    for ch in chapters(root):
        if name in (ch, ch.split("-")[0], ch.split("-")[0].lstrip("0")):
            return ch
    raise SystemExit(f"lab: no chapter {name!r}; have: {' '.join(chapters(root))}")


def parse_file(path, rel):
    """The marked regions of one file: [(name, points|None, tests, text, Region)]."""
    lines = path.read_text().split("\n")
    found = []
    i = 0
    while i < len(lines):
        m = OPEN.match(lines[i])
        if not m:
            if END.match(lines[i]):
                raise MarkerError(f"{rel}:{i + 1}: END LAB without a LAB")
            i += 1
            continue
        start, name = i, m["name"]
        tests, stub, in_stub = [], [], False
        text = m["text"]
        while "*/" not in lines[i]:
            i += 1
            if i == len(lines):
                raise MarkerError(f"{rel}:{start + 1}: LAB {name}: comment never ends")
            line = lines[i]
            if "*/" in line:
                if line.strip() != "*/":
                    raise MarkerError(f"{rel}:{i + 1}: LAB {name}: end the comment "
                                      f"on a line of its own")
                break
            g = GRADED.match(line)
            if g:
                tests += [t.strip() for t in g["tests"].split(",") if t.strip()]
            elif STUB.match(line):
                in_stub = True
            elif in_stub:
                s = STUB_LINE.match(line)
                if not s:
                    raise MarkerError(f"{rel}:{i + 1}: LAB {name}: stub lines are "
                                      f"' *     code'")
                stub.append(s["code"] or "")
            elif tests and "::" in line:
                tests += [t.strip() for t in line.strip().lstrip("*").split(",") if t.strip()]
            elif not tests:
                text += " " + line.strip().lstrip("*").strip()
        body = i + 1
        j = body
        while j < len(lines) and not END.match(lines[j]):
            if OPEN.match(lines[j]):
                raise MarkerError(f"{rel}:{j + 1}: LAB inside LAB {name}")
            j += 1
        if j == len(lines) or END.match(lines[j])["name"] != name:
            raise MarkerError(f"{rel}:{start + 1}: LAB {name} has no "
                              f"'/* END LAB {name} */'")
        if not stub:
            raise MarkerError(f"{rel}:{start + 1}: LAB {name} has no 'Student stub:'")
        points = None if m["cont"] else int(m["points"])
        found.append((name, points, tests, text.strip(),
                      Region(Path(rel), start, body, j, m["indent"], stub)))
        i = j + 1
    return found


def source_files(root, chapter):
    base = root / CHAPTERS_DIR / chapter
    return sorted(p for p in base.rglob("*") if p.suffix in SOURCE_SUFFIXES and p.is_file())


def labs(root=ROOT):
    """Every lab, in chapter order, each with the regions of its own chapter.
    Raises MarkerError on a marker that does not parse or disagrees."""
    result = {}
    for ch in chapters(root):
        mine = {}
        for path in source_files(root, ch):
            for name, points, tests, text, region in parse_file(path, path.relative_to(root)):
                lab = result.get(name)
                if lab is None:
                    lab = result[name] = Lab(name, chapter=ch)
                if lab.chapter != ch:
                    continue  # a copy of an earlier chapter's lab
                mine.setdefault(name, []).append((points, tests, text, region))
        for name, blocks in mine.items():
            lab = result[name]
            for points, tests, text, region in blocks:
                if points is not None:
                    if lab.points:
                        raise MarkerError(f"{region.path}:{region.start + 1}: LAB {name} "
                                          f"has points twice; later regions say (continued)")
                    lab.points, lab.tests, lab.summary = points, tests, text
                lab.regions.append(region)
            if not lab.points:
                raise MarkerError(f"LAB {name} in {ch}: no region gives its points")
            if not lab.tests:
                raise MarkerError(f"LAB {name} in {ch}: no 'Graded by:' tests")
    return list(result.values())


def chapter_labs(chapter, root=ROOT):
    return [lab for lab in labs(root) if lab.chapter == chapter]


def fail_line(name):
    """The verdict a stub ends the run with."""
    return f"FAIL: lab {name} is not done yet"


def stub_file(path, regions):
    """Rewrites path with each of regions replaced by its stub."""
    lines = path.read_text().split("\n")
    for r in sorted(regions, key=lambda r: r.start, reverse=True):
        name = OPEN.match(lines[r.start])["name"]
        new = [f"{r.indent}/* TODO(lab {name}): replace this stub with your code. */"]
        new += [(r.indent + s) if s else "" for s in r.stub]
        lines[r.body:r.end] = new
    text = "\n".join(lines)
    if "run_fail(" in text and FAIL_INCLUDE not in text:
        # The stubs end the run by name: the file needs run_fail()'s header.
        last = max(i for i, line in enumerate(lines) if line.startswith("#include"))
        lines.insert(last + 1, FAIL_INCLUDE)
        text = "\n".join(lines)
    path.write_text(text)


def tracked_files(root):
    """The repository's files: git's list when there is one, else a walk
    that leaves out build/ and .git."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], cwd=root, capture_output=True,
                             check=True).stdout.decode()
        files = [f for f in out.split("\0") if f]
        if files:
            return [f for f in files if (root / f).is_file()]
    except (OSError, subprocess.CalledProcessError):
        pass
    files = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in (".git", "build", "__pycache__")]
        for f in filenames:
            files.append(str(Path(dirpath, f).relative_to(root)))
    return files


def copy_tree(src, dest, seed_build=False):
    """A plain copy of src's files at dest, modification times kept so that
    a seeded build/ stays valid for every file that is unchanged."""
    dest.mkdir(parents=True, exist_ok=True)
    for f in tracked_files(src):
        (dest / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src / f, dest / f)
    if seed_build:
        seed_build_dir(src, dest)


def seed_build_dir(src, dest):
    """Copies src's compiled objects and images (not its run logs) to dest,
    so that make there rebuilds only what dest changes."""
    build = src / "build"
    if not build.is_dir():
        return
    # What `make images` makes: build/common, build/guests, build/NN-name.
    wanted = {"common", "guests"} | set(chapters(src))
    for entry in build.iterdir():
        if entry.name not in wanted:
            continue
        target = dest / "build" / entry.name
        if entry.is_dir():
            shutil.copytree(entry, target, dirs_exist_ok=True, symlinks=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(entry, target)


def make_student_tree(chapter, dest, root=ROOT, only=None, seed_build=False):
    """Writes the student tree for chapter at dest; only=[names] stubs just
    those labs. Returns the labs stubbed."""
    todo = [lab for lab in chapter_labs(chapter, root) if only is None or lab.name in only]
    if only is not None and len(todo) != len(set(only)):
        raise SystemExit(f"lab: {chapter} has no lab among {only}")
    copy_tree(root, dest, seed_build=seed_build)
    by_file = {}
    for lab in todo:
        for r in lab.regions:
            by_file.setdefault(r.path, []).append(r)
    for rel, regions in by_file.items():
        target = dest / rel
        stub_file(target, regions)
        os.utime(target)  # newer than any seeded object: make rebuilds it
    return todo


KIT_LINE = re.compile(r"^\s*(?:/\* |; |# |// )SPDX-License-Identifier: ")


def without_markers(text):
    """text without its LAB comments, END LAB lines and SPDX line."""
    lines, out, in_marker = text.split("\n"), [], False
    for line in lines:
        if OPEN.match(line):
            in_marker = "*/" not in line
            continue
        if in_marker:
            in_marker = "*/" not in line
            continue
        if END.match(line) or KIT_LINE.match(line):
            continue
        out.append(line)
    return "\n".join(out)


def sync_copies(root=ROOT):
    """Chapters are copies: where chapter N+1's file is chapter N's without
    the kit's lines, it gets them. Returns the files written."""
    written = []
    names = chapters(root)
    for prev, nxt in zip(names, names[1:]):
        base = root / CHAPTERS_DIR / nxt
        for path in sorted(p for p in base.rglob("*") if p.suffix in SOURCE_SUFFIXES):
            mine = root / CHAPTERS_DIR / prev / path.relative_to(base)
            if not mine.is_file():
                continue
            a, b = mine.read_text(), path.read_text()
            if a != b and without_markers(a) == without_markers(b):
                path.write_text(a)
                written.append(str(path.relative_to(root)))
    return written


def main(argv=None):
    ap = argparse.ArgumentParser(prog="lab.py", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("list", help="the labs, their points, files and tests")
    p.add_argument("--chapter")
    p = sub.add_parser("make", help="write a student tree for a chapter")
    p.add_argument("--chapter", required=True)
    p.add_argument("--dest", required=True)
    p.add_argument("--lab", action="append", help="stub only this lab (repeatable)")
    sub.add_parser("check", help="parse every marker")
    sub.add_parser("sync-copies", help="carry markers to the next chapter's identical copies")
    args = ap.parse_args(argv)
    try:
        every = labs()
    except MarkerError as e:
        print(f"lab: {e}", file=sys.stderr)
        return 1
    if args.cmd == "sync-copies":
        for f in sync_copies():
            print(f"lab: {f}: now carries the previous chapter's markers")
        return 0
    if args.cmd == "check":
        print(f"lab: {len(every)} labs in {len({lab.chapter for lab in every})} chapters")
        return 0
    if args.cmd == "list":
        ch = resolve_chapter(args.chapter) if args.chapter else None
        for lab in every:
            if ch and lab.chapter != ch:
                continue
            print(f"{lab.chapter}  {lab.name:<18} {lab.points:3d} points  "
                  f"{', '.join(lab.files)}")
        return 0
    ch = resolve_chapter(args.chapter)
    dest = Path(args.dest).resolve()
    if dest == ROOT or ROOT in dest.parents:
        print(f"lab: DEST={args.dest} is inside the repository; pick a directory "
              f"outside it, e.g. ../lab{ch[:2]}", file=sys.stderr)
        return 2
    if dest.exists() and any(dest.iterdir()):
        print(f"lab: {dest} exists and is not empty; refusing to overwrite it",
              file=sys.stderr)
        return 2
    done = make_student_tree(ch, dest, only=args.lab)
    print(f"lab: wrote the student tree for {ch} to {dest}")
    for lab in done:
        print(f"  {lab.name:<18} {lab.points:3d} points  {', '.join(lab.files)}")
    print(f"lab: then: cd {dest} && make grade CHAPTER={ch}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
