"""Chapters that cannot drift: every file that differs from the previous
chapter's copy is declared, with its reason, in chapters/NN-name/CHANGES,
and every declared file differs (tools/changes.py). Also the size line:
what each chapter adds, against the budget."""
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import changes  # noqa: E402

CHAPTERS = changes.chapters()
PAIRS = list(zip(CHAPTERS, CHAPTERS[1:]))
# Chapters over the budget when it was set, with the lines they added then:
# such a chapter may shrink but not grow (and leaves this list once under).
OVER_BUDGET = {"02-vmcs": 2029}


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
    ceiling = OVER_BUDGET.get(chapter.name, changes.BUDGET)
    assert added <= ceiling, (f"{chapter.name} adds {added} lines; the budget is "
                              f"{changes.BUDGET}" + (f", and {ceiling} for this chapter"
                                                     if ceiling != changes.BUDGET else ""))
    if chapter.name in OVER_BUDGET:
        assert added > changes.BUDGET, (f"{chapter.name} is within the budget now: "
                                        f"take it out of OVER_BUDGET")


def _copy(tmp_path):
    root = tmp_path / "chapters"
    for ch in CHAPTERS[-2:]:
        shutil.copytree(ch, root / ch.name)
    return root


def test_check_fails_on_an_undeclared_edit(tmp_path):
    root = _copy(tmp_path)
    assert changes.check_all(root) == []
    last = changes.chapters(root)[-1]
    (last / "vmxon.c").write_text((last / "vmxon.c").read_text() + "/* drift */\n")
    assert changes.check_all(root) == [
        f"{last.name}/vmxon.c differs from {CHAPTERS[-2].name}/vmxon.c "
        f"but CHANGES does not say why"]


def test_check_fails_on_a_file_listed_but_unchanged(tmp_path):
    root = _copy(tmp_path)
    last = changes.chapters(root)[-1]
    with open(last / "CHANGES", "a", encoding="utf-8") as f:
        f.write("vmxon.c: a reason for a change that is not there\n")
    assert changes.check_all(root) == [
        f"{last.name}/CHANGES lists vmxon.c, which is the same as in {CHAPTERS[-2].name}"]


def test_check_fails_on_a_removed_file_and_a_missing_changes(tmp_path):
    root = _copy(tmp_path)
    last = changes.chapters(root)[-1]
    (last / "vmxon.c").unlink()
    assert changes.check_all(root) == [
        f"{last.name}/vmxon.c differs from {CHAPTERS[-2].name}/vmxon.c "
        f"but CHANGES does not say why"]
    (last / "CHANGES").unlink()
    assert changes.check_all(root) == [f"{last.name}: no CHANGES file"]


def test_stats_prints_a_row_per_chapter_and_longest_functions(capsys):
    changes.print_stats(changes.stats())
    out = capsys.readouterr().out.splitlines()
    assert out[0].split()[:4] == ["chapter", "lines", "added", "removed"]
    assert [row.split()[0] for row in out[1:1 + len(CHAPTERS)]] == [c.name for c in CHAPTERS]
    assert "longest functions among each chapter's added or changed files:" in out
    assert any(line.strip().endswith("01-vmxon/main.c:chapter_main") for line in out)
