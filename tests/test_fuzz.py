# SPDX-License-Identifier: MIT
"""Fuzzing: each tests/fuzz/fuzz_NAME.c is a libFuzzer target, built with
clang under AddressSanitizer and UBSan into build/fuzz/, and run for a
bounded time on a corpus in build/fuzz/corpus-NAME (kept between runs, and
seeded with a few hand-made inputs). A crash, a sanitizer report or a
broken invariant (the target traps) fails the test; libFuzzer saves the
input as build/fuzz/NAME-CHAPTER-crash-*, and `build/fuzz/fuzz_NAME-CHAPTER FILE` replays
it. FUZZ_SECONDS changes how long each target runs; a target whose
source several chapters carry runs against each copy, sharing that time.

The targets need clang and its sanitizer runtimes: Debian's `clang` and
`libclang-rt-dev` (tools/deps.sh test).
"""
import os
import re
import shlex
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "fuzz"
CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror", "-g", "-O1",
          "-fsanitize=fuzzer,address,undefined", "-fno-sanitize-recover=all"]
SECONDS = int(os.environ.get("FUZZ_SECONDS", "15"))
BUILD_TIMEOUT = 120
TAIL = 40  # lines of libFuzzer's output shown on failure


@pytest.fixture(scope="session")
def images():
    """Overrides conftest's: fuzzers need no hypervisor images."""


# ---- hand-made seeds ---------------------------------------------------

def desc(addr, length, flags=0, nxt=0):
    """One descriptor: le64 addr, le32 len, le16 flags, le16 next."""
    return struct.pack("<QIHH", addr, length, flags, nxt)


NEXT, WRITE, INDIRECT = 1, 2, 4
RAM_BASE = 0x1000  # as in fuzz_virtqueue.c


def virtqueue_input(size_log2=2, ready=1, last_avail=0, used_idx=0,
                    descs=(), heads=(), avail_idx=None, rounds=4,
                    read_off=0, write_off=0, push_head=0):
    """A fuzz_virtqueue input: control bytes, then 512 bytes of RAM with
    the descriptor table at offset 0, the avail ring at 0x80, the used ring
    at 0x100 and buffers from 0x180."""
    size = 1 << size_log2
    ram = bytearray(512)
    for i, d in enumerate(descs):
        ram[16 * i:16 * i + 16] = d
    idx = last_avail
    for h in heads:
        struct.pack_into("<H", ram, 0x84 + 2 * (idx % size), h)
        idx = (idx + 1) & 0xFFFF
    struct.pack_into("<H", ram, 0x82, idx if avail_idx is None else avail_idx)
    struct.pack_into("<H", ram, 0x102, used_idx)
    control = struct.pack("<BBHHHHHBBBB", size_log2, ready, last_avail,
                          used_idx, 0, 0x80, 0x100, read_off, write_off,
                          push_head, rounds - 1)
    return control + bytes(ram)


BUF = RAM_BASE + 0x180
VIRTQUEUE_SEEDS = {
    # A virtio-blk request: header, data and status, taken and returned.
    "blk": virtqueue_input(descs=[desc(BUF, 16, NEXT, 1),
                                  desc(BUF + 16, 64, NEXT | WRITE, 2),
                                  desc(BUF + 80, 1, WRITE)],
                           heads=[0], read_off=4, write_off=70),
    # Three one-buffer requests across the 16-bit index wrap.
    "wrap": virtqueue_input(last_avail=65534, used_idx=65534,
                            descs=[desc(BUF, 8, WRITE)] * 3, heads=[0, 1, 2]),
    "loop": virtqueue_input(descs=[desc(BUF, 8, NEXT, 1), desc(BUF, 8, NEXT, 0)],
                            heads=[0]),
    "indirect": virtqueue_input(descs=[desc(BUF, 32, INDIRECT)], heads=[0]),
    "readable-after-writable": virtqueue_input(
        descs=[desc(BUF, 8, WRITE | NEXT, 1), desc(BUF, 8)], heads=[0]),
    "in-hole": virtqueue_input(descs=[desc(0x1800, 8)], heads=[0]),
    "overflow": virtqueue_input(descs=[desc(0xFFFFFFFFFFFFF000, 0x2000)], heads=[0]),
    "avail-far-ahead": virtqueue_input(avail_idx=1000),
    "size-64": virtqueue_input(size_log2=6, descs=[desc(BUF, 4, WRITE)], heads=[0]),
}

