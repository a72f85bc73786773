#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes a NASM include from a C contract header (common/include/abi/), so
that the assembly guests use the numbers the hypervisor defines instead of
copies: each `#define NAME VALUE` and each enum member `NAME = VALUE`
becomes `NAME equ VALUE`, with C's integer suffixes (u, l, ull) dropped.
A value NASM cannot read stops the build, naming the line.

    h2inc.py common/include/abi/hypercall.h build/guests/abi/hypercall.inc
"""
import re
import sys

DEFINE = re.compile(r"\s*#\s*define\s+([A-Z_][A-Z0-9_]*)\s+(.+?)\s*(/\*.*)?$")
MEMBER = re.compile(r"\s*([A-Z_][A-Z0-9_]*)\s*=\s*([^,/]+?)\s*,?\s*(/\*.*)?$")
SUFFIX = re.compile(r"\b(0[xX][0-9A-Fa-f]+|\d+)[uUlL]+\b")
NASM_EXPR = re.compile(r"[0-9A-Fa-fxX ()~<>|&+*-]+")


def convert(header):
    out = [f"; Generated from {header} by tools/h2inc.py: edit the header."]
    for n, line in enumerate(open(header, encoding="utf-8"), 1):
        m = DEFINE.match(line) or MEMBER.match(line)
        if not m:
            continue
        name, value = m.group(1), SUFFIX.sub(r"\1", m.group(2))
        if value.startswith('"'):
            continue  # a string: no use to assembly
        if not NASM_EXPR.fullmatch(value):
            sys.exit(f"{header}:{n}: {name} = {value!r} is not an integer expression")
        out.append(f"{name:<32} equ {value}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    text = convert(sys.argv[1])
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write(text)
