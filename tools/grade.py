# SPDX-License-Identifier: MIT
"""make grade: a chapter's labs, scored by the suite's own tests.

Each lab (tools/lab.py: the LAB markers in the chapter's code) names the
tests that grade it ("Graded by:"); they are the same Bochs boots and exact
lines `make test` checks. A lab scores its points when all of its tests
pass, else 0, and names the FAIL line the run ended with.

    grade.py --chapter N [--lab NAME] [--json]   run the tests here and score
    grade.py --results FILE [--chapter N] [--require-full]
                              score from a JUnit XML of a suite already run
                              (make test: no boot twice); all chapters unless
                              --chapter; exit 1 short of full marks with
                              --require-full
    grade.py --class DIR --chapter N --csv OUT
                              grade every submission in DIR (one student tree
                              each) and write one CSV row per submission

A submission is graded with this tree's tests, tools and common code: only
its chapters/NN-name/ directory is taken from the submission.
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import lab as labs_mod  # noqa: E402

PYTHON = "/usr/bin/python3"
GRADE_DIR = ROOT / "build" / "grade"


def node_key(nodeid):
    """'test_ch01_vmxon.py::test_x[p]' -> ('test_ch01_vmxon', 'test_x[p]')."""
    path, _, name = nodeid.partition("::")
    return Path(path).stem, name


def read_junit(path):
    """{(module, test name): (passed, message)} from a JUnit XML file."""
    results = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        module = case.get("classname", "").split(".")[-1]
        bad = [c for c in case if c.tag in ("failure", "error", "skipped")]
        message = ""
        if bad:
            message = (bad[0].get("message") or "") + "\n" + (bad[0].text or "")
        # pytest-xdist's loadgroup appends "@group" to a grouped test's name.
        key = (module, re.sub(r"@[\w-]+$", "", case.get("name", "")))
        passed = not bad and results.get(key, (True, ""))[0]
        results[key] = (passed, message if bad else results.get(key, (True, ""))[1])
    return results


def named_fail(message):
    """The run's verdict line, FAIL: ..., from a failed test's message (the
    harness shows the COM1 tail); else the message's first line."""
    fails = re.findall(r"^(FAIL: .*)$", message, re.M)
    if fails:
        return fails[-1]
    verdict = re.search(r"verdict was '(FAIL: [^']*)'", message)
    if verdict:
        return verdict.group(1)
    first = message.strip().splitlines()
    return first[0] if first else "the test did not pass"


def score(labs, results):
    """[{lab, points, score, tests: [(nodeid, passed)], why}] for the labs."""
    rows = []
    for lab in labs:
        tests, whys = [], []
        for t in lab.tests:
            passed, message = results.get(node_key(t), (False, "not run"))
            tests.append((t, passed))
            if not passed:
                whys.append(named_fail(message) if message != "not run"
                            else f"{t} was not run")
        # The run's own FAIL line says most; a test's assertion otherwise.
        why = next((w for w in whys if w.startswith("FAIL: ")), whys[0] if whys else "")
        ok = all(p for _, p in tests)
        rows.append({"lab": lab.name, "chapter": lab.chapter, "points": lab.points,
                     "score": lab.points if ok else 0, "tests": tests, "why": why})
    return rows


def report(chapter, rows, out=sys.stdout):
    """xv6-style: a line per lab, its tests under it, then the total."""
    print(f"== {chapter}: {len(rows)} labs ==", file=out)
    width = max([len(r["lab"]) for r in rows] + [10])
    for r in rows:
        verdict = "OK" if r["score"] == r["points"] else "FAIL"
        print(f"lab {r['lab']:<{width}}  {verdict:<4} ({r['score']}/{r['points']})"
              + (f"  {r['why']}" if r["why"] else ""), file=out)
        for t, passed in r["tests"]:
            print(f"    {'ok  ' if passed else 'FAIL'} {t}", file=out)
    got = sum(r["score"] for r in rows)
    total = sum(r["points"] for r in rows)
    print(f"Score: {got}/{total}", file=out)
    return got, total


def build(root):
    """make images in root; (ok, output)."""
    r = subprocess.run(["make", "-s", "images"], cwd=root, capture_output=True, text=True)
    return r.returncode == 0, r.stdout + r.stderr


def run_tests(root, nodeids, junit):
    """Runs the node ids with root's pytest harness into a JUnit XML file."""
    junit.parent.mkdir(parents=True, exist_ok=True)
    if junit.exists():
        junit.unlink()
    ids = sorted(set(nodeids))
    subprocess.run([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                    "-p", "no:xdist", f"--junitxml={junit}"]
                   + [f"tests/{i}" for i in ids], cwd=root, capture_output=True, text=True)
    return read_junit(junit) if junit.exists() else {}


