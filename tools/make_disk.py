#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the virtio-blk test disk: 128 sectors of 512 bytes, each starting
with a line that names it, so a read can be checked by eye and by test."""
import sys

SECTORS = 128
SECTOR_SIZE = 512

with open(sys.argv[1], "wb") as f:
    for n in range(SECTORS):
        line = f"stepvisor disk sector {n}\n".encode()
        f.write(line + bytes(SECTOR_SIZE - len(line)))
