# SPDX-License-Identifier: MIT
"""Chapters that cannot drift: every file that differs from the previous
chapter's copy is declared, with its reason, in chapters/NN-name/CHANGES,
and every declared file differs (tools/changes.py). Also the size line:
the lines of code each chapter adds (comments and blank lines aside),
against the budget."""
import io
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import changes  # noqa: E402

CHAPTERS = changes.chapters()
PAIRS = changes.pairs()
# The last pair of bare-metal chapters, each the copy of the one before:
# the tests below edit vmxon.c, which a host chapter (07-kvm) does not carry.
REGULAR = [(p, c) for p, c in PAIRS if (c / "vmxon.c").exists()][-1]
# The last regular pair whose chapter keeps the default budget.
DEFAULT_BUDGET = [(p, c) for p, c in PAIRS if (c / "vmxon.c").exists()
                  and changes.budget(c) == changes.BUDGET][-1]


@pytest.fixture(scope="session")
def images():
    """Overrides conftest's: this reads the sources only."""


@pytest.mark.parametrize("prev,chapter", PAIRS, ids=[c.name for _, c in PAIRS])
def test_changes_declares_exactly_the_files_that_differ(prev, chapter):
    added, removed = changes.counts(prev, chapter)
    print(f"{chapter.name}: +{added} -{removed} lines against {prev.name}")
    problems = changes.check(prev, chapter)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("prev,chapter", PAIRS, ids=[c.name for _, c in PAIRS])
def test_chapter_adds_at_most_the_budget(prev, chapter):
    added, _ = changes.counts(prev, chapter)
    loc = changes.code_added(prev, chapter)
    print(f"{chapter.name}: {loc} lines of code among {added} added")
    limit = changes.budget(chapter)
    assert loc <= limit, f"{chapter.name} adds {loc} lines of code; the budget is {limit}"


def test_code_lines_leave_out_comments_and_blank_lines(tmp_path):
    c = tmp_path / "x.c"
    c.write_text('/* a\n * comment */\nint x; /* c */\n// d\n'
                 'const char *s = "/* not a comment */";\n  /* e */ int y;\n'
                 "char q = '\"'; /* open\n still */ int w;\n\n")
    assert changes.code(c) == [False, False, True, False, True, True, True, True, False]
    asm = tmp_path / "x.asm"
    asm.write_text("; a comment\nbits 64 ; code\n\ndb ';', 0\n    ; indented\n")
    assert changes.code(asm) == [False, True, False, True, False]


def _copy(tmp_path, chs=REGULAR):
    root = tmp_path / "chapters"
    for ch in chs:
        shutil.copytree(ch, root / ch.name)
    return root


def test_check_fails_on_an_undeclared_edit(tmp_path):
    root = _copy(tmp_path)
    assert changes.check_all(root) == []
    last = changes.chapters(root)[-1]
    (last / "vmxon.c").write_text((last / "vmxon.c").read_text() + "/* drift */\n")
    assert changes.check_all(root) == [
        f"{last.name}/vmxon.c differs from {REGULAR[0].name}/vmxon.c "
        f"but CHANGES does not say why"]


def test_check_fails_on_a_file_listed_but_unchanged(tmp_path):
    root = _copy(tmp_path)
    last = changes.chapters(root)[-1]
    with open(last / "CHANGES", "a", encoding="utf-8") as f:
        f.write("vmxon.c: a reason for a change that is not there\n")
    assert changes.check_all(root) == [
        f"{last.name}/CHANGES lists vmxon.c, which is the same as in {REGULAR[0].name}"]


def test_budget_counts_code_and_can_fail(tmp_path):
    root = _copy(tmp_path, DEFAULT_BUDGET)
    prev, last = changes.chapters(root)
    before = changes.code_added(prev, last)
    comments = "".join(f"/* comment {i} */\n\n" for i in range(changes.BUDGET))
    (last / "vmxon.c").write_text((last / "vmxon.c").read_text() + comments)
    assert changes.code_added(prev, last) == before
    lines = "".join(f"int budget_{i};\n" for i in range(changes.BUDGET + 1 - before))
    (last / "vmxon.c").write_text((last / "vmxon.c").read_text() + lines)
    assert changes.code_added(prev, last) == changes.BUDGET + 1
    out = io.StringIO()
    changes.print_stats(changes.stats(root), out)
    assert out.getvalue().splitlines()[2].endswith(f"OVER BUDGET ({changes.BUDGET})")
    # A chapter may declare a bigger budget, with its reason, in CHANGES.
    with open(last / "CHANGES", "a") as f:
        f.write(f"# budget: {changes.BUDGET + 1} (a test)\n")
    assert changes.budget(last) == changes.BUDGET + 1
    out = io.StringIO()
    changes.print_stats(changes.stats(root), out)
    assert out.getvalue().splitlines()[2].endswith(f"(budget {changes.BUDGET + 1})")


def test_check_fails_on_a_removed_file_and_a_missing_changes(tmp_path):
    root = _copy(tmp_path)
    last = changes.chapters(root)[-1]
    (last / "vmxon.c").unlink()
    assert changes.check_all(root) == [
        f"{last.name}/vmxon.c differs from {REGULAR[0].name}/vmxon.c "
        f"but CHANGES does not say why"]
    (last / "CHANGES").unlink()
    assert changes.check_all(root) == [f"{last.name}: no CHANGES file"]


def test_stats_prints_a_row_per_chapter_and_longest_functions(capsys):
    changes.print_stats(changes.stats())
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:5] == ["chapter", "lines", "added", "removed", "code"]
    assert [row.split()[0] for row in out[1:1 + len(CHAPTERS)]] == [c.name for c in CHAPTERS]
    assert "longest functions among each chapter's added or changed files:" in out
    assert any(line.strip().endswith("01-vmxon/main.c:chapter_main") for line in out)


def test_changes_may_name_the_chapter_it_is_written_against(tmp_path):
    """07-kvm's CHANGES says "# against: 04-io": chapters 5 and 6 landing
    between them changes nothing; without the line the previous chapter
    is the base; a base that is no chapter is a problem, by name."""
    kvm, io = ROOT / "chapters" / "07-kvm", ROOT / "chapters" / "04-io"
    root = _copy(tmp_path, [io, kvm])
    assert changes.pairs(root) == [(root / "04-io", root / "07-kvm")]
    assert changes.check_all(root) == []
    # Stand-ins for the chapters to come: 5 adds a file, 6 copies 5.
    shutil.copytree(io, root / "05-irq")
    (root / "05-irq" / "irq.c").write_text("int irq;\n")
    (root / "05-irq" / "CHANGES").write_text("irq.c: interrupts\n")
    shutil.copytree(root / "05-irq", root / "06-linux")
    (root / "06-linux" / "CHANGES").write_text("# no changes\n")
    assert [(p.name, c.name) for p, c in changes.pairs(root)] == [
        ("04-io", "05-irq"), ("05-irq", "06-linux"), ("04-io", "07-kvm")]
    assert changes.check_all(root) == []
    text = (root / "07-kvm" / "CHANGES").read_text()
    (root / "07-kvm" / "CHANGES").write_text(text.replace("# against: 04-io\n", ""))
    assert changes.base(root / "07-kvm", changes.chapters(root)) == root / "06-linux"
    assert changes.check_all(root) == [
        "07-kvm/irq.c differs from 06-linux/irq.c but CHANGES does not say why"]
    (root / "07-kvm" / "CHANGES").write_text(text.replace("04-io", "03-nothing", 1))
    assert changes.check_all(root) == [
        "07-kvm/CHANGES is written against 03-nothing, which is no chapter"]
