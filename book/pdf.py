# SPDX-License-Identifier: MIT
"""The whole book as one PDF: print.html -> stepvisor.pdf with WeasyPrint.

build.py hands over the pages it rendered; this module sets them one after
the other in build/book/print.html (a cover, a table of contents with page
numbers, each page starting on a new sheet), styled by style.css and
print.css, and runs WeasyPrint on it. The PDF is cached in build/book-pdf/
by the content of everything it is made from, so an unchanged book is not
typeset again.
"""
import hashlib
import html
import os
import re
import shutil
import subprocess

BOOK = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BOOK)
CACHE = os.path.join(ROOT, "build", "book-pdf")
PDF_NAME = "stepvisor.pdf"


def _fragment(body, stem):
    """The page's body as an HTML fragment, its ids prefixed with stem."""
    from build import pandoc
    out = os.path.join(CACHE, f"{stem}.fragment.html")
    pandoc(body, out, {}, fragment=True, id_prefix=f"{stem}--")
    with open(out, encoding="utf-8") as f:
        return f.read()


def _highlighting_css(out_dir, pages):
    """The syntax-highlighting CSS pandoc put into the rendered pages (only
    pages with highlighted code carry it)."""
    for stem, *_ in pages:
        with open(os.path.join(out_dir, stem + ".html"), encoding="utf-8") as f:
            m = re.search(r"<style>(.*?)</style>", f.read(), re.S)
        if m and m.group(1).strip():
            return m.group(1)
    return ""


def print_html(pages, out_dir):
    """The single HTML document the PDF is typeset from."""
    os.makedirs(CACHE, exist_ok=True)
    toc, chapters = [], []
    for stem, number, title, body in pages:
        frag = _fragment(body, stem)
        label = f'<span class="num">{number}</span> ' if number is not None else ""
        title = html.escape(title)
        toc.append(f'<li class="part"><a href="#{stem}">{label}{title}</a>')
        subs = re.findall(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', frag, re.S)
        if subs:
            toc.append("<ul>" + "".join(
                f'<li><a href="#{i}">{re.sub(r"<[^>]+>", "", t)}</a></li>' for i, t in subs)
                + "</ul>")
        toc.append("</li>")
        chapters.append(f'<section class="page" id="{stem}">\n'
                        f'<h1 class="title">{label}{title}</h1>\n{frag}\n</section>')
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>stepvisor: a hypervisor for Intel VT-x, step by step</title>
<style>{_highlighting_css(out_dir, pages)}</style>
<link rel="stylesheet" href="style.css">
<link rel="stylesheet" href="print.css">
</head><body class="print"><main>
<section class="cover">
<h1>stepvisor</h1>
<p class="subtitle">A hypervisor for Intel VT-x, step by step</p>
<p class="note">Built from the repository's sources by <code>make book</code>: every
code excerpt and every log in it comes from the code and from real runs.</p>
</section>
<nav class="book-toc"><h1>Contents</h1><ul>{"".join(toc)}</ul></nav>
{chr(10).join(chapters)}
</main></body></html>
"""


def _key(paths, text):
    h = hashlib.sha256(text.encode())
    for p in sorted(paths):
        with open(p, "rb") as f:
            h.update(os.path.basename(p).encode() + b"\0" + f.read())
    return h.hexdigest()[:20]


def build(pages, out_dir):
    """Write out_dir/print.html and out_dir/stepvisor.pdf."""
    shutil.copy(os.path.join(BOOK, "print.css"), out_dir)
    doc = print_html(pages, out_dir)
    with open(os.path.join(out_dir, "print.html"), "w", encoding="utf-8") as f:
        f.write(doc)
    figdir = os.path.join(out_dir, "figures")
    inputs = [os.path.join(out_dir, n) for n in ("style.css", "print.css")] + \
        [os.path.join(figdir, n) for n in os.listdir(figdir)]
    cached = os.path.join(CACHE, _key(inputs, doc) + ".pdf")
    target = os.path.join(out_dir, PDF_NAME)
    if not os.path.exists(cached):
        exe = shutil.which("weasyprint") or "/usr/bin/weasyprint"
        try:
            r = subprocess.run([exe, "--quiet", os.path.join(out_dir, "print.html"),
                                cached + ".tmp"], capture_output=True, text=True)
        except FileNotFoundError:
            raise SystemExit("book: weasyprint not found (install weasyprint)")
        if r.returncode != 0:
            raise SystemExit(f"book: weasyprint failed:\n{r.stderr}")
        os.replace(cached + ".tmp", cached)
    shutil.copy(cached, target)
    print(f"book: PDF -> {os.path.relpath(target, ROOT)}")
