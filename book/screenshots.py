#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Screenshots of the built book in headless Chromium, and what they show.

    python3 book/screenshots.py [--out DIR] [--width 1280] [PAGE.html ...]

Opens build/book/index.html and every chapter page (or the PAGEs named) at
1280 px wide, saves a full-page PNG of each in build/book-shots/, and checks
in the page itself:
  - every code block and log keeps one line per line (none wraps), and
    white-space is `pre`;
  - a block wider than the page scrolls sideways instead of being clipped,
    and no code excerpt (a numbered block) needs to: its lines fit;
  - nothing makes the page itself wider than the window;
  - every image loads, and each page (but the index, preface, glossary and
    bibliography) shows at least one figure;
  - the search box on the index finds chapter 3 for "EPT violation".
Prints one line per page and exits 1 if any check fails.

Chromium is driven through the DevTools protocol on a pipe
(--remote-debugging-pipe: JSON messages ended by NUL on fds 3 and 4), so
only the standard library is needed.
"""
import argparse
import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile

BOOK = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BOOK)
SEARCH_QUERY = "EPT violation"
SCREEN = 900  # px: the window's height, and a tile's
NO_FIGURE_NEEDED = ("index.html", "preface.html", "glossary.html", "bibliography.html")

# Runs in the page; returns what the checks need.
CHECK = r"""
(() => {
  const out = {wrapped: [], clipped: [], excerpts_scroll: [], not_pre: [], blocks: 0};
  const name = (pre) => {
    const from = pre.closest('div.sourceCode');
    const cap = from && from.nextElementSibling;
    const first = pre.textContent.split('\n')[0].slice(0, 60);
    return (cap && cap.classList.contains('from') ? cap.textContent.trim() + ': ' : '') + first;
  };
  for (const pre of document.querySelectorAll('main pre')) {
    out.blocks++;
    const cs = getComputedStyle(pre);
    const code = pre.querySelector('code') || pre;
    if (cs.whiteSpace !== 'pre' || getComputedStyle(code).whiteSpace !== 'pre')
      out.not_pre.push(name(pre));
    const lines = pre.textContent.replace(/\n$/, '').split('\n').length;
    const spans = pre.querySelectorAll('code.sourceCode > span');
    let lh = parseFloat(cs.lineHeight);
    let height = pre.clientHeight - parseFloat(cs.paddingTop) - parseFloat(cs.paddingBottom);
    if (spans.length) {
      // Highlighted code: each line is an inline-block span.
      for (const s of spans) {
        const sl = parseFloat(getComputedStyle(s).lineHeight);
        if (s.getBoundingClientRect().height > sl * 1.5) { out.wrapped.push(name(pre)); break; }
      }
    } else if (height > lines * lh + lh / 2) {
      out.wrapped.push(name(pre));
    }
    const scrolls = pre.scrollWidth > pre.clientWidth + 1;
    if (scrolls && !['auto', 'scroll'].includes(cs.overflowX)) out.clipped.push(name(pre));
    const r = pre.getBoundingClientRect();
    if (r.right > window.innerWidth + 1) out.clipped.push(name(pre) + ' (past the window)');
    if (scrolls && pre.classList.contains('numberSource')) out.excerpts_scroll.push(name(pre));
  }
  const imgs = [...document.querySelectorAll('main img')];
  out.figures = document.querySelectorAll('main figure img').length;
  out.figure_y = [...document.querySelectorAll('main figure')].map(
    f => Math.round(f.getBoundingClientRect().top + window.scrollY));
  out.broken = imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src);
  out.page_width = document.documentElement.scrollWidth;
  out.height = Math.ceil(document.documentElement.scrollHeight);
  return out;
})()
"""


class Chromium:
    """A headless Chromium spoken to over --remote-debugging-pipe."""

    def __init__(self):
        exe = next((shutil.which(n) for n in ("chromium", "chromium-browser",
                                              "google-chrome") if shutil.which(n)), None)
        if not exe:
            raise SystemExit("screenshots: chromium not found (install chromium)")
        self.profile = tempfile.mkdtemp(prefix="book-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes answers on fd 4.
        def fds():
            r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(r, 3)
            os.dup2(w, 4)
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--hide-scrollbars",
             "--remote-debugging-pipe", "--no-first-run", "--no-default-browser-check",
             "--allow-file-access-from-files", f"--user-data-dir={self.profile}",
             "about:blank"],
            preexec_fn=fds, pass_fds=(3, 4, to_chrome_r, from_chrome_w),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.next_id, self.buf, self.events = 0, b"", []

    def _read(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise SystemExit("screenshots: chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, session=None, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self.to_chrome, json.dumps(msg).encode() + b"\0")
        while True:
            m = self._read()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise SystemExit(f"screenshots: {method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method):
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method:
                    del self.events[i]
                    return m
            self.events.append(self._read())

    def close(self):
        try:
            self.send("Browser.close")
        except SystemExit:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def shoot(chrome, url, png, width, tiles=0):
    """Load url at `width` px, run CHECK, save a full-page PNG (and the
    first `tiles` screenfuls as PNG-k.png); return CHECK's result."""
    target = chrome.send("Target.createTarget", url="about:blank")["targetId"]
    s = chrome.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    chrome.send("Page.enable", session=s)
    chrome.send("Emulation.setDeviceMetricsOverride", session=s, width=width, height=SCREEN,
                deviceScaleFactor=1, mobile=False)
    chrome.send("Page.navigate", session=s, url=url)
    chrome.wait_event("Page.loadEventFired")
    r = chrome.send("Runtime.evaluate", session=s, expression=CHECK, returnByValue=True)
    result = r["result"]["value"]
    shot = chrome.send("Page.captureScreenshot", session=s, format="png",
                       captureBeyondViewport=True,
                       clip={"x": 0, "y": 0, "width": width,
                             "height": result["height"], "scale": 1})
    with open(png, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    for k in range(tiles):
        if k * SCREEN >= result["height"]:
            break
        shot = chrome.send("Page.captureScreenshot", session=s, format="png",
                           captureBeyondViewport=True,
                           clip={"x": 0, "y": k * SCREEN, "width": width,
                                 "height": SCREEN, "scale": 1})
        with open(png[:-4] + f"-{k}.png", "wb") as f:
            f.write(base64.b64decode(shot["data"]))
    chrome.send("Target.closeTarget", targetId=target)
    return result


def search(chrome, url, query, png, width):
    """Type `query` into the page's search box; return the result links
    (and save a screenshot of the open result list)."""
    target = chrome.send("Target.createTarget", url="about:blank")["targetId"]
    s = chrome.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    chrome.send("Page.enable", session=s)
    chrome.send("Emulation.setDeviceMetricsOverride", session=s, width=width, height=SCREEN,
                deviceScaleFactor=1, mobile=False)
    chrome.send("Page.navigate", session=s, url=url)
    chrome.wait_event("Page.loadEventFired")
    js = ("(() => { const i = document.getElementById('search'); i.value = %s;"
          " i.dispatchEvent(new Event('input'));"
          " return [...document.querySelectorAll('#search-results a')]"
          ".map(a => a.getAttribute('href')); })()" % json.dumps(query))
    hits = chrome.send("Runtime.evaluate", session=s, expression=js,
                       returnByValue=True)["result"]["value"]
    shot = chrome.send("Page.captureScreenshot", session=s, format="png")
    with open(png, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    chrome.send("Target.closeTarget", targetId=target)
    return hits


def book_pages(book_dir):
    """index.html and every page build.py wrote, in reading order."""
    sys.path.insert(0, BOOK)
    import build
    return ["index.html"] + [f"{stem}.html" for stem, _ in
                             build.book_pages(os.path.join(BOOK, "src"))]


def problems(page, r):
    """The failed checks of one page, as sentences."""
    out = []
    for key, what in (("wrapped", "wraps"), ("clipped", "is clipped"),
                      ("excerpts_scroll", "is a code excerpt wider than the page"),
                      ("not_pre", "is not white-space: pre")):
        out += [f"{page}: block {what}: {b}" for b in r[key]]
    out += [f"{page}: image does not load: {b}" for b in r["broken"]]
    if r["page_width"] > r.get("width", 1280):
        out.append(f"{page}: the page is {r['page_width']} px wide")
    if page not in NO_FIGURE_NEEDED and r["figures"] < 1:
        out.append(f"{page}: no figure")
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="*")
    ap.add_argument("--book", default=os.path.join(ROOT, "build", "book"))
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "book-shots"))
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--tiles", type=int, default=0,
                    help="also save the first N screenfuls of each page")
    args = ap.parse_args(argv)
    pages = args.pages or book_pages(args.book)
    os.makedirs(args.out, exist_ok=True)
    chrome = Chromium()
    bad = []
    try:
        for page in pages:
            path = os.path.abspath(os.path.join(args.book, page))
            if not os.path.exists(path):
                bad.append(f"{page}: not built")
                continue
            png = os.path.join(args.out, page.replace(".html", ".png"))
            r = shoot(chrome, "file://" + path, png, args.width, args.tiles)
            r["width"] = args.width
            p = problems(page, r)
            bad += p
            print(f"{page}: {r['blocks']} code blocks, {r['figures']} figures "
                  f"(at y = {', '.join(map(str, r['figure_y']))}), "
                  f"{r['height']} px -> {os.path.relpath(png, ROOT)}"
                  f"{'' if not p else f' ({len(p)} problems)'}")
        if "index.html" in pages:
            png = os.path.join(args.out, "search.png")
            hits = search(chrome, "file://" + os.path.abspath(
                os.path.join(args.book, "index.html")), SEARCH_QUERY, png, args.width)
            print(f"search {SEARCH_QUERY!r}: {len(hits)} results, first {hits[:1]} -> "
                  f"{os.path.relpath(png, ROOT)}")
            if not any(h.startswith("03-ept.html") for h in hits):
                bad.append(f"search: {SEARCH_QUERY!r} finds nothing in chapter 3")
    finally:
        chrome.close()
    for b in bad:
        print(b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
