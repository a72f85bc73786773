# SPDX-License-Identifier: MIT
"""Figures that show numbers, drawn from real runs, never by hand.

A line at column 0, outside fenced code,

    @chart exits CHAPTER          the exit table of CHAPTER's normal run
    @chart exits-per-kib CHAPTER  its "exits per KiB:" lines (log scale)
    @chart stack-frame CHAPTER    the stack vm_run builds (vmentry.asm)
    @chart memory-map CHAPTER     the guest-physical map (guest.h and the
                                  devices' *_BASE macros)

becomes an SVG under figures/ and a figure referencing it. The numbers of
the first two come from the chapter's normal run under Bochs (the run
`make bench` counts; cached by image content in build/book-runs/ like
@output); the last two are read from the chapter's source. A change to the
code that changes a count, a push or an address changes the figure.
"""
import math
import os
import re
from xml.sax.saxutils import escape

from output import OutputError, serial_log

CHART = re.compile(r"@chart\b(.*)$")
EXIT_ROW = re.compile(r"^\s+(\d+)\s+(\d+) (.+)$")
MMIO_WINDOW = 0x1000  # each device's register window: one 4 KiB page
KIB_ROW = re.compile(r"^  (.+?)\s{2,}(\d+) bytes\s+(\d+) exits\s+([\d.]+) per KiB$")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FONT = 'font-family="DejaVu Sans, Helvetica, Arial, sans-serif"'


def exit_table(lines):
    """[(count, reason number, name)] from the lines after 'VM exits: N'."""
    at = next((i for i, l in enumerate(lines) if l.startswith("VM exits: ")), None)
    if at is None:
        raise OutputError("the run printed no 'VM exits:' table")
    rows = []
    for line in lines[at + 1:]:
        m = EXIT_ROW.match(line)
        if not m:
            break
        rows.append((int(m.group(1)), int(m.group(2)), m.group(3)))
    total = int(lines[at].split()[-1])
    if sum(r[0] for r in rows) != total:
        raise OutputError(f"exit table rows do not add up to {total}")
    return rows


def exits_per_kib(lines):
    """[(path, bytes, exits, per KiB)] from the lines after 'exits per KiB:'."""
    if "exits per KiB:" not in lines:
        raise OutputError("the run printed no 'exits per KiB:' lines")
    rows = []
    for line in lines[lines.index("exits per KiB:") + 1:]:
        m = KIB_ROW.match(line)
        if not m:
            break
        rows.append((m.group(1), int(m.group(2)), int(m.group(3)), float(m.group(4))))
    if not rows:
        raise OutputError("no rows under 'exits per KiB:'")
    return rows


def _bars(rows, title, log=False, unit=""):
    """A horizontal bar chart: rows are (label, value, value text)."""
    label_w, bar_w, row_h, top = 250, 330, 26, 34
    # Room for the value text after the longest bar (about 7.5 px a character).
    text_w = max(len(t) for _, _, t in rows) * 7.5 + 20
    width, height = int(label_w + bar_w + text_w), top + row_h * len(rows) + 30
    vmax = max(v for _, v, _ in rows)
    if log:
        lo = 10.0 ** math.floor(math.log10(min(v for _, v, _ in rows if v > 0)))
        hi = 10.0 ** (math.floor(math.log10(vmax)) + 1)

        def scale(v):
            return bar_w * (math.log10(max(v, lo)) - math.log10(lo)) / \
                (math.log10(hi) - math.log10(lo))
        ticks = []
        t = lo
        while t <= hi:
            ticks.append(t)
            t *= 10
    else:
        def scale(v):
            return bar_w * v / vmax
        ticks = []
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" {FONT} font-size="13">',
           f'<text x="0" y="18" font-weight="bold">{escape(title)}</text>']
    for t in ticks:
        x = label_w + scale(t)
        out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" '
                   f'y2="{height - 24}" stroke="#ccc"/>')
        out.append(f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" '
                   f'fill="#666" font-size="11">{t:g}{unit}</text>')
    for i, (label, value, text) in enumerate(rows):
        y = top + i * row_h
        w = max(scale(value), 1.5)
        out.append(f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">'
                   f'{escape(label)}</text>')
        out.append(f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                   f'fill="#4a7ab5"/>')
        out.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 16}">{escape(text)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def stack_frame(asm):
    """[(register, comment)] pushed by vm_run before it writes HOST_RSP."""
    lines = asm.splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith("vm_run:")), None)
    if start is None:
        raise OutputError("no vm_run: label in vmentry.asm")
    pushes = []
    for line in lines[start + 1:]:
        code, _, comment = line.partition(";")
        words = code.split()
        if words[:1] == ["push"]:
            pushes.append((words[1], comment.strip()))
        elif words[:1] == ["vmwrite"] or (words and words[0].endswith(":")):
            break
    if not pushes:
        raise OutputError("vm_run pushes nothing before its VMWRITE of HOST_RSP")
    return pushes


