#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Each chapter is a copy of the one before plus one lesson, and says which
files its lesson touches in chapters/NN-name/CHANGES, one line per file
added, changed or removed: "path: reason" (blank lines and # comments
aside). A chapter is compared with the one before it in sorted order,
unless its CHANGES names another: a line "# against: NN-name" (chapter 7,
a user-space VMM, builds on chapter 4, not on 5 and 6). check() finds
where a chapter and its CHANGES disagree; stats() prints lines per
chapter, lines each adds and removes, and the longest functions.

    changes.py check      every chapter against the one before (exit 1 on a problem)
    changes.py stats      the size line (make stats)
"""
import difflib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
CHANGES = "CHANGES"
AGAINST = re.compile(r"# against: (\S+)")
BUDGET = 1500  # lines of code a chapter may add: comments and blank lines are free
# A chapter whose lesson is bigger says so in its CHANGES, with the reason:
# "# budget: N (why)". Chapter 6 (a whole PC for an unmodified Linux) does.
BUDGET_LINE = re.compile(r"# budget: (\d+) \(.+\)")
LONGEST = 5    # functions listed per chapter


def chapters(root=CHAPTERS):
    return sorted(p for p in root.iterdir() if p.is_dir() and re.match(r"\d\d-", p.name))


def base(chapter, chs):
    """The chapter that chapter's CHANGES is written against: the one its
    "# against: NAME" line names (a path that does not exist if NAME is no
    chapter: check() then says so), else the one before it in chs."""
    path = chapter / CHANGES
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            m = AGAINST.fullmatch(line.strip())
            if m:
                return chapter.parent / m.group(1)
    return chs[chs.index(chapter) - 1]


def budget(chapter):
    """The lines of code chapter may add: BUDGET unless its CHANGES declares
    another with a reason."""
    path = chapter / CHANGES
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            m = BUDGET_LINE.fullmatch(line.strip())
            if m:
                return int(m.group(1))
    return BUDGET


def pairs(root=CHAPTERS):
    """(base, chapter) for every chapter but the first."""
    chs = chapters(root)
    return [(base(ch, chs), ch) for ch in chs[1:]]


def files(chapter):
    """Paths of a chapter's files, relative to it; CHANGES itself aside."""
    return {p.relative_to(chapter).as_posix() for p in chapter.rglob("*")
            if p.is_file() and p.name != CHANGES}


def declared(chapter):
    """{path: reason} from the chapter's CHANGES; ValueError on a bad line."""
    out = {}
    text = (chapter / CHANGES).read_text(encoding="utf-8")
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = re.fullmatch(r"(\S+): (\S.*)", line)
        if not m:
            raise ValueError(f"{chapter.name}/{CHANGES}:{n}: not 'path: reason': {line!r}")
        if m.group(1) in out:
            raise ValueError(f"{chapter.name}/{CHANGES}:{n}: {m.group(1)} listed twice")
        out[m.group(1)] = m.group(2)
    return out


def _lines(path):
    return path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []


def differing(prev, chapter):
    """Files added, changed or removed from prev to chapter."""
    a, b = files(prev), files(chapter)
    return sorted((a ^ b) | {f for f in a & b
                             if (prev / f).read_bytes() != (chapter / f).read_bytes()})


def counts(prev, chapter):
    """Lines added and removed from prev to chapter, as diff counts them."""
    added = removed = 0
    for f in differing(prev, chapter):
        for line in difflib.unified_diff(_lines(prev / f), _lines(chapter / f), lineterm="", n=0):
            if line.startswith("+") and not line.startswith("+++"):
                added += 1
            elif line.startswith("-") and not line.startswith("---"):
                removed += 1
    return added, removed


def _added_indices(a, b):
    """Indices into b of the lines diff counts as added from a to b (the
    same opcodes unified_diff groups into hunks)."""
    ops = difflib.SequenceMatcher(None, a, b).get_opcodes()
    return [j for tag, _, _, j1, j2 in ops if tag in ("replace", "insert") for j in range(j1, j2)]


