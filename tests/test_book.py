# SPDX-License-Identifier: MIT
"""The book's excerpt extraction, and that the real book's @includes resolve."""

import fcntl
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "book"))

import build  # noqa: E402  (book/build.py)
from excerpt import extract, locate  # noqa: E402


C_SOURCE = textwrap.dedent("""\
    #include <stdint.h>

    #define CR4_VMXE (1ull << 13)
    #define CR4_VMXE_BIT 13
    #define VMX_FAIL(x) \\
            ((x) & 1)

    int vmxon_enter(uint64_t region);

    /**
     * Enter VMX operation.
     */
    int vmxon_enter(uint64_t region)
    {
            if (region & 0xfff) {
                    return -1;
            }
            return 0;
    }

    // Leave VMX operation.
    // Always succeeds.
    static void
    vmxon_leave(void)
    {
            vmxon_enter(0);
    }

    static inline int one(void) { return 1; }

    /* The 4 KiB region VMXON takes. */
    struct vmxon_region {
            uint32_t revision;
            struct {
                    int x;
            } inner;
    };

    struct vmxon_region *region_alloc(void);

    typedef struct {
            int a;
    } pair_t;
    """)

ASM_SOURCE = textwrap.dedent("""\
    bits 64
    section .text

    ; Save the guest's registers and call the C handler.
    global vmexit_stub
    vmexit_stub:
            push rax

    .again:
            call vmexit_handler
            pop rax
            vmresume

    ; Load the guest's registers and launch.
    vmlaunch_stub:
            vmlaunch
            ret
    """)


@pytest.fixture
def src(tmp_path):
    (tmp_path / "vmx.c").write_text(C_SOURCE)
    (tmp_path / "entry.asm").write_text(ASM_SOURCE)
    (tmp_path / "Makefile").write_text("all:\n\techo hi\n")
    return tmp_path


def test_function_with_doc_comment(src):
    got = extract(str(src / "vmx.c"), "vmxon_enter")
    assert got.startswith("/**\n * Enter VMX operation.\n */\n"
                          "int vmxon_enter(uint64_t region)\n{")
    assert got.endswith("\treturn 0;\n}") or got.endswith("return 0;\n}")
    assert "vmxon_leave" not in got


def test_function_with_return_type_on_its_own_line(src):
    got = extract(str(src / "vmx.c"), "vmxon_leave")
    assert got.splitlines()[:4] == ["// Leave VMX operation.",
                                    "// Always succeeds.",
                                    "static void", "vmxon_leave(void)"]
    assert got.splitlines()[-1] == "}"


def test_one_line_function(src):
    assert extract(str(src / "vmx.c"), "one") == \
        "static inline int one(void) { return 1; }"


def test_struct_with_nested_braces(src):
    got = extract(str(src / "vmx.c"), "struct vmxon_region")
    lines = got.splitlines()
    assert lines[0] == "/* The 4 KiB region VMXON takes. */"
    assert lines[1] == "struct vmxon_region {"
    assert lines[-1] == "};"
    assert "int x;" in got


def test_anonymous_typedef_struct(src):
    got = extract(str(src / "vmx.c"), "struct pair_t")
    assert got.splitlines() == ["typedef struct {", "        int a;",
                                "} pair_t;"]


def test_define(src):
    path = str(src / "vmx.c")
    assert extract(path, "#define CR4_VMXE") == "#define CR4_VMXE (1ull << 13)"
    assert extract(path, "#define VMX_FAIL").splitlines() == [
        "#define VMX_FAIL(x) \\", "        ((x) & 1)"]


def test_asm_label(src):
    got = extract(str(src / "entry.asm"), "vmexit_stub")
    lines = got.splitlines()
    assert lines[0] == "; Save the guest's registers and call the C handler."
    assert "vmexit_stub:" in lines
    assert ".again:" in lines  # a local label does not end the routine
    assert lines[-1].strip() == "vmresume"
    last = extract(str(src / "entry.asm"), "vmlaunch_stub")
    assert last.splitlines()[-1].strip() == "ret"


def test_whole_file(src):
    assert extract(str(src / "Makefile")) == "all:\n\techo hi"
    assert extract(str(src / "Makefile"), "") == "all:\n\techo hi"


