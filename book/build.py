#!/usr/bin/python3
"""Build the stepvisor book: book/src/*.md -> build/book/*.html.

    python3 book/build.py            expand @include lines, run pandoc
    python3 book/build.py --check    only resolve every @include and @output

A line `@include PATH[:SYMBOL]` at column 0, outside fenced code, is
replaced by a fenced code block holding that excerpt of the real source
(see excerpt.py) and a caption naming the file. PATH is relative to the
repository root. A line `@output CHAPTER ... from "A" to "B"` becomes the
serial output of a real run (see output.py). A reference that does not
resolve fails the build.
Standard library only; pandoc does the Markdown.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

BOOK = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BOOK)
sys.path.insert(0, BOOK)
from excerpt import extract  # noqa: E402
from output import OUTPUT, OutputError, prefetch, render  # noqa: E402

INCLUDE = re.compile(r"@include\b(.*)$")
SPEC = re.compile(r"\s+([^\s:]+)(?::(.+))?\s*$")
FENCE = re.compile(r"(`{3,}|~{3,})")
LANGS = {".c": "c", ".h": "c", ".asm": "nasm", ".S": "gnuassembler",
         ".s": "gnuassembler", ".py": "python", ".sh": "bash", ".ld": "text"}


def language(path):
    name = os.path.basename(path)
    if name == "Makefile" or name.endswith(".mk"):
        return "makefile"
    return LANGS.get(os.path.splitext(name)[1], "text")


def code_lines(lines):
    """Yield (index, line, in_fence) for each line of a Markdown file."""
    fence = None
    for i, line in enumerate(lines):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            yield i, line, True
        elif fence is not None:
            if m and m.group(1)[0] == fence[0] and \
                    len(m.group(1)) >= len(fence) and \
                    not line[len(m.group(1)):].strip():
                fence = None
            yield i, line, True
        else:
            yield i, line, False


def expand(text, md_name, root=ROOT):
    """Replace every @include line in `text`; return (text, errors)."""
    out, errors = [], []
    for i, line, in_fence in code_lines(text.splitlines()):
        run = None if in_fence else OUTPUT.match(line)
        if run:
            try:
                out += render(run.group(1))
            except OutputError as e:
                errors.append(f"book: {md_name}:{i + 1}: @output: {e}")
            continue
        m = None if in_fence else INCLUDE.match(line)
        if not m:
            out.append(line)
            continue
        spec = SPEC.match(m.group(1))
        if not spec:
            errors.append(f"book: {md_name}:{i + 1}: malformed @include")
            continue
        path, symbol = spec.group(1), (spec.group(2) or "").strip()
        try:
            code = extract(os.path.join(root, path), symbol)
        except LookupError:
            what = f"{symbol} in {path}" if symbol else path
            errors.append(f"book: {md_name}:{i + 1}: cannot find {what}")
            continue
        ticks = max([len(r) for r in re.findall(r"`+", code)] + [2]) + 1
        fence = "`" * ticks
        out += ["", fence + language(path), code, fence, "",
                "::: from", f"*From `{path}`*", ":::", ""]
    return "\n".join(out) + "\n", errors


def split_title(text, md_name):
    """Return (title, body): the first `# ` heading, and the text without it.

    The title goes to pandoc as metadata, which the standalone template
    prints as the page's heading, so the body must not repeat it.
    """
    lines = text.splitlines()
    for i, line, in_fence in code_lines(lines):
        if not in_fence and line.startswith("# "):
            title = re.sub(r"\s*\{[^}]*\}\s*$", "", line[2:]).strip()
            title = title.replace("`", "")  # pandoc takes it as plain text
            return title, "\n".join(lines[:i] + lines[i + 1:]) + "\n"
    raise SystemExit(f"book: {md_name}:1: no '# ' heading for the title")


def pandoc(markdown, title, out_path):
    exe = shutil.which("pandoc") or "/usr/bin/pandoc"
    cmd = [exe, "--from=markdown", "--to=html5", "--standalone",
           "--fail-if-warnings", "--css=style.css",
           "--metadata", f"title={title}",
           "--metadata", "lang=en",
           "--output", out_path]
    try:
        r = subprocess.run(cmd, input=markdown, text=True,
                           capture_output=True)
    except FileNotFoundError:
        raise SystemExit("book: pandoc not found (install pandoc)")
    if r.stderr.strip():
        sys.stderr.write(r.stderr)
    if r.returncode != 0:
        raise SystemExit(f"book: pandoc failed on {out_path}")


def nav(chapters, i):
    """A footer linking the previous chapter, the contents and the next."""
    links = []
    if i > 0:
        links.append(f"[← {chapters[i - 1][1]}]({chapters[i - 1][0]})")
    links.append("[Contents](index.html)")
    if i + 1 < len(chapters):
        links.append(f"[{chapters[i + 1][1]} →]({chapters[i + 1][0]})")
    return "\n\n::: {.nav}\n" + " · ".join(links) + "\n:::\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="only resolve @include lines; run no pandoc")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "book"),
                    help="output directory (default: build/book)")
    args = ap.parse_args()

    src = os.path.join(BOOK, "src")
    names = sorted(n for n in os.listdir(src) if n.endswith(".md"))
    specs = []
    for name in names:
        with open(os.path.join(src, name), encoding="utf-8") as f:
            specs += [m.group(1) for _, line, fenced in code_lines(f.read().splitlines())
                      if not fenced for m in [OUTPUT.match(line)] if m]
    prefetch(specs)
    pages, errors, count = [], [], 0
    for name in names:
        md_name = os.path.relpath(os.path.join(src, name), ROOT)
        with open(os.path.join(src, name), encoding="utf-8") as f:
            text = f.read()
        count += sum(1 for _, line, fenced in code_lines(text.splitlines())
                     if not fenced and INCLUDE.match(line))
        body, errs = expand(text, md_name)
        errors += errs
        title, body = split_title(body, md_name)
        pages.append((name[:-3] + ".html", title, body))
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        return 1
    if args.check:
        print(f"book: {len(names)} files, {count} excerpts resolved")
        return 0

    os.makedirs(args.out, exist_ok=True)
    for old in os.listdir(args.out):
        if old.endswith(".html"):
            os.remove(os.path.join(args.out, old))
    shutil.copy(os.path.join(BOOK, "style.css"), args.out)
    chapters = [(html, title) for html, title, _ in pages]
    for i, (html, title, body) in enumerate(pages):
        pandoc(body + nav(chapters, i), title, os.path.join(args.out, html))
    toc = ""
    for html, title in chapters:
        num = html.split("-", 1)[0].lstrip("0")
        toc += f"- <span class=\"num\">{num}</span> [{title}]({html})\n"
    pandoc("::: {.toc}\n" + toc + ":::\n", "stepvisor",
           os.path.join(args.out, "index.html"))
    print(f"book: {len(pages)} chapters, {count} excerpts -> "
          f"{os.path.relpath(args.out, ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
