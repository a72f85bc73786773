# SPDX-License-Identifier: MIT
"""Extract code excerpts from the real source, for the book.

One entry point, extract(path, symbol), returns the text of one definition
(or of the whole file) and raises LookupError when it is not there;
locate(path, symbol) also returns its first and last line numbers. The
rules are deliberately simple and line-based; they rely on the house style
of putting top-level definitions and their closing brace at column 0.

    symbol            file types       what is returned
    ----------------  ---------------  ---------------------------------------
    None or ""        any              the whole file
    NAME              .c .h            a function definition: from its
                                       signature line (or the return-type line
                                       just above it) to the first `}` at
                                       column 0, with the comment block
                                       directly above it
    struct NAME       .c .h            from `struct NAME {` (or `typedef
    (union, enum)                      struct NAME {`) to the first line at
                                       column 0 starting with `}` and ending
                                       with `;`, with the comment above;
                                       `typedef struct { ... } NAME;` works too
    #define NAME      .c .h .asm .S    the macro line, plus any lines joined
                                       to it by a trailing backslash
    NAME              .asm .S .s       from the line `NAME:` at column 0 to
                                       the end of the routine (see
                                       _asm_label), with a `global NAME`
                                       line and the comment lines directly
                                       above it
"""

import os
import re

C_EXTS = (".c", ".h")
ASM_EXTS = (".asm", ".inc", ".S", ".s")
# Line-comment markers: NASM `;`, preprocessed GNU as `//`, plain GNU as `#`.
ASM_COMMENTS = {".asm": (";",), ".S": ("//",), ".s": ("#", "//")}


def extract(path, symbol=None):
    """Return the excerpt `symbol` of the file at `path` (no trailing newline).

    Raise LookupError if the file cannot be read, the symbol is not defined
    in it, or the symbol form does not apply to this type of file.
    """
    return locate(path, symbol)[0]


def locate(path, symbol=None):
    """Return (text, first, last): the excerpt and its 1-based line range."""
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise LookupError(f"cannot read {path}: {e.strerror}") from None
    symbol = (symbol or "").strip()
    if not symbol:
        text = text.rstrip("\n")
        return text, 1, text.count("\n") + 1

    lines = text.splitlines()
    ext = os.path.splitext(path)[1]
    m = re.fullmatch(r"#\s*define\s+(\w+)", symbol)
    if m and ext in C_EXTS + ASM_EXTS:
        found = _define(lines, m.group(1))
    elif ext in C_EXTS:
        m = re.fullmatch(r"(struct|union|enum)\s+(\w+)", symbol)
        if m:
            found = _aggregate(lines, m.group(1), m.group(2))
        elif re.fullmatch(r"\w+", symbol):
            found = _function(lines, symbol)
        else:
            found = None
    elif ext in ASM_EXTS and re.fullmatch(r"[\w.$@?]+", symbol):
        found = _asm_label(lines, symbol, ASM_COMMENTS[ext])
    else:
        found = None
    if found is None:
        raise LookupError(f"cannot find {symbol} in {path}")
    first, last = found
    return "\n".join(lines[first:last + 1]), first + 1, last + 1


def _comment_above(lines, i, prefixes=("//",)):
    """Index of the first line of the comment block ending at line i-1.

    Recognised: a `/* ... */` block whose last line ends with `*/`, or a run
    of lines starting with one of `prefixes`. Returns i when there is none.
    """
    k = i - 1
    if k < 0:
        return i
    s = lines[k].strip()
    if s.endswith("*/"):
        while k >= 0:
            s = lines[k].strip()
            if s.startswith("/*"):
                return k
            if k != i - 1 and "*/" in s:
                return i  # ran into an earlier comment: not one block
            k -= 1
        return i
    while k >= 0 and lines[k].strip().startswith(prefixes) and lines[k].strip():
        k -= 1
    return k + 1


def _is_toplevel_code(line):
    """True for a line that starts at column 0 and is not a comment or #."""
    return bool(line) and not line[0].isspace() and not line.startswith(
        ("#", "//", "/*", "*", "}", "{"))