@pytest.mark.parametrize("path, symbol", [
    ("vmx.c", "vmxon_missing"),
    ("vmx.c", "region_alloc"),       # only a prototype
    ("vmx.c", "struct vmxon"),       # a prefix of a real name
    ("vmx.c", "#define CR4"),
    ("entry.asm", "again"),
    ("Makefile", "all"),             # symbols only in C and asm
    ("nonexistent.c", "vmxon_enter"),
    ("nonexistent.c", None),
])
def test_missing_symbol_raises(src, path, symbol):
    with pytest.raises(LookupError):
        extract(str(src / path), symbol)


def test_expand_replaces_and_reports(src):
    md = textwrap.dedent("""\
        # T

        @include vmx.c:vmxon_enter

        ```text
        @include not/expanded/inside/a/fence.c:f
        ```

        @include vmx.c:struct nope
        """)
    text, errors = build.expand(md, "book/src/t.md", root=str(src))
    # The excerpt keeps its line numbers (10-19 in vmx.c), names its symbol
    # and links to the source page at its first line.
    assert '```{.c .numberLines startFrom="10"}\n/**\n * Enter VMX operation.' in text
    assert "`vmxon_enter` in [`vmx.c`, lines 10–19](src/vmx.c.html#L-10)" in text
    assert "@include not/expanded" in text
    assert errors == ["book: book/src/t.md:9: cannot find struct nope in vmx.c"]


def test_locate_gives_line_numbers(src):
    text, first, last = locate(str(src / "vmx.c"), "vmxon_enter")
    lines = (src / "vmx.c").read_text().splitlines()
    assert text == "\n".join(lines[first - 1:last])
    assert (first, last) == (10, 19)  # with its comment
    assert locate(str(src / "Makefile"))[1:] == (1, 2)