def _stack_svg(pushes):
    slot_h, x0, w = 30, 170, 200
    rows = [("return address", "pushed by the call to vm_run")] + pushes
    height = 60 + slot_h * len(rows) + 24
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="680" height="{height}" '
           f'viewBox="0 0 680 {height}" {FONT} font-size="13">',
           '<text x="0" y="18" font-weight="bold">vm_run\'s stack, as VM exits find it</text>',
           f'<text x="{x0 - 10}" y="44" text-anchor="end" fill="#666">higher addresses</text>']
    comment = ""
    for i, (reg, note) in enumerate(rows):
        y = 52 + i * slot_h
        offset = (len(rows) - 1 - i) * 8
        fill = "#dfe9f5" if reg == "rdi" else "#f4f4f0"
        out.append(f'<rect x="{x0}" y="{y}" width="{w}" height="{slot_h}" '
                   f'fill="{fill}" stroke="#777"/>')
        label = "vcpu pointer (rdi)" if reg == "rdi" else reg
        out.append(f'<text x="{x0 + w / 2}" y="{y + 20}" text-anchor="middle" '
                   f'font-family="DejaVu Sans Mono, monospace">{escape(label)}</text>')
        out.append(f'<text x="{x0 - 10}" y="{y + 20}" text-anchor="end" fill="#666" '
                   f'font-family="DejaVu Sans Mono, monospace">rsp+{offset}</text>')
        if note and note != comment:
            out.append(f'<text x="{x0 + w + 12}" y="{y + 20}" fill="#444">'
                       f'{escape(note)}</text>')
            comment = note
    y = 52 + len(rows) * slot_h
    out.append(f'<text x="{x0 - 10}" y="{y + 14}" text-anchor="end" fill="#1a5fb4">'
               f'HOST_RSP = rsp</text>')
    out.append(f'<text x="{x0 + w / 2}" y="{y + 14}" text-anchor="middle" fill="#1a5fb4">'
               f'\u2191 RSP at every VM exit</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def defines(paths):
    """{NAME: int} for every `#define NAME 0x...ul` in the files."""
    found = {}
    for p in paths:
        try:
            with open(p) as f:
                text = f.read()
        except OSError:
            continue
        for m in re.finditer(r"^#define (\w+)\s+\(?(0x[0-9a-fA-F]+|\d+)u?l?"
                             r"(?:\s*<<\s*(\d+))?\)?", text, re.M):
            found[m.group(1)] = int(m.group(2), 0) << int(m.group(3) or 0)
    return found


def memory_map(chapter_dir):
    """[(start, end, name, kind)] of the guest-physical address space."""
    import glob
    d = defines(glob.glob(os.path.join(chapter_dir, "*.h")))
    for name in ("LEGACY_HOLE_START", "LEGACY_HOLE_END", "GUEST_RAM_DEFAULT",
                 "GUEST_LOAD_GPA"):
        if name not in d:
            raise OutputError(f"no #define {name} in {chapter_dir}/*.h")
    regions = [(0, d["LEGACY_HOLE_START"], "guest RAM (low 640 KiB)", "ram"),
               (d["LEGACY_HOLE_START"], d["LEGACY_HOLE_END"],
                "legacy hole: not mapped (video memory, BIOS ROM on a PC)", "hole"),
               (d["LEGACY_HOLE_END"], d["GUEST_RAM_DEFAULT"],
                f"guest RAM (to {d['GUEST_RAM_DEFAULT'] >> 20} MiB by default, guest_mem=)",
                "ram")]
    for name, value in sorted(d.items(), key=lambda kv: kv[1]):
        if name.endswith("_BASE") and value >= d["GUEST_RAM_DEFAULT"]:
            what = name[:-5].lower().replace("_", " ").replace("virtio ", "virtio-")
            regions.append((value, value + MMIO_WINDOW,
                            f"{what}: MMIO window, each access an EPT violation", "mmio"))
    gaps = [(a[1], b[0], "not mapped: an access ends the guest", "hole")
            for a, b in zip(regions, regions[1:]) if a[1] < b[0]]
    return sorted(regions + gaps), d["GUEST_LOAD_GPA"]


def _map_svg(regions, load):
    row_h, x0, w = 34, 130, 170
    rows = sorted(regions, key=lambda r: -r[0])
    height = 40 + row_h * len(rows) + 10
    colours = {"ram": "#dcedc8", "hole": "#eeeeee", "mmio": "#ffe0b2"}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="720" height="{height}" '
           f'viewBox="0 0 720 {height}" {FONT} font-size="13">',
           '<text x="0" y="18" font-weight="bold">The guest-physical address space '
           '(not to scale)</text>']
    for i, (start, end, name, kind) in enumerate(rows):
        y = 34 + i * row_h
        dash = ' stroke-dasharray="4 3"' if kind == "hole" else ""
        out.append(f'<rect x="{x0}" y="{y}" width="{w}" height="{row_h}" '
                   f'fill="{colours[kind]}" stroke="#777"{dash}/>')
        out.append(f'<text x="{x0 - 8}" y="{y + row_h - 8}" text-anchor="end" '
                   f'font-family="DejaVu Sans Mono, monospace" font-size="12">{start:#x}</text>')
        out.append(f'<text x="{x0 + w + 12}" y="{y + 22}">{escape(name)}</text>')
        if kind == "ram" and start <= load < end:
            out.append(f'<text x="{x0 + w / 2}" y="{y + 22}" text-anchor="middle" '
                       f'font-size="11" fill="#335">guest image at {load:#x}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def render(spec):
    """(file name, SVG text, caption) for one @chart line's arguments."""
    words = spec.split()
    kinds = ("exits", "exits-per-kib", "stack-frame", "memory-map")
    if len(words) != 2 or words[0] not in kinds:
        raise OutputError(f"expected one of {', '.join(kinds)} and a chapter")
    kind, chapter = words
    number = int(chapter[:2])
    chapter_dir = os.path.join(ROOT, "chapters", chapter)
    if not os.path.isdir(chapter_dir):
        raise OutputError(f"no chapters/{chapter}")
    if kind == "stack-frame":
        path = os.path.join(chapter_dir, "vmentry.asm")
        with open(path) as f:
            svg = _stack_svg(stack_frame(f.read()))
        caption = (f"The stack `vm_run` builds before it writes HOST_RSP, as every VM "
                   f"exit finds it (drawn by the build from `chapters/{chapter}/vmentry.asm`)")
        return f"chart-{kind}-{chapter}.svg", svg, caption
    if kind == "memory-map":
        regions, load = memory_map(chapter_dir)
        caption = (f"The guest-physical address space of chapter {number}'s guest (drawn "
                   f"by the build from the `#define`s in `chapters/{chapter}/*.h`)")
        return f"chart-{kind}-{chapter}.svg", _map_svg(regions, load), caption
    lines = serial_log(chapter, "", None)
    if kind == "exits":
        rows = exit_table(lines)
        total = sum(r[0] for r in rows)
        bars = [(f"{reason:>2} {name}", count, str(count)) for count, reason, name in rows]
        svg = _bars(bars, f"VM exits of chapter {number}'s normal run: {total}")
        caption = (f"The exit table of `make run CHAPTER={number}`, by basic exit reason "
                   f"(drawn by the build from the run's `VM exits:` lines, the run "
                   f"`make bench` counts)")
    else:
        rows = exits_per_kib(lines)
        bars = [(path, per_kib, f"{per_kib:g} exits per KiB ({exits} for {size} bytes)")
                for path, size, exits, per_kib in rows]
        svg = _bars(bars, "VM exits per KiB moved (log scale)", log=True)
        caption = (f"VM exits per KiB of guest output, by path, in chapter {number}'s "
                   f"normal run (drawn by the build from its `exits per KiB:` lines)")
    return f"chart-{kind}-{chapter}.svg", svg, caption