MMIO_DECODE_SEEDS = {
    "mov-store": bytes.fromhex("8907"),            # mov [rdi], eax
    "mov-load-disp8": bytes.fromhex("8b4704"),     # mov eax, [rdi+4]
    "mov-imm16": bytes.fromhex("66c7003412"),      # mov word [rax], 0x1234
    "mov-imm64": bytes.fromhex("48c700ffffffff"),  # mov qword [rax], -1
    "movzx": bytes.fromhex("0fb600"),              # movzx eax, byte [rax]
    "high-byte": bytes.fromhex("8820"),            # mov [rax], ah
    "rex-r-sib": bytes.fromhex("4489442408"),      # mov [rsp+8], r8d
    "rip-relative": bytes.fromhex("8b0500100000"),  # mov eax, [rip+0x1000]
}

def measure_step(op, a, b, label=b""):
    """A fuzz_measure step: op (odd: begin, even: end), two 64-bit numbers,
    then the label bytes a begin takes (a % 41 of them)."""
    return struct.pack("<BQQ", op, a, b) + label


MEASURE_SEEDS = {
    # The bug: a measurement of 2^63 bytes, then one of 2 exits: the
    # comparison's product wrapped to 0 and divided by it.
    "two-to-the-63": (measure_step(1, 10, 5, b"2^63 bytes") + measure_step(0, 1 << 63, 7)
                      + measure_step(1, 9, 8, b"two exits") + measure_step(0, 4096, 11)),
    "control-characters": measure_step(1, 8, 0, b"\nPASS\x0b\x0c") + measure_step(0, 0, 0),
}


def mmio_step(device, write, size_log2, offset, value):
    """A fuzz_mmio_devices step: device (0 test, 1 console, 2 blk), one
    access of 2^size_log2 bytes."""
    return struct.pack("<BBHQ", device, (size_log2 << 1) | write, offset, value)


MMIO_DEVICES_SEEDS = {
    # virtio-blk: reset, ACKNOWLEDGE | DRIVER, VERSION_1, FEATURES_OK, then
    # QueueNum 0x10010 and QueueReady (16 in its low bits: refused).
    "queue-num": b"".join([
        mmio_step(2, 1, 2, 0x070, 0), mmio_step(2, 1, 2, 0x070, 3),
        mmio_step(2, 1, 2, 0x024, 1), mmio_step(2, 1, 2, 0x020, 1),
        mmio_step(2, 1, 2, 0x070, 11), mmio_step(2, 1, 2, 0x030, 0),
        mmio_step(2, 1, 2, 0x038, 0x10010), mmio_step(2, 1, 2, 0x044, 1),
        mmio_step(2, 0, 2, 0x070, 0)]),
    "test-device": mmio_step(0, 1, 3, 0x8, 0x0123456789ABCDEF) + mmio_step(0, 0, 3, 0xFF8, 0),
}

def irq_step(op, sel=0, offset=0, value=0):
    """A fuzz_interrupt_controllers step: operation, selector, offset, value."""
    return struct.pack("<BBHI", op, sel, offset, value)


INTERRUPT_CONTROLLERS_SEEDS = {
    # ICW1-ICW4 to the master, IRQ0 unmasked, the PIT at 100 Hz, a second.
    "pit-irq0": b"".join([irq_step(0, 0, 0, 0x11), irq_step(0, 1, 0, 0x20),
                          irq_step(0, 1, 0, 0x04), irq_step(0, 1, 0, 0x01),
                          irq_step(0, 1, 0, 0xFE), irq_step(4, 3, 0, 0x34),
                          irq_step(4, 0, 0, 0x9C), irq_step(4, 0, 0, 0x2E),
                          irq_step(7, 0, 0, 800000), irq_step(2, 0, 0, 1), irq_step(3)]),
    # The APIC timer periodic at count 1, divide by 1: the least period.
    "apic-storm": b"".join([irq_step(6, 1, 0x3E0, 0xB), irq_step(6, 1, 0x320, 0x20041),
                            irq_step(6, 1, 0x380, 1), irq_step(7, 1, 0, 100000)]),
}