def locked_run(cmd):
    """Run cmd holding the book's lock: book builds boot Bochs runs into a
    shared cache, so two pytest-xdist workers must not boot the same run."""
    os.makedirs(os.path.join(ROOT, "build"), exist_ok=True)
    with open(os.path.join(ROOT, "build", "book-test.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def test_real_book_references_resolve():
    r = locked_run([sys.executable, os.path.join(ROOT, "book", "build.py"), "--check"])
    assert r.returncode == 0, r.stderr


# --- @output: serial output from real runs ---------------------------------

import output  # noqa: E402  (book/ is on sys.path above)


def test_output_spec_is_parsed():
    chapter, cmdline, model, opts = output.parse(
        '03-ept scenario=isolation guest_mem=6M model=corei5_lynnfield_750 '
        'from "EPT:" to "PASS" skip "^guest uart"')
    assert (chapter, cmdline, model) == ("03-ept", "scenario=isolation guest_mem=6M",
                                         "corei5_lynnfield_750")
    assert opts == {"from": "EPT:", "to": "PASS", "skip": "^guest uart"}


@pytest.mark.parametrize("spec", ['01-vmxon', '01-vmxon from "A"', '', '01 from "A" to'])
def test_malformed_output_spec_is_refused(spec):
    with pytest.raises(output.OutputError):
        output.parse(spec)


def test_output_lines_are_selected_and_folded():
    lines = ["boot", "A one", "x 1", "x 2", "keep", "B end", "after"]
    assert output.select(lines, {"from": "A", "to": "B"}) == lines[1:6]
    assert output.select(lines, {"from": "A", "to": "B", "skip": "^x"}) == \
        ["A one", "...", "keep", "B end"]
    assert output.select(lines, {"from": "A", "to": "B", "match": "^(A|B)"}) == \
        ["A one", "B end"]
    with pytest.raises(output.OutputError):
        output.select(lines, {"from": "Z", "to": "B"})
    with pytest.raises(output.OutputError):
        output.select(lines, {"from": "A", "to": "Z"})


# --- the built book: numbering, layout, figures, links, PDF -----------------

import charts  # noqa: E402
import sdm  # noqa: E402

SRC = os.path.join(ROOT, "book", "src")
PAGES = build.book_pages(SRC)
CHAPTER_DIRS = sorted(d for d in os.listdir(os.path.join(ROOT, "chapters"))
                      if re.fullmatch(r"\d\d-[\w-]+", d))


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """The whole book, HTML and PDF, built once per test process."""
    out = tmp_path_factory.mktemp("book")
    r = locked_run([sys.executable, os.path.join(ROOT, "book", "build.py"), "--out", str(out)])
    assert r.returncode == 0, r.stderr
    return out


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def test_book_chapter_n_is_chapters_0n():
    numbered = [(stem, n) for stem, n in PAGES if n]
    assert [stem for stem, _ in numbered] == CHAPTER_DIRS
    assert all(n == int(stem[:2]) for stem, n in numbered)
    assert dict(PAGES)["introduction"] == 0 and dict(PAGES)["preface"] is None
    assert [s for s, _ in PAGES][:2] == ["preface", "introduction"]


def test_pages_show_the_chapter_numbers(book):
    index = read(book / "index.html")
    for stem, n in PAGES:
        page = read(book / f"{stem}.html")
        if n is not None:
            assert f'<h1 class="title"><span class="num">{n}</span>' in page
            assert f'<span class="num">{n}</span><a class="part" href="{stem}.html">' in index
        if n:
            assert f"make run CHAPTER={n}" in read(os.path.join(SRC, stem + ".md")) or n == 1


def test_css_never_wraps_or_clips_code():
    css = read(os.path.join(ROOT, "book", "style.css"))
    flat = re.sub(r"\s+", " ", css)
    assert "pre, pre > code, pre > code.sourceCode { white-space: pre !important;" in flat
    pre = re.search(r"\npre \{([^}]*)\}", css).group(1)
    assert "overflow-x: auto" in pre
    for name in ("style.css", "print.css"):
        assert "pre-wrap" not in read(os.path.join(ROOT, "book", name)), name
    # Pandoc's print rule (pre-wrap, hanging indent) is undone for print.
    assert "pre > code.sourceCode > span { text-indent: 0; padding-left: 0; }" in flat
    rules = build.print_widths()
    for w in build.WIDTHS:
        assert f"pre.w{w} {{" in rules


def blocks(text):
    """(info line, lines) of every fenced block in Markdown text."""
    lines, out, fence, start = text.splitlines(), [], None, None
    for i, line in enumerate(lines):
        m = build.FENCE.match(line)
        if fence is None and m:
            fence, start = m.group(1), i
        elif fence is not None and build.closes(fence, line):
            out.append((lines[start], lines[start + 1:i]))
            fence = None
    return out


# The page at 1280 px: main is 1280 - 2 x 32 px wide; a block loses 2 x 13.5
# px of padding and a 3 px border; DejaVu Sans Mono at 13.5 px is 8.13 px a
# character.
SCREEN_COLUMNS = int((1280 - 64 - 27 - 3) / (13.5 * 0.602))
SMALLEST_PRINT_PT = 5.0


def test_no_excerpt_line_is_wider_than_the_page():
    for stem, _ in PAGES:
        text, errors = build.expand(read(os.path.join(SRC, stem + ".md")), stem)
        assert not errors
        for info, lines in blocks(build.size_blocks(text)):
            cls = int(re.search(r"\.w(\d+)", info).group(1))
            # In print every block is set small enough for its longest line.
            assert min(build.PRINT_MAX_PT, build.PRINT_LINE_PT / cls) >= SMALLEST_PRINT_PT, \
                (stem, lines[0])
            assert cls >= max(len(l.expandtabs(8)) for l in lines or [""])
            if "numberLines" in info:  # a code excerpt fits the screen: no scrolling
                width = max(len(l.expandtabs(8)) for l in lines) + build.GUTTER
                assert width <= SCREEN_COLUMNS, (stem, max(lines, key=len))


def test_every_chapter_has_a_rendered_figure(book):
    import xml.dom.minidom
    for stem, n in PAGES:
        figures = re.findall(r'<figure>\s*<img src="(figures/[^"]+\.svg)"',
                             read(book / f"{stem}.html"))
        if n is not None:
            assert figures, f"{stem} has no figure"
        for f in figures:
            xml.dom.minidom.parse(str(book / f))  # a well-formed SVG the build wrote
    for name in os.listdir(os.path.join(ROOT, "book", "figures")):
        assert (book / "figures" / (os.path.splitext(name)[0] + ".svg")).exists(), name


def test_figures_with_numbers_are_drawn_from_the_run(book):
    import output
    lines = output.serial_log("02-vmcs", "", None)
    rows = charts.exit_table(lines)
    svg = read(book / "figures" / "chart-exits-02-vmcs.svg")
    assert f"normal run: {sum(r[0] for r in rows)}</text>" in svg
    for count, reason, name in rows:
        assert f">{reason:>2} {name}</text>" in svg and f">{count}</text>" in svg
    kib = charts.exits_per_kib(output.serial_log("04-io", "", None))
    svg = read(book / "figures" / "chart-exits-per-kib-04-io.svg")
    for path, size, exits, per_kib in kib:
        assert f">{per_kib:g} exits per KiB ({exits} for {size} bytes)</text>" in svg
    # The stack figure follows vm_enter's pushes, the map the #defines.
    svg = read(book / "figures" / "chart-stack-frame-02-vmcs.svg")
    pushes = charts.stack_frame(read(os.path.join(ROOT, "chapters/02-vmcs/vmentry.asm")))
    assert svg.count("<rect") == len(pushes) + 1
    regions, _ = charts.memory_map(os.path.join(ROOT, "chapters", "04-io"))
    svg = read(book / "figures" / "chart-memory-map-04-io.svg")
    assert all(f">{start:#x}</text>" in svg for start, *_ in regions)


def local_links(page_path):
    """(href, file, fragment) of every relative link in a built page."""
    for href in re.findall(r'href="([^"]+)"', read(page_path)):
        if re.match(r"[a-z]+:", href) or href.endswith(".css"):
            continue
        path, _, frag = href.partition("#")
        target = os.path.normpath(os.path.join(os.path.dirname(page_path), path)) \
            if path else str(page_path)
        yield href, target, frag


def test_every_local_link_resolves(book):
    pages = [book / f"{s}.html" for s, _ in PAGES] + [book / "index.html"]
    ids = {}
    for page in pages:
        for href, target, frag in local_links(page):
            assert os.path.exists(target), f"{page.name}: {href}"
            if frag and target.endswith(".html"):
                if target not in ids:
                    ids[target] = set(re.findall(r'id="([^"]+)"', read(target)))
                assert frag in ids[target], f"{page.name}: {href}"


def test_excerpts_name_the_symbol_and_link_to_their_lines(book):
    page = re.sub(r"\s+", " ", read(book / "02-vmcs.html"))
    captions = re.findall(r'<div class="from">\s*<p>(.*?)</p>', page, re.S)
    assert len(captions) >= 20
    for c in captions:
        m = re.search(r'href="(src/[^"]+)\.html#L-(\d+)"><code>([^<]+)</code>, '
                      r'lines (\d+)–(\d+)', c)
        assert m, c
        path, first = m.group(1)[4:], int(m.group(2))
        assert m.group(3) == path and int(m.group(4)) == first
    assert '<code>vm_run</code> in <a href="src/chapters/02-vmcs/vmentry.asm.html#L-' in page
    # The excerpt shows its own line numbers: the block starts counting there.
    start = re.search(r'vmentry.asm.html#L-(\d+)', page).group(1)
    assert f'data-startFrom="{start}"' in page


def test_pdf_has_every_chapter_with_contents_and_page_numbers(book):
    pdf = str(book / "stepvisor.pdf")
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages > 40
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True,
                          text=True, check=True).stdout
    sheets = text.split("\f")
    assert "Contents" in sheets[1]
    for stem, n in PAGES:
        title = build.split_title(read(os.path.join(SRC, stem + ".md")), stem)[0]
        label = f"{n} {title}" if n is not None else title
        # In the contents, with a page number; and as a running head.
        assert re.search(re.escape(label) + r"[ .]*\d+", re.sub(r"\s+", " ", text)), label
    for k in (5, 20, pages - 1):  # each sheet's footer is its number
        assert sheets[k - 1].strip().splitlines()[-1].strip() == str(k)
    for fig in ("Figure 2.1:", "Figure 3.1:", "Figure 4.1:"):
        assert fig in text


def test_screenshots_show_no_wrapped_code_and_a_figure_per_chapter(book, tmp_path):
    r = subprocess.run([sys.executable, os.path.join(ROOT, "book", "screenshots.py"),
                        "--book", str(book), "--out", str(tmp_path)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    for name in ["index"] + [s for s, _ in PAGES]:
        with open(tmp_path / f"{name}.png", "rb") as f:
            head = f.read(24)
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(head[16:20], "big") == 1280  # IHDR width
    assert "search 'EPT violation': " in r.stdout


def test_search_index_covers_every_page(book):
    js = read(book / "search-index.js")
    entries = json.loads(js[js.index("["):js.rindex("]") + 1])
    for stem, _ in PAGES:
        assert any(e["u"].startswith(stem + ".html") for e in entries), stem
    assert any("EPT violation" in e["x"] for e in entries)


def test_bibliography_and_glossary(book):
    bib = read(book / "bibliography.html")
    for who in ("Popek", "Robin", "Adams", "VIRTIO", "325462-081US"):
        assert who in bib
    assert "<td>Checks on Guest Segment Registers</td>\n<td>Vol. 3C, 27.3.1.2</td>" in bib
    glossary = read(book / "glossary.html")
    assert glossary.count("<dt>") >= 30


def test_every_cited_sdm_title_is_mapped_to_the_pinned_edition():
    missing = {}
    for top in ("chapters", "common", "book/src", "guests"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, top)):
            for name in files:
                if name.endswith((".c", ".h", ".asm", ".inc", ".md")):
                    path = os.path.join(dirpath, name)
                    for title in sdm.cited_titles(read(path)) - set(sdm.SECTIONS):
                        missing.setdefault(title, os.path.relpath(path, ROOT))
    assert not missing, "add these SDM titles to book/sdm.py: " + repr(missing)


# --- what the text says, checked against the code and the runs -------------

BOOK_TEXT = {stem: read(os.path.join(SRC, stem + ".md")) for stem, _ in PAGES}
# Names the text uses that are not stepvisor's: Linux's and KVM's, a variable
# of an example, and files an exercise asks the reader to write.
NOT_OURS = {"KVM_EXIT_IO", "KVM_RUN", "vcpu_fd", "kvm_run", "virtio_wmb", "last_seen",
            "exits/rdtsc.c",
            # Linux's, in chapter 6: boot_params fields, a Kconfig symbol, its
            # MP table parser, I/O helpers and interrupt flow handlers.
            "e820_entries", "e820_table", "X86_MPPARSE", "mpparse.c", "inb_p", "outb_p",
            "common_interrupt", "handle_edge_irq", "handle_fasteoi_irq"}


def prose(text):
    return re.sub(r"```.*?```", "", text, flags=re.S)


def test_no_page_says_the_chapter_2_guest_halts():
    for stem, text in BOOK_TEXT.items():
        assert "until the guest halts" not in re.sub(r"\s+", " ", text), stem


def test_names_in_the_text_exist_in_the_code():
    files = subprocess.run(["git", "ls-files", "chapters", "common", "guests", "tests", "tools"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    corpus = "\n".join(read(os.path.join(ROOT, f)) for f in files
                       if f.endswith((".c", ".h", ".asm", ".inc", ".py", ".ld", ".sh")))
    basenames = {os.path.basename(f) for f in files}
    for stem, text in BOOK_TEXT.items():
        for code in set(re.findall(r"`([^`\n]+)`", prose(text))):
            paths = re.findall(r"[\w./-]+\.(?:c|h|asm|inc|py|ld)\b", code)
            for name in re.findall(r"\b[A-Za-z_]\w*_\w+\b", re.sub(r"[\w./-]+\.\w+", "", code)):
                assert name in NOT_OURS or name in corpus, f"{stem}: `{name}` is not in the code"
            for path in paths:
                assert path in NOT_OURS or os.path.basename(path) in basenames, \
                    f"{stem}: no file {path}"


def define(name, *paths):
    for p in paths:
        m = re.search(r"#define " + name + r"\s+\(?(0x[0-9A-Fa-f]+|\d+)u?l?(?:\s*<<\s*(\d+))?",
                      read(os.path.join(ROOT, p)))
        if m:
            return int(m.group(1), 0) << int(m.group(2) or 0)
    raise AssertionError(f"no #define {name}")


def test_numbers_in_the_text_match_the_code():
    flat = {k: re.sub(r"\s+", " ", v) for k, v in BOOK_TEXT.items()}
    reasons = "common/include/vmx/vmx_reasons.h"
    m = re.search(r"(\d+) for `CPUID`, (\d+) for `HLT`, (\d+) for an I/O instruction, "
                  r"(\d+) for an EPT violation", flat["introduction"])
    assert tuple(map(int, m.groups())) == tuple(
        define(n, reasons) for n in ("EXIT_REASON_CPUID", "EXIT_REASON_HLT",
                                     "EXIT_REASON_IO_INSTRUCTION", "EXIT_REASON_EPT_VIOLATION"))
    enc = "common/include/vmx/vmcs_encodings.h"
    for name in ("GUEST_RIP", "EXIT_REASON"):
        m = re.search(f"`{name}` is (0x[0-9A-F]+)", flat["02-vmcs"])
        assert int(m.group(1), 16) == define(name, enc)
    ctl = "common/include/vmx/vmx_controls.h"
    m = re.search(r"(\d+) \(HLT exiting\), (\d+) \(CR8-load exiting\), (\d+) \(CR8-store "
                  r"exiting\), (\d+) \(use I/O bitmaps\) and (\d+) \(use MSR bitmaps\)",
                  flat["02-vmcs"])
    assert [1 << int(b) for b in m.groups()] == [
        define(n, ctl) for n in ("PROC_HLT_EXITING", "PROC_CR8_LOAD_EXITING",
                                 "PROC_CR8_STORE_EXITING", "PROC_USE_IO_BITMAPS",
                                 "PROC_USE_MSR_BITMAPS")]
    m = re.search(r"(0x[0-9A-F]+) for the console and (0x[0-9A-F]+) for the disk", flat["04-io"])
    assert (int(m.group(1), 16), int(m.group(2), 16)) == (
        define("VIRTIO_CONSOLE_BASE", "common/include/abi/virtio_mmio.h"),
        define("VIRTIO_BLK_BASE", "common/include/abi/virtio_mmio.h"))


def test_counts_in_the_text_match_the_runs(book):
    import output
    flat = {k: re.sub(r"\s+", " ", v) for k, v in BOOK_TEXT.items()}
    # Chapter 2's table of the normal run's exits.
    rows = {reason: count for count, reason, _ in
            charts.exit_table(output.serial_log("02-vmcs", "", None))}
    table = re.findall(r"^\| (\d+) \| [^|]+ \| (\d+) \|", BOOK_TEXT["02-vmcs"], re.M)
    assert {int(r): int(c) for r, c in table} == rows
    total = re.search(r"\*\*total\*\* \| \*\*(\d+)\*\*", BOOK_TEXT["02-vmcs"]).group(1)
    assert int(total) == sum(rows.values())
    # Chapter 3: one EPT violation per test-device access, ten of them.
    rows3 = {reason: count for count, reason, _ in
             charts.exit_table(output.serial_log("03-ept", "", None))}
    assert "48, EPT violation, ten times over" in flat["03-ept"] and rows3[48] == 10
    # Chapter 4: the exits-per-KiB table and the exit table's totals.
    log4 = output.serial_log("04-io", "", None)
    rows4 = {reason: count for count, reason, _ in charts.exit_table(log4)}
    kib = {path: (size, exits, per) for path, size, exits, per in charts.exits_per_kib(log4)}
    for path, (size, exits, per) in kib.items():
        assert f"| {path} | {size} | {exits} | {per:.1f} |" in BOOK_TEXT["04-io"]
    assert f"The exit table's {rows4[48]} EPT violations" in flat["04-io"]
    assert f"Its {rows4[30]} I/O exits" in flat["04-io"]