def _function(lines, name):
    call = re.compile(r"(?<![\w.>])" + re.escape(name) + r"\s*\(")
    for i, line in enumerate(lines):
        if not _is_toplevel_code(line):
            continue
        m = call.search(line)
        if not m or any(c in line[:m.start()] for c in "=;{}"):
            continue
        # A definition reaches `{` before any `;` (a prototype ends in `;`).
        j, opening = i, None
        while j < len(lines):
            code = re.sub(r"//.*|/\*.*?\*/", "", lines[j])
            if j == i:
                code = code[m.start():]
            pos = [p for p in (code.find("{"), code.find(";")) if p >= 0]
            if pos:
                if code[min(pos)] == "{":
                    opening = j
                break
            j += 1
        if opening is None:
            continue
        start = i
        prev = lines[i - 1].rstrip() if i > 0 else ""
        if m.start() == 0 and _is_toplevel_code(prev) and \
                not prev.endswith((";", "*/", "\\", ",")):
            start = i - 1  # return type on its own line (BSD style)
        end = _close_brace(lines, opening)
        if end is None:
            continue
        return _comment_above(lines, start), end
    return None


def _close_brace(lines, opening):
    """Index of the line closing the body opened on line `opening`."""
    code = re.sub(r"//.*|/\*.*?\*/|\"(\\.|[^\"\\])*\"|'(\\.|[^'\\])*'",
                  "", lines[opening])
    if code.count("{") and code.count("{") == code.count("}"):
        return opening  # the whole body is on one line
    for k in range(opening + 1, len(lines)):
        if lines[k].startswith("}"):
            return k
    return None


def _aggregate(lines, kind, name):
    head = re.compile(r"(typedef\s+)?" + kind + r"\s+" + re.escape(name) +
                      r"\b\s*(__attribute__\s*\(\(.*\)\)\s*)?(\{.*)?$")
    for i, line in enumerate(lines):
        m = head.match(line)
        if not m:
            continue
        if not m.group(3):
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if not nxt.startswith("{"):
                continue  # forward declaration, or a variable of the type
        end = _aggregate_end(lines, i)
        if end is not None:
            return _comment_above(lines, i), end
    # typedef struct { ... } NAME;
    tail = re.compile(r"\}.*\b" + re.escape(name) + r"\s*;")
    for k, line in enumerate(lines):
        if tail.match(line):
            for i in range(k - 1, -1, -1):
                if re.match(r"typedef\s+" + kind + r"\b[^;]*(\{.*)?$",
                            lines[i]):
                    return _comment_above(lines, i), k
                if lines[i].startswith("}"):
                    break
    return None


def _aggregate_end(lines, start):
    for k in range(start, len(lines)):
        s = lines[k].rstrip()
        if s.startswith("}") and s.endswith(";"):
            return k
        if k > start and _is_toplevel_code(lines[k]):
            return None
    return None


def _define(lines, name):
    head = re.compile(r"\s*#\s*define\s+" + re.escape(name) + r"\b")
    for i, line in enumerate(lines):
        if head.match(line):
            end = i
            while lines[end].rstrip().endswith("\\") and end + 1 < len(lines):
                end += 1
            return i, end
    return None


def _asm_label(lines, name, comment):
    """A routine in an assembly file, from `name:` at column 0.

    It ends before the first blank line that is followed (after any comment
    lines) by a line at column 0 that is not a local `.label` — that is, by
    the next top-level label or directive — or at the end of the file.
    Trailing blank and comment lines are dropped.
    """
    label = re.compile(re.escape(name) + r":")
    for i, line in enumerate(lines):
        if not label.match(line):
            continue
        end = len(lines) - 1
        for k in range(i + 1, len(lines)):
            if lines[k].strip():
                continue
            n = k + 1
            while n < len(lines) and (not lines[n].strip() or
                                      lines[n].lstrip().startswith(comment)):
                n += 1
            if n < len(lines) and not lines[n][0].isspace() and \
                    not lines[n].startswith("."):
                end = k - 1
                break
        while end > i and (not lines[end].strip() or
                           lines[end].lstrip().startswith(comment)):
            end -= 1
        start = i
        if i > 0 and re.match(r"\s*(global|\.globl|\.global)\s+" +
                              re.escape(name) + r"\b", lines[i - 1]):
            start = i - 1  # the symbol's export line belongs with it
        return _comment_above(lines, start, comment), end
    return None