def grade_tree(root, chapter, only=None):
    """Builds root and runs chapter's graded tests there: (rows, build_error)."""
    labs = [lab for lab in labs_mod.chapter_labs(chapter, root)
            if only is None or lab.name in only]
    ok, output = build(root)
    if not ok:
        lines = [ln for ln in output.splitlines() if "error" in ln] or output.splitlines()
        why = "the build failed: " + (lines[0] if lines else "make images")
        return [{"lab": lab.name, "chapter": chapter, "points": lab.points, "score": 0,
                 "tests": [(t, False) for t in lab.tests], "why": why} for lab in labs], output
    results = run_tests(root, [t for lab in labs for t in lab.tests],
                        root / "build" / "grade" / f"{chapter}.xml")
    return score(labs, results), ""


def copy_submission(sub, dest, chapter):
    """dest: this tree (build seeded), with chapters/<chapter> from sub.
    Files identical to ours keep our modification time, so only what the
    student changed is rebuilt."""
    if dest.exists():
        shutil.rmtree(dest)
    labs_mod.copy_tree(ROOT, dest, seed_build=True)
    ours, theirs = ROOT / "chapters" / chapter, sub / "chapters" / chapter
    if not theirs.is_dir():
        return f"no chapters/{chapter} in the submission"
    shutil.rmtree(dest / "chapters" / chapter)
    for path in sorted(theirs.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(theirs)
        target = dest / "chapters" / chapter / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        mine = ours / rel
        if mine.is_file() and mine.read_bytes() == path.read_bytes():
            shutil.copy2(mine, target)
        else:
            shutil.copyfile(path, target)
            os.utime(target)
    return ""


def grade_class(directory, chapter, csv_path):
    subs = sorted(p for p in Path(directory).iterdir() if p.is_dir())
    labs = labs_mod.chapter_labs(chapter)
    rows_out = []
    for sub in subs:
        scratch = GRADE_DIR / "class" / sub.name
        problem = copy_submission(sub.resolve(), scratch, chapter)
        if problem:
            rows = [{"lab": lab.name, "score": 0, "points": lab.points, "why": problem}
                    for lab in labs]
        else:
            rows, _ = grade_tree(scratch, chapter)
        got = sum(r["score"] for r in rows)
        total = sum(r["points"] for r in rows)
        why = "; ".join(f"{r['lab']}: {r['why']}" for r in rows if r["why"])
        print(f"{sub.name}: {got}/{total}" + (f"  ({why})" if why else ""))
        rows_out.append([sub.name] + [r["score"] for r in rows] + [got, why])
        shutil.rmtree(scratch, ignore_errors=True)
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["submission"] + [f"{lab.name} ({lab.points})" for lab in labs]
                   + ["total", "notes"])
        w.writerows(rows_out)
    print(f"grade: {len(subs)} submission(s) -> {csv_path}")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(prog="grade.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("--chapter")
    ap.add_argument("--lab", action="append", help="grade only this lab (repeatable)")
    ap.add_argument("--results", help="a JUnit XML file of a suite already run")
    ap.add_argument("--require-full", action="store_true")
    ap.add_argument("--json", action="store_true", help="print the scores as JSON")
    ap.add_argument("--class", dest="klass", metavar="DIR")
    ap.add_argument("--csv")
    args = ap.parse_args(argv)
    try:
        every = labs_mod.labs()
    except labs_mod.MarkerError as e:
        print(f"grade: {e}", file=sys.stderr)
        return 2
    chapter = labs_mod.resolve_chapter(args.chapter) if args.chapter else None

    if args.klass:
        if not chapter or not args.csv:
            ap.error("--class needs --chapter and --csv")
        return grade_class(args.klass, chapter, args.csv)

    if args.results:
        results = read_junit(args.results)
        chapters = [chapter] if chapter else sorted({lab.chapter for lab in every})
        short = False
        for ch in chapters:
            rows = score([lab for lab in every if lab.chapter == ch
                          and (not args.lab or lab.name in args.lab)], results)
            got, total = report(ch, rows)
            short |= got < total
        if short and args.require_full:
            print("grade: the solution must score full marks in every chapter",
                  file=sys.stderr)
            return 1
        return 0

    if not chapter:
        ap.error("--chapter is needed (or --results)")
    if args.lab:
        unknown = set(args.lab) - {lab.name for lab in every if lab.chapter == chapter}
        if unknown:
            ap.error(f"{chapter} has no lab {', '.join(sorted(unknown))}")
    rows, build_output = grade_tree(ROOT, chapter, only=args.lab)
    if build_output:
        print(build_output.rstrip())
    if args.json:
        print(json.dumps(rows))
    else:
        report(chapter, rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