def _strip_c(text):
    """C text with its comments removed (string and character literals
    kept, so a "//" in a string is not a comment); newlines stay where
    they were, so line n of the result is line n of the source."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("\n" * text.count("\n", i, end))
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _strip_asm(line):
    """A NASM line without its ; comment (a ; inside quotes is kept)."""
    quote = None
    for k, c in enumerate(line):
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"`":
            quote = c
        elif c == ";":
            return line[:k]
    return line


def code(path):
    """For each line of path, whether it holds code: not blank, and not
    only a comment (C's /* */ and //, NASM's ;)."""
    lines = _lines(path)
    if path.suffix in (".c", ".h"):
        stripped = _strip_c("\n".join(lines)).split("\n")
    elif path.suffix == ".asm":
        stripped = [_strip_asm(line) for line in lines]
    else:
        stripped = lines
    return [bool(s.strip()) for s in stripped]


def code_added(prev, chapter):
    """Lines of code (code()) among the lines counts() counts as added."""
    total = 0
    for f in differing(prev, chapter):
        is_code = code(chapter / f)
        total += sum(is_code[j] for j in _added_indices(_lines(prev / f), _lines(chapter / f)))
    return total


def check(prev, chapter):
    """The problems with chapter's CHANGES against prev, as sentences."""
    if not (chapter / CHANGES).exists():
        return [f"{chapter.name}: no {CHANGES} file"]
    if not prev.is_dir():
        return [f"{chapter.name}/{CHANGES} is written against {prev.name}, which is no chapter"]
    try:
        listed = declared(chapter)
    except ValueError as e:
        return [str(e)]
    differ = set(differing(prev, chapter))
    problems = [f"{chapter.name}/{f} differs from {prev.name}/{f} but {CHANGES} does not say why"
                for f in sorted(differ - set(listed))]
    problems += [f"{chapter.name}/{CHANGES} lists {f}, which is the same as in {prev.name}"
                 for f in sorted(set(listed) - differ)]
    return problems


def check_all(root=CHAPTERS):
    return [p for prev, ch in pairs(root) for p in check(prev, ch)]


FUNCTION = re.compile(r"^(?:static\s+)?(?:noreturn\s+)?[A-Za-z_][\w\s\*]*?\b(\w+)\(")


def functions(path):
    """(name, lines) of each C function defined in path: a definition starts
    at column 0 and its body ends at the first '}' in column 0."""
    out, name, start = [], None, 0
    for n, line in enumerate(_lines(path)):
        m = FUNCTION.match(line)
        if m and not line.rstrip().endswith(";") and name is None:
            name, start = m.group(1), n
        elif line.startswith("}") and name is not None:
            out.append((name, n - start + 1))
            name = None
        elif name is not None and line.startswith("#"):
            name = None
    return out


def stats(root=CHAPTERS):
    """The size line: one row per chapter, then its longest new functions."""
    chs = chapters(root)
    rows = []
    for i, ch in enumerate(chs):
        total = sum(len(_lines(ch / f)) for f in files(ch))
        if i == 0:
            added, removed, touched = total, 0, sorted(files(ch))
            loc = sum(sum(code(ch / f)) for f in touched)
        else:
            prev = base(ch, chs)
            added, removed = counts(prev, ch)
            loc = code_added(prev, ch)
            touched = differing(prev, ch)
        longest = sorted(((n, f"{ch.name}/{f}:{name}") for f in touched if f.endswith(".c")
                          for name, n in functions(ch / f)), reverse=True)[:LONGEST]
        rows.append((ch.name, total, added, removed, loc, longest, budget(ch)))
    return rows


def print_stats(rows, out=None):
    out = out or sys.stdout
    print(f"{'chapter':<12} {'lines':>6} {'added':>6} {'removed':>8} {'code':>6}"
          f"   (code: lines of code among those added; budget: {BUDGET} unless "
          "CHANGES says)", file=out)
    for name, total, added, removed, loc, _, limit in rows:
        over = f"  OVER BUDGET ({limit})" if loc > limit else ""
        own = f"  (budget {limit})" if limit != BUDGET and not over else ""
        print(f"{name:<12} {total:>6} {added:>6} {removed:>8} {loc:>6}{over}{own}", file=out)
    print("longest functions among each chapter's added or changed files:", file=out)
    for name, _, _, _, _, longest, _ in rows:
        for n, where in longest:
            print(f"  {n:>4} lines  {where}", file=out)


def main(argv):
    if argv[1:] == ["check"]:
        problems = check_all()
        for p in problems:
            print(p)
        return 1 if problems else 0
    if argv[1:] == ["stats"]:
        print_stats(stats())
        return 0
    print(__doc__.strip())
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
