#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Build the stepvisor book: book/src/*.md -> build/book/ (HTML and PDF).

    python3 book/build.py            HTML pages, source pages, figures, PDF
    python3 book/build.py --no-pdf   the same without the PDF
    python3 book/build.py --check    only resolve every reference

Pages, in order: preface.md (unnumbered), introduction.md (chapter 0),
NN-name.md (chapter N, explaining chapters/NN-name), glossary.md and
bibliography.md (unnumbered). In a page, at column 0 outside fenced code:

    @include PATH[:SYMBOL]   a code excerpt of the real source (excerpt.py),
                             with its line numbers, captioned with the symbol
                             and linked to a source page of the whole file
    @output CHAPTER ...      serial output of a real run (output.py)
    @chart KIND CHAPTER      a figure drawn from a real run or the code (charts.py)
    @sdm-table               where each cited Intel SDM title is (sdm.py)
    ![Caption](figures/NAME.svg)
                             a figure drawn by the build from
                             book/figures/NAME.dot (Graphviz) or copied from
                             book/figures/NAME.svg; numbered "Figure N.k"

A reference that does not resolve fails the build. Pandoc does the
Markdown, Graphviz the figures, WeasyPrint the PDF (pdf.py).
"""

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

BOOK = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BOOK)
sys.path.insert(0, BOOK)
from excerpt import locate  # noqa: E402
from output import OUTPUT, OutputError, prefetch, render  # noqa: E402
import charts  # noqa: E402
import sdm  # noqa: E402

INCLUDE = re.compile(r"@include\b(.*)$")
SPEC = re.compile(r"\s+([^\s:]+)(?::(.+))?\s*$")
FENCE = re.compile(r"(`{3,}|~{3,})")
FIGURE = re.compile(r"!\[(.*)\]\(figures/([\w-]+)\.svg\)\s*$")
CHAPTER_NAME = re.compile(r"(\d\d)-[\w-]+\.md$")
LANGS = {".c": "c", ".h": "c", ".asm": "nasm", ".S": "gnuassembler",
         ".s": "gnuassembler", ".py": "python", ".sh": "bash", ".ld": "text"}
# The machine has two cores.
PANDOC_JOBS = 2
FRONT = ("preface", "introduction")
BACK = ("glossary", "bibliography")
# Width classes: a code block whose longest line has W columns gets class
# wN (N = W rounded up to ten), which style.css uses to size it in print.
WIDTHS = range(60, 210, 10)
# In print, a line of W characters of DejaVu Sans Mono (0.602 em each) fits
# the A4 text width (210 mm less 2 x 16 mm margins = 504 pt) at 504/0.602/W
# points; no block is set larger than PRINT_MAX_PT.
PRINT_LINE_PT = 504 / 0.602
PRINT_MAX_PT = 8.5
# Columns a line-number gutter and the block's padding take.
GUTTER = 6


def language(path):
    name = os.path.basename(path)
    if name == "Makefile" or name.endswith(".mk"):
        return "makefile"
    return LANGS.get(os.path.splitext(name)[1], "text")


def closes(fence, line):
    """True if `line` closes a block opened by the fence string `fence`."""
    m = FENCE.match(line)
    return bool(m) and m.group(1)[0] == fence[0] and \
        len(m.group(1)) >= len(fence) and not line[len(m.group(1)):].strip()


def code_lines(lines):
    """Yield (index, line, in_fence) for each line of a Markdown file."""
    fence = None
    for i, line in enumerate(lines):
        m = FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)
            yield i, line, True
        elif fence is not None:
            if closes(fence, line):
                fence = None
            yield i, line, True
        else:
            yield i, line, False


def source_page(path):
    """The book-relative URL of the source page showing `path`."""
    return f"src/{path}.html"


def expand(text, md_name, root=ROOT, sources=None):
    """Replace every @include and @output line; return (text, errors).

    `sources`, if given, collects the repository paths excerpted.
    """
    out, errors = [], []
    for i, line, in_fence in code_lines(text.splitlines()):
        run = None if in_fence else OUTPUT.match(line)
        if run:
            try:
                out += render(run.group(1))
            except OutputError as e:
                errors.append(f"book: {md_name}:{i + 1}: @output: {e}")
            continue
        if not in_fence and line.strip() == "@sdm-table":
            out += ["", sdm.table_markdown()]
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
            code, first, last = locate(os.path.join(root, path), symbol)
        except LookupError:
            what = f"{symbol} in {path}" if symbol else path
            errors.append(f"book: {md_name}:{i + 1}: cannot find {what}")
            continue
        if sources is not None:
            sources.add(path)
        ticks = max([len(r) for r in re.findall(r"`+", code)] + [2]) + 1
        fence = "`" * ticks
        name = f"`{symbol}` in " if symbol else ""
        out += ["", f'{fence}{{.{language(path)} .numberLines startFrom="{first}"}}',
                code, fence, "",
                "::: from",
                f"{name}[`{path}`, lines {first}–{last}]({source_page(path)}#L-{first})",
                ":::", ""]
    return "\n".join(out) + "\n", errors


def width_class(lines, numbered):
    """The wN class for a code block holding `lines`."""
    w = max([len(l.expandtabs(8)) for l in lines] + [0]) + (GUTTER if numbered else 2)
    return f"w{min(max(-(-w // 10) * 10, WIDTHS[0]), WIDTHS[-1])}"


def size_blocks(text):
    """Give every fenced block a width class (see WIDTHS)."""
    lines = text.splitlines()
    fence, start = None, None
    for i, line in enumerate(lines):
        m = FENCE.match(line)
        if fence is None and m:
            fence, start = m.group(1), i
        elif fence is not None and closes(fence, line):
            info = lines[start][len(fence):].strip()
            cls = width_class(lines[start + 1:i], "numberLines" in info)
            if info.startswith("{"):
                info = info[:-1].rstrip() + f" .{cls}}}"
            elif info:
                info = f"{{.{info} .{cls}}}"
            else:
                info = f"{{.{cls}}}"
            lines[start] = fence + info
            fence = None
    return "\n".join(lines) + "\n"


def print_widths():
    """CSS that sets each width class small enough to fit a printed line."""
    rules = [f"  pre.w{w} {{ font-size: {min(PRINT_MAX_PT, PRINT_LINE_PT / w):.2f}pt; }}"
             for w in WIDTHS]
    return "\n/* Generated by build.py: print sizes by width class. */\n" \
        "@media print {\n" + "\n".join(rules) + "\n}\n"


def split_title(text, md_name):
    """Return (title, body): the first `# ` heading, and the text without it.

    The title goes to pandoc as metadata, which the template prints as the
    page's heading, so the body must not repeat it.
    """
    lines = text.splitlines()
    for i, line, in_fence in code_lines(lines):
        if not in_fence and line.startswith("# "):
            title = re.sub(r"\s*\{[^}]*\}\s*$", "", line[2:]).strip()
            title = title.replace("`", "")  # pandoc takes it as plain text
            return title, "\n".join(lines[:i] + lines[i + 1:]) + "\n"
    raise SystemExit(f"book: {md_name}:1: no '# ' heading for the title")


def figures(text, md_name, number, figdir, errors):
    """Number the figures and draw the @chart ones; return the new text."""
    out, k = [], 0
    for i, line, in_fence in code_lines(text.splitlines()):
        chart = None if in_fence else charts.CHART.match(line)
        fig = None if in_fence else FIGURE.match(line)
        if chart:
            try:
                name, svg, caption = charts.render(chart.group(1))
            except (OutputError, OSError) as e:
                errors.append(f"book: {md_name}:{i + 1}: @chart: {e}")
                continue
            if figdir:
                with open(os.path.join(figdir, name), "w") as f:
                    f.write(svg)
            line = f"![{caption}](figures/{name})"
        elif fig:
            name = fig.group(2)
            if not any(os.path.exists(os.path.join(BOOK, "figures", name + ext))
                       for ext in (".dot", ".svg")):
                errors.append(f"book: {md_name}:{i + 1}: no figure "
                              f"book/figures/{name}.dot or .svg")
                continue
        else:
            out.append(line)
            continue
        m = FIGURE.match(line) or re.match(r"!\[(.*)\]\(figures/([\w.-]+)\)", line)
        k += 1
        label = f"{number}.{k}" if number is not None else str(k)
        ident = f"fig-{label.replace('.', '-')}"
        src = m.group(2) if m.group(2).endswith(".svg") else m.group(2) + ".svg"
        out.append(f"![Figure {label}: {m.group(1)}](figures/{src}){{#{ident}}}")
    return "\n".join(out) + "\n"


def draw_figures(figdir):
    """Render book/figures/*.dot with Graphviz, copy *.svg."""
    os.makedirs(figdir, exist_ok=True)
    src = os.path.join(BOOK, "figures")
    for name in sorted(os.listdir(src)):
        path, stem = os.path.join(src, name), os.path.splitext(name)[0]
        if name.endswith(".svg"):
            shutil.copy(path, figdir)
        elif name.endswith(".dot"):
            out = os.path.join(figdir, stem + ".svg")
            dot = shutil.which("dot") or "/usr/bin/dot"
            r = subprocess.run([dot, "-Tsvg", path, "-o", out],
                               capture_output=True, text=True)
            if r.returncode != 0 or r.stderr.strip():
                raise SystemExit(f"book: dot failed on book/figures/{name}:\n{r.stderr}")


def pandoc(markdown, out_path, variables, toc=False, fragment=False, id_prefix=""):
    exe = shutil.which("pandoc") or "/usr/bin/pandoc"
    cmd = [exe, "--from=markdown", "--to=html5", "--fail-if-warnings",
           "--metadata", "lang=en", "--output", out_path]
    if not fragment:
        cmd += ["--standalone", f"--template={os.path.join(BOOK, 'template.html')}"]
    if toc:
        cmd += ["--toc", "--toc-depth=2"]
    if id_prefix:
        cmd += [f"--id-prefix={id_prefix}"]
    for k, v in variables.items():
        if k in ("title", "pagetitle"):
            cmd += ["--metadata", f"{k}={v}"]
        else:
            cmd += ["--variable", f"{k}={v}"]
    try:
        r = subprocess.run(cmd, input=markdown, text=True, capture_output=True)
    except FileNotFoundError:
        raise SystemExit("book: pandoc not found (install pandoc)")
    if r.stderr.strip():
        sys.stderr.write(r.stderr)
    if r.returncode != 0:
        raise SystemExit(f"book: pandoc failed on {out_path}")


def book_pages(src):
    """[(stem, number)] in reading order; number None when unnumbered."""
    names = sorted(n for n in os.listdir(src) if n.endswith(".md"))
    stems = [n[:-3] for n in names]
    unknown = [n for n in names if not CHAPTER_NAME.match(n)
               and n[:-3] not in FRONT + BACK]
    if unknown:
        raise SystemExit(f"book: book/src/{unknown[0]}: not a chapter (NN-name.md) "
                         f"nor one of {', '.join(FRONT + BACK)}")
    pages = [(s, None if s == "preface" else 0) for s in FRONT if s in stems]
    pages += [(n[:-3], int(n[:2])) for n in names if CHAPTER_NAME.match(n)]
    pages += [(s, None) for s in BACK if s in stems]
    return pages


def search_entries(html_text, page, title):
    """One search entry per section: its URL, title path and plain text."""
    main = html_text.split("<main>", 1)[-1].split("</main>", 1)[0]
    main = re.sub(r'<nav id="TOC".*?</nav>', "", main, flags=re.S)
    parts = re.split(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', main, flags=re.S)
    entries = []

    def text(s):
        s = re.sub(r"<[^>]+>", " ", s)
        return re.sub(r"\s+", " ", html.unescape(s)).strip()
    entries.append({"u": page, "t": title, "x": text(parts[0])[:4000]})
    for j in range(1, len(parts) - 3, 4):
        entries.append({"u": f"{page}#{parts[j + 1]}",
                        "t": f"{title} › {text(parts[j + 2])}",
                        "x": text(parts[j + 3])[:4000], "h": int(parts[j])})
    return entries


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true",
                    help="only resolve the references; run no pandoc")
    ap.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "book"),
                    help="output directory (default: build/book)")
    args = ap.parse_args()

    src = os.path.join(BOOK, "src")
    order = book_pages(src)
    specs = []
    for stem, _ in order:
        with open(os.path.join(src, stem + ".md"), encoding="utf-8") as f:
            specs += [m.group(1) for _, line, fenced in code_lines(f.read().splitlines())
                      if not fenced for m in [OUTPUT.match(line)] if m]
    prefetch(specs)
    figdir = None if args.check else os.path.join(args.out, "figures")
    if figdir:
        if os.path.isdir(args.out):
            shutil.rmtree(args.out)
        draw_figures(figdir)
    pages, errors, count, sources = [], [], 0, set()
    for stem, number in order:
        md_name = f"book/src/{stem}.md"
        with open(os.path.join(src, stem + ".md"), encoding="utf-8") as f:
            text = f.read()
        count += sum(1 for _, line, fenced in code_lines(text.splitlines())
                     if not fenced and INCLUDE.match(line))
        body, errs = expand(text, md_name, sources=sources)
        errors += errs
        body = figures(body, md_name, number, figdir, errors)
        title, body = split_title(size_blocks(body), md_name)
        pages.append((stem, number, title, body))
    for e in errors:
        print(e, file=sys.stderr)
    if errors:
        return 1
    if args.check:
        print(f"book: {len(pages)} pages, {count} excerpts resolved")
        return 0

    with open(os.path.join(BOOK, "style.css")) as f:
        css = f.read()
    with open(os.path.join(args.out, "style.css"), "w") as f:
        f.write(css + print_widths())
    shutil.copy(os.path.join(BOOK, "search.js"), args.out)
    jobs = []  # (markdown, output path, variables, toc): pandoc runs, two at a time
    for i, (stem, number, title, body) in enumerate(pages):
        v = {"title": title, "pagetitle": title, "root": "", "kind": "chapter"}
        if number is not None:
            v["number"] = str(number)
        if CHAPTER_NAME.match(stem + ".md") and \
                os.path.isdir(os.path.join(ROOT, "chapters", stem)):
            v["code-of"] = f"<code>chapters/{stem}/</code>"
        if i > 0:
            v["prev"], v["prev-title"] = pages[i - 1][0] + ".html", pages[i - 1][2]
        if i + 1 < len(pages):
            v["next"], v["next-title"] = pages[i + 1][0] + ".html", pages[i + 1][2]
        jobs.append((body, os.path.join(args.out, stem + ".html"), v, True))
    for path in sorted(sources):
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            code = f.read().rstrip("\n")
        ticks = "`" * (max([len(r) for r in re.findall(r"`+", code)] + [2]) + 1)
        md = f"{ticks}{{#L .{language(path)} .numberLines}}\n{code}\n{ticks}\n"
        out = os.path.join(args.out, source_page(path))
        os.makedirs(os.path.dirname(out), exist_ok=True)
        jobs.append((md, out, {"title": path, "pagetitle": path, "kind": "source",
                               "root": "../" * (source_page(path).count("/"))}, False))
    with ThreadPoolExecutor(max_workers=PANDOC_JOBS) as pool:
        for f in [pool.submit(pandoc, md, out, v, toc=toc) for md, out, v, toc in jobs]:
            f.result()
    index = []
    for stem, number, title, _ in pages:
        with open(os.path.join(args.out, stem + ".html"), encoding="utf-8") as f:
            index += search_entries(f.read(), stem + ".html",
                                    (f"{number} " if number is not None else "") + title)
    with open(os.path.join(args.out, "search-index.js"), "w") as f:
        f.write("window.BOOK_INDEX = " + json.dumps(index, ensure_ascii=False) + ";\n")
    toc = []
    for stem, number, title, _ in pages:
        num = "" if number is None else str(number)
        code = (f' <code class="dir">chapters/{stem}/</code>'
                if os.path.isdir(os.path.join(ROOT, "chapters", stem)) else "")
        subs = " · ".join(f'<a href="{e["u"]}">{html.escape(e["t"].split(" › ", 1)[1])}</a>'
                          for e in index if e["u"].startswith(stem + ".html#")
                          and e.get("h") == 2)
        toc.append(f'<li><span class="num">{num}</span><a class="part" href="{stem}.html">'
                   f'{html.escape(title)}</a>{code}'
                   + (f'<div class="subs">{subs}</div>' if subs else "") + "</li>")
    pandoc("A teaching hypervisor for Intel VT-x, built one chapter at a time: book "
           "chapter N explains `chapters/0N-*` and runs with `make run CHAPTER=N`. "
           "Every excerpt and log in it comes from the code and from real runs.\n\n"
           '```{=html}\n<ul class="toc">\n' + "\n".join(toc) + "\n</ul>\n```\n\n"
           "The whole book as one PDF, with figures, contents and page numbers: "
           "[stepvisor.pdf](stepvisor.pdf).\n",
           os.path.join(args.out, "index.html"),
           {"title": "stepvisor: a hypervisor for Intel VT-x, step by step",
            "pagetitle": "Contents", "root": "", "kind": "index"})
    print(f"book: {len(pages)} pages, {count} excerpts, {len(sources)} source pages -> "
          f"{os.path.relpath(args.out, ROOT)}/")
    if not args.no_pdf:
        import pdf
        pdf.build(pages, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
