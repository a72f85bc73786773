# SPDX-License-Identifier: MIT
"""Serial output for the book, taken from real runs so it cannot drift.

A line at column 0, outside fenced code,

    @output CHAPTER [ARG ...] from "FIRST" to "LAST" [match "RE"] [skip "RE"]

boots CHAPTER under Bochs (ARGs form the multiboot command line, except
`model=NAME`, which picks Bochs's CPU model), and becomes a ```text block
with the COM1 lines from the first that starts with FIRST through the next
that starts with LAST. `match` keeps only lines matching RE; `skip` folds
each run of lines matching RE into one "..." line. Runs are cached under
build/book-runs/ by the content of the boot image, so an unchanged chapter
is not booted again. A run that does not produce the lines fails the build.
"""
import os
import re
import shlex
import sys

BOOK = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BOOK)
sys.path.insert(0, os.path.join(ROOT, "tools"))

OUTPUT = re.compile(r"@output\b(.*)$")
CACHE = os.path.join(ROOT, "build", "book-runs")
KEYWORDS = ("from", "to", "match", "skip")


class OutputError(Exception):
    """An @output line that is malformed or does not match its run."""


def parse(spec):
    """'03-ept scenario=x from "A" to "B"' -> (chapter, cmdline, model, options)."""
    words = shlex.split(spec)
    if not words:
        raise OutputError("no chapter named")
    chapter, args, options = words[0], [], {}
    i = 1
    while i < len(words) and words[i] not in KEYWORDS:
        args.append(words[i])
        i += 1
    while i < len(words):
        if words[i] not in KEYWORDS or i + 1 >= len(words):
            raise OutputError(f"expected one of {', '.join(KEYWORDS)} and a value "
                              f"at {words[i]!r}")
        options[words[i]] = words[i + 1]
        i += 2
    if "from" not in options or "to" not in options:
        raise OutputError("needs both from \"...\" and to \"...\"")
    model = next((a.split("=", 1)[1] for a in args if a.startswith("model=")), None)
    cmdline = " ".join(a for a in args if not a.startswith("model="))
    return chapter, cmdline, model, options


def serial_log(chapter, cmdline, model):
    """The COM1 lines of a run, booted only if this image was not run yet."""
    import stepvisor
    chapter = stepvisor.resolve_chapter(chapter)
    if stepvisor.is_host_chapter(chapter):  # chapter 7: runs on /dev/kvm in a second
        # One directory per process: parallel builds and tests run it too.
        work = os.path.join(CACHE, "work", f"{chapter}-{cmdline or 'normal'}-{os.getpid()}")
        r = stepvisor.run_host(chapter, cmdline, workdir=work)
        if r.verdict is None:
            raise OutputError(f"{chapter} {cmdline!r} ended without a verdict")
        return r.lines
    model = model or stepvisor.DEFAULT_BOCHS_MODEL
    iso = stepvisor.build_iso(chapter, cmdline)
    cached = os.path.join(CACHE, f"{os.path.basename(iso)}-{model}.log")
    if not os.path.exists(cached):
        # One directory per process: two test workers may boot the same run
        # at once, and each must read its own serial log.
        work = os.path.join(CACHE, "work", f"{os.path.basename(iso)}-{model}-{os.getpid()}")
        r = stepvisor.run_bochs(chapter, cmdline, cpu_model=model, workdir=work)
        if r.verdict is None:
            raise OutputError(f"{chapter} {cmdline!r} ended without a verdict")
        os.makedirs(CACHE, exist_ok=True)
        with open(cached + ".tmp", "w") as f:
            f.write("\n".join(r.lines) + "\n")
        os.replace(cached + ".tmp", cached)
    with open(cached) as f:
        return f.read().splitlines()


def prefetch(specs, workers=2):
    """Boots the runs that specs need, two at a time (the machine has two
    cores); malformed specs are left for render() to report."""
    from concurrent.futures import ThreadPoolExecutor
    runs = set()
    for spec in specs:
        try:
            chapter, cmdline, model, _ = parse(spec)
            runs.add((chapter, cmdline, model))
        except OutputError:
            pass
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for f in [pool.submit(serial_log, *run) for run in sorted(runs, key=str)]:
            try:
                f.result()
            except OutputError:
                pass  # render() reports it, with the file and line


def select(lines, options):
    """The lines between from and to, filtered as the options say."""
    start = next((i for i, l in enumerate(lines) if l.startswith(options["from"])), None)
    if start is None:
        raise OutputError(f"no line starts with {options['from']!r}")
    end = next((i for i in range(start, len(lines)) if lines[i].startswith(options["to"])),
               None)
    if end is None:
        raise OutputError(f"no line after {options['from']!r} starts with {options['to']!r}")
    picked = lines[start:end + 1]
    if "match" in options:
        rx = re.compile(options["match"])
        picked = [l for l in picked if rx.search(l)]
    if "skip" in options:
        rx, folded = re.compile(options["skip"]), []
        for l in picked:
            if rx.search(l):
                if not folded or folded[-1] != "...":
                    folded.append("...")
            else:
                folded.append(l)
        picked = folded
    return picked


def render(spec):
    """The fenced text block for one @output line."""
    chapter, cmdline, model, options = parse(spec)
    lines = select(serial_log(chapter, cmdline, model), options)
    return ["", "```text"] + lines + ["```", ""]
