// SPDX-License-Identifier: MIT
// The book's search box: client-side, over window.BOOK_INDEX (one entry
// per section: u = URL from the book's top, t = title path, x = text),
// which build.py writes to search-index.js. No server; works from file://.
(function () {
  "use strict";
  var input = document.getElementById("search");
  var box = document.getElementById("search-results");
  if (!input || !box) return;
  // Pages sit at the top of the book or under src/: find the way back.
  var root = (document.querySelector("a.home") || {}).getAttribute("href") || "index.html";
  root = root.replace(/index\.html$/, "");

  function score(entry, words) {
    var t = entry.t.toLowerCase(), x = entry.x.toLowerCase(), s = 0;
    for (var i = 0; i < words.length; i++) {
      var inTitle = t.indexOf(words[i]) >= 0, inText = x.indexOf(words[i]) >= 0;
      if (!inTitle && !inText) return 0;
      s += (inTitle ? 10 : 0) + (inText ? 1 : 0);
    }
    return s;
  }

  function snippet(text, word) {
    var at = text.toLowerCase().indexOf(word);
    if (at < 0) return text.slice(0, 120);
    var from = Math.max(0, at - 50);
    return (from > 0 ? "…" : "") + text.slice(from, at + 70) + "…";
  }

  function show() {
    var q = input.value.trim().toLowerCase();
    box.innerHTML = "";
    if (q.length < 2 || !window.BOOK_INDEX) { box.style.display = "none"; return; }
    var words = q.split(/\s+/), hits = [];
    window.BOOK_INDEX.forEach(function (e) {
      var s = score(e, words);
      if (s) hits.push([s, e]);
    });
    hits.sort(function (a, b) { return b[0] - a[0]; });
    hits.slice(0, 12).forEach(function (h) {
      var a = document.createElement("a");
      a.href = root + h[1].u;
      var title = document.createElement("b");
      title.textContent = h[1].t;
      var text = document.createElement("span");
      text.textContent = snippet(h[1].x, words[0]);
      a.appendChild(title);
      a.appendChild(text);
      box.appendChild(a);
    });
    if (!hits.length) box.textContent = "Nothing found for \u201c" + q + "\u201d.";
    box.style.display = "block";
  }

  input.addEventListener("input", show);
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var first = box.querySelector("a");
      if (first) window.location.href = first.href;
    } else if (ev.key === "Escape") {
      input.value = "";
      show();
    }
  });
})();