# Each target's sources, by their path in the first chapter that has them;
# a target runs once per chapter copy (the file as each later chapter
# carries it), sharing the time budget between the copies.
TARGETS = {
    "virtqueue": (["chapters/04-io/virtqueue.c"], VIRTQUEUE_SEEDS),
    "interrupt_controllers": (["chapters/05-irq/pic8259.c", "chapters/05-irq/pit8254.c",
                               "chapters/05-irq/lapic.c"], INTERRUPT_CONTROLLERS_SEEDS),
    "mmio_decode": (["chapters/03-ept/mmio_decode.c"], MMIO_DECODE_SEEDS),
    "measure": (["chapters/04-io/measure.c", "common/exit_log.c", "tests/fuzz/console_stub.c"],
                MEASURE_SEEDS),
    "mmio_devices": (["chapters/04-io/test_device.c", "chapters/04-io/virtio_mmio.c",
                      "chapters/04-io/virtio_console.c", "chapters/04-io/virtio_blk.c",
                      "chapters/04-io/virtqueue.c", "common/exit_log.c",
                      "common/line_buffer.c", "tests/fuzz/console_stub.c"], MMIO_DEVICES_SEEDS),
}
CHAPTER = re.compile(r"chapters/([^/]+)/")


def copies(sources):
    """(chapter, sources) for each chapter from the named one on that
    carries every source."""
    first = CHAPTER.match(sources[0]).group(1)
    out = []
    for ch in sorted(p.name for p in (ROOT / "chapters").iterdir() if p.is_dir()):
        moved = [CHAPTER.sub(f"chapters/{ch}/", s, count=1) for s in sources]
        if ch >= first and all((ROOT / s).exists() for s in moved):
            out.append((ch, moved))
    return out


CASES = [(name, ch, srcs, seeds, len(copies(sources)))
         for name, (sources, seeds) in sorted(TARGETS.items())
         for ch, srcs in copies(sources)]


# ---- building and running ----------------------------------------------

def _tail(text):
    return "\n".join(text.rstrip().splitlines()[-TAIL:])


def build(name, chapter, sources):
    if not shutil.which("clang"):
        pytest.fail("clang is not installed; the fuzz targets need the Debian "
                    "packages clang and libclang-rt-dev (libFuzzer and the "
                    "sanitizer runtimes): run tools/deps.sh test, or "
                    "apt-get install clang libclang-rt-dev", pytrace=False)
    OUT.mkdir(parents=True, exist_ok=True)
    binary = OUT / f"fuzz_{name}-{chapter}"
    dirs = dict.fromkeys(str(Path(s).parent) for s in sources)
    cmd = (["clang"] + CFLAGS + [f"-I{d}" for d in dirs] + ["-Icommon/include"]
           + [f"tests/fuzz/fuzz_{name}.c"] + sources
           + ["-o", str(binary.relative_to(ROOT))])
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                       timeout=BUILD_TIMEOUT)
    if r.returncode != 0:
        out = r.stdout + r.stderr
        hint = ("\n(libFuzzer's runtime is missing: install libclang-rt-dev)"
                if "clang_rt" in out else "")
        pytest.fail(f"build failed:\n$ {shlex.join(cmd)}\n{_tail(out)}{hint}",
                    pytrace=False)
    return binary


@pytest.mark.parametrize("name,chapter,sources,seeds,shares", CASES,
                         ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_fuzz(name, chapter, sources, seeds, shares):
    binary = build(name, chapter, sources)
    corpus = OUT / f"corpus-{name}-{chapter}"
    corpus.mkdir(parents=True, exist_ok=True)
    for seed, data in seeds.items():
        (corpus / f"seed-{seed}").write_bytes(data)
    seconds = max(1, SECONDS // shares)

    cmd = [str(binary), f"-max_total_time={seconds}", "-rss_limit_mb=1024",
           "-timeout=10", "-max_len=4096", "-print_final_stats=1",
           f"-artifact_prefix={OUT}/{name}-{chapter}-", str(corpus)]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True,
                       timeout=seconds + 60)
    out = r.stdout + r.stderr
    if r.returncode != 0 or "Done " not in out:
        pytest.fail(f"fuzz_{name} ({chapter}) exited with {r.returncode}\n$ {shlex.join(cmd)}\n"
                    f"--- last {TAIL} lines:\n{_tail(out)}", pytrace=False)
