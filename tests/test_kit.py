# SPDX-License-Identifier: MIT
"""The course kit: licenses and SPDX lines, the labs (LAB markers in the
chapters' code, tools/lab.py), their grader (tools/grade.py) and the
lecturers' guide. That the solution grades full marks is checked by
`make test` itself, from this suite's own results (grade.py --results)."""
import csv
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import grade  # noqa: E402
import lab  # noqa: E402
import spdx  # noqa: E402

PYTHON = "/usr/bin/python3"
LABS = lab.labs()
CHAPTERS = sorted({lb.chapter for lb in LABS})


def _build(tree):
    r = subprocess.run(["make", "images"], cwd=tree, capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


# --- licenses ----------------------------------------------------------------

def test_licenses_exist_and_the_readme_names_them():
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    book = (ROOT / "book" / "LICENSE").read_text()
    assert "CC-BY-SA-4.0" in book and "creativecommons.org/licenses/by-sa/4.0" in book
    readme = (ROOT / "README.md").read_text()
    assert "LICENSE" in readme and "CC BY-SA 4.0" in readme and "MIT" in readme


def test_every_source_file_has_its_spdx_line():
    bad = spdx.problems()
    assert not bad, "\n".join(bad[:20]) + "\n(python3 tools/spdx.py --fix adds them)"


def test_spdx_check_fails_on_a_file_without_the_line(tmp_path):
    (tmp_path / "common").mkdir()
    (tmp_path / "common" / "good.c").write_text("/* SPDX-License-Identifier: MIT */\nint x;\n")
    (tmp_path / "run.sh").write_text("#!/bin/sh\n# SPDX-License-Identifier: MIT\ntrue\n")
    (tmp_path / "book" / "src").mkdir(parents=True)
    (tmp_path / "book" / "src" / "01-x.md").write_text(
        "<!-- SPDX-License-Identifier: CC-BY-SA-4.0 -->\n# X\n")
    assert spdx.problems(tmp_path) == []
    (tmp_path / "common" / "bad.asm").write_text("bits 64\n")
    (tmp_path / "book" / "src" / "02-y.md").write_text(
        "<!-- SPDX-License-Identifier: MIT -->\n# Y\n")
    bad = spdx.problems(tmp_path)
    assert [b.split(":")[0] for b in bad] == ["book/src/02-y.md", "common/bad.asm"]
    spdx.fix(tmp_path)
    assert spdx.problems(tmp_path) == []
    assert (tmp_path / "common" / "bad.asm").read_text().startswith(
        "; SPDX-License-Identifier: MIT\n")


# --- the markers -----------------------------------------------------------

def test_each_chapter_has_3_to_5_labs_worth_100_points():
    # Every chapter comes with its labs, the host program (07-kvm) too.
    assert set(CHAPTERS) == set(lab.chapters()), set(lab.chapters()) - set(CHAPTERS)
    for ch in ("01-vmxon", "02-vmcs", "03-ept", "04-io", "05-irq", "06-linux", "07-kvm"):
        mine = [lb for lb in LABS if lb.chapter == ch]
        assert 3 <= len(mine) <= 5, (ch, [lb.name for lb in mine])
        assert sum(lb.points for lb in mine) == 100, ch


def test_each_lab_is_graded_by_tests_that_exist_and_stubs_fail_by_name():
    names = [lb.name for lb in LABS]
    assert len(names) == len(set(names))
    for lb in LABS:
        for t in lb.tests:
            path, name = t.split("::")
            source = (ROOT / "tests" / path).read_text()
            func = name.split("[")[0]
            m = re.search(rf"^((?:@.*\n)*)def {func}\(", source, re.M)
            assert m, f"{lb.name}: no test {t}"
            assert "needs_kvm" not in m.group(1), f"{lb.name}: {t} does not always run"
        stubs = "\n".join(line for r in lb.regions for line in r.stub)
        assert f'run_fail("lab {lb.name} is not done yet")' in stubs, lb.name


def test_grading_reads_a_junit_file_and_names_the_fail(tmp_path):
    # test_a ran in an xdist group (make test's --dist loadgroup names it so).
    x = tmp_path / "r.xml"
    x.write_text('<testsuites><testsuite>'
                 '<testcase classname="tests.test_ch01_vmxon" name="test_a@group-1"/>'
                 '<testcase classname="tests.test_ch01_vmxon" name="test_b">'
                 '<failure message="expected PASS">--- last 40 lines of COM1:\n'
                 'VMXON: ...\nFAIL: lab fixed-bits is not done yet</failure></testcase>'
                 '</testsuite></testsuites>')
    labs = [lab.Lab("a", "01-vmxon", 10, ["test_ch01_vmxon.py::test_a"]),
            lab.Lab("b", "01-vmxon", 20, ["test_ch01_vmxon.py::test_a",
                                          "test_ch01_vmxon.py::test_b"])]
    rows = grade.score(labs, grade.read_junit(x))
    assert [(r["score"], r["why"]) for r in rows] == [
        (10, ""), (0, "FAIL: lab fixed-bits is not done yet")]


def test_the_book_has_a_labs_section_per_chapter_with_each_lab_and_its_lines():
    for ch in CHAPTERS:
        page = next((ROOT / "book" / "src").glob(f"{ch[:2]}-*.md")).read_text()
        section = page.split("\n## Labs\n", 1)
        assert len(section) == 2, f"{ch}: no '## Labs' section"
        body = section[1].split("\n## ", 1)[0]
        for lb in (x for x in LABS if x.chapter == ch):
            assert f"### Lab {lb.name} ({lb.points} points)" in body, lb.name
        assert "```text" in body, f"{ch}: the Labs section shows no expected lines"
        # Each line shown is one the chapter's tests assert (strings joined),
        # in any of its test files (test_chNN_*.py).
        tests = re.sub(r'"\s*\n\s*"', "", "\n".join(
            f.read_text() for f in sorted((ROOT / "tests").glob(f"test_ch{ch[:2]}_*.py"))))
        for block in re.findall(r"```text\n(.*?)```", body, re.S):
            for line in block.splitlines():
                line = line.removeprefix("expected outcome: ")
                if "..." not in line:
                    assert line in tests, f"{ch}: the tests do not check {line!r}"


# --- the student trees --------------------------------------------------------

@pytest.mark.parametrize("chapter", CHAPTERS)
def test_student_tree_builds_warning_free(chapter, tmp_path):
    tree = tmp_path / "student"
    done = lab.make_student_tree(chapter, tree, seed_build=True)
    assert {lb.name for lb in done} == {lb.name for lb in LABS if lb.chapter == chapter}
    rc, out = _build(tree)
    assert rc == 0, out
    assert "warning" not in out.lower(), out
    for lb in done:
        for r in lb.regions:
            text = (tree / r.path).read_text()
            assert f"TODO(lab {lb.name})" in text
    shutil.rmtree(tree)


@pytest.mark.parametrize("name", [lb.name for lb in LABS])
def test_each_lab_alone_fails_by_name_and_only_its_region_matters(name, tmp_path):
    """The image with only this lab's regions stubbed: the lab's graded tests
    fail, the run ending with the lab's named FAIL (the suite itself shows
    they pass with the region restored, i.e. in the solution)."""
    ch = next(lb.chapter for lb in LABS if lb.name == name)
    tree = tmp_path / "one"
    lab.make_student_tree(ch, tree, only=[name], seed_build=True)
    r = subprocess.run([PYTHON, "tools/grade.py", "--chapter", ch, "--lab", name, "--json"],
                       cwd=tree, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    rows = grade.json.loads(r.stdout.strip().splitlines()[-1])
    assert len(rows) == 1 and rows[0]["score"] == 0, rows
    assert rows[0]["why"] == lab.fail_line(name), rows
    assert not any(passed for _, passed in rows[0]["tests"]), rows
    shutil.rmtree(tree)


def test_make_lab_then_make_grade_shows_zero_and_the_named_fails(tmp_path):
    dest = tmp_path / "lab2"
    r = subprocess.run(["make", "-s", "lab", "CHAPTER=2", f"DEST={dest}"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert not (dest / ".git").exists() and not (dest / "build").exists()
    # Our objects, older than the stubs: make rebuilds just the stubbed files.
    lab.seed_build_dir(ROOT, dest)
    r = subprocess.run(["make", "-s", "grade", "CHAPTER=2"], cwd=dest, capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout.splitlines()
    for lb in (x for x in LABS if x.chapter == "02-vmcs"):
        line = next(x for x in out if x.startswith(f"lab {lb.name} "))
        assert re.search(rf"FAIL \(0/{lb.points}\)  FAIL: lab [a-z-]+ is not done yet$", line)
    assert "Score: 0/100" in out
    # DEST inside the repository, or a tree already there, is refused.
    r = subprocess.run(["make", "-s", "lab", "CHAPTER=2", f"DEST={dest}"], cwd=ROOT,
                       capture_output=True, text=True)
    assert r.returncode != 0 and "not empty" in r.stderr
    shutil.rmtree(dest)


def test_grading_a_class_writes_a_csv(tmp_path):
    subs = tmp_path / "submissions"
    lab.copy_tree(ROOT, subs / "alice-solution")
    lab.make_student_tree("01-vmxon", subs / "bob-untouched")
    out = tmp_path / "scores.csv"
    r = subprocess.run([PYTHON, "tools/grade.py", "--class", str(subs), "--chapter", "1",
                        "--csv", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    rows = list(csv.reader(out.open()))
    names = [lb.name for lb in LABS if lb.chapter == "01-vmxon"]
    points = [lb.points for lb in LABS if lb.chapter == "01-vmxon"]
    assert rows[0] == ["submission"] + [f"{n} ({p})" for n, p in zip(names, points)] + [
        "total", "notes"]
    assert rows[1][:-1] == ["alice-solution"] + [str(p) for p in points] + ["100"]
    assert rows[1][-1] == ""
    assert rows[2][:-1] == ["bob-untouched"] + ["0"] * len(names) + ["0"]
    assert "FAIL: lab feature-control is not done yet" in rows[2][-1]


def test_sync_copies_carries_markers_to_a_chapter_copied_before_them(tmp_path):
    marked = ('/* SPDX-License-Identifier: MIT */\nint f(void)\n{\n'
              '    /* LAB f (10 points): return one.\n'
              '     * Graded by: test_ch01_a.py::test_f\n'
              '     * Student stub:\n'
              '     *     run_fail("lab f is not done yet");\n'
              '     */\n    return 1;\n    /* END LAB f */\n}\n')
    plain = "int f(void)\n{\n    return 1;\n}\n"
    for ch, text in (("01-a", marked), ("02-b", plain), ("03-c", plain.replace("1", "2"))):
        (tmp_path / "chapters" / ch).mkdir(parents=True)
        (tmp_path / "chapters" / ch / "f.c").write_text(text)
    assert lab.sync_copies(tmp_path) == ["chapters/02-b/f.c"]
    assert (tmp_path / "chapters" / "02-b" / "f.c").read_text() == marked
    assert (tmp_path / "chapters" / "03-c" / "f.c").read_text() == plain.replace("1", "2")
    (only,) = lab.labs(tmp_path)
    assert (only.name, only.chapter, only.points) == ("f", "01-a", 10)


def test_a_region_every_chapter_carries_is_marked_identically_in_each():
    seen = {}
    for ch in lab.chapters():
        for path in lab.source_files(ROOT, ch):
            rel = path.relative_to(ROOT / "chapters" / ch)
            lines = path.read_text().split("\n")
            for name, *_, region in lab.parse_file(path, path.relative_to(ROOT)):
                text = "\n".join(lines[region.start:region.end + 1])
                first = seen.setdefault((name, str(rel), region.stub[-1]), (ch, text))
                assert text == first[1], f"LAB {name} in {ch}/{rel} differs from {first[0]}'s"
    home = {lb.name: lb.chapter for lb in LABS}
    for (name, rel, _), (ch, _) in seen.items():
        assert home[name] == ch, (name, rel)
