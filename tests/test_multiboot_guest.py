# SPDX-License-Identifier: MIT
"""The multiboot check kernel (guests/multiboot/) under QEMU's own
multiboot loader: every check passes with what QEMU gives, and a module
that does not match the command line is caught and named.

QEMU is the reference loader here; chapter 6's loader must pass the same
checks. The values QEMU reports (its memory map for -m 128) are QEMU's.
"""
import pytest

import stepvisor
from conftest import Log, _artifact_dir

MBCHECK = stepvisor.BUILD / "guests" / "mbcheck.elf"
MEGS = 128
TIMEOUT = 30  # seconds: the checks take well under one
MODULE = b"stepvisor multiboot module: the bytes the kernel hashes\n"
MODULE_STRING = "module.txt a module string"
EXIT_SUCCESS = (0 << 1) | 1  # isa-debug-exit: status (V << 1) | 1

# The machine state and memory lines, in order, for QEMU with -m 128.
STATE_LINES = [
    "mbcheck: multiboot check kernel",
    "mbcheck: EAX = 0x2badb002: ok",
    "mbcheck: protected mode (CR0.PE=1): ok",
    "mbcheck: paging off (CR0.PG=0): ok",
    "mbcheck: interrupts off (EFLAGS.IF=0): ok",
    "mbcheck: not virtual-8086 (EFLAGS.VM=0): ok",
    "mbcheck: CS: 32-bit code, limit 0xffffffff: ok",
    "mbcheck: DS: writable data, limit 0xffffffff: ok",
    "mbcheck: ES: writable data, limit 0xffffffff: ok",
    "mbcheck: FS: writable data, limit 0xffffffff: ok",
    "mbcheck: GS: writable data, limit 0xffffffff: ok",
    "mbcheck: SS: 32-bit writable data, limit 0xffffffff: ok",
    "mbcheck: A20 enabled: ok",
    "mbcheck: .bss zeroed: ok",
    "mbcheck: flags: mem_lower/mem_upper, cmdline, mods, mmap: ok",
    "mbcheck: memory map: [0x0, 0x9fc00) type 1",
    "mbcheck: memory map: [0x100000, 0x7fe0000) type 1",
    "mbcheck: memory map: 7 entries, well-formed: ok",
    "mbcheck: mem_lower 639 KiB, within the map's RAM from 0: ok",
    "mbcheck: mem_upper 129920 KiB, within the map's RAM from 1 MiB: ok",
    "mbcheck: the kernel image lies in available RAM: ok",
]


def fnv1a(data):
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def boot(request, cmdline, module=MODULE):
    """Boots mbcheck.elf with QEMU's -kernel, the module as -initrd;
    returns the Log."""
    workdir = stepvisor._fresh_workdir(_artifact_dir(request, "qemu-tcg"))
    com1 = workdir / "com1.log"
    com1.touch()
    (workdir / "module.txt").write_bytes(module)
    cmd = ["qemu-system-x86_64", "-kernel", str(MBCHECK), "-append", cmdline,
           "-initrd", MODULE_STRING, "-m", str(MEGS), "-display", "none",
           "-no-reboot", "-serial", f"file:{com1}", "-accel", "tcg",
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    code, timed_out, secs = stepvisor._supervise(cmd, com1, TIMEOUT, False)
    return Log(stepvisor.RunResult("qemu", com1.read_text(errors="replace"), code,
                                   timed_out, secs, workdir))


def test_multiboot_checks_pass_under_qemu(request):
    cmdline = f"mbcheck module_bytes={len(MODULE)} module_fnv1a={fnv1a(MODULE):#x}"
    log = boot(request, cmdline)
    # QEMU puts the kernel's file name before the -append text.
    log.has_in_order(STATE_LINES + [
        f'mbcheck: command line "{MBCHECK} {cmdline}": ok',
        "mbcheck: one module: ok",
        f'mbcheck: module "{MODULE_STRING}", {len(MODULE)} bytes, page-aligned, '
        "in available RAM, clear of the kernel: ok",
        f"mbcheck: module contents as the command line says ({len(MODULE)} bytes, "
        f"FNV-1a {fnv1a(MODULE):#010x}): ok",
        "mbcheck: information structure clear of the kernel: ok",
        "mbcheck: all 23 checks passed",
    ])
    assert not [line for line in log.lines if "FAILED" in line]
    assert log.result.exit_code == EXIT_SUCCESS, log.result.exit_code


@pytest.mark.parametrize("what, cmdline", [
    ("hash", f"module_bytes={len(MODULE)} module_fnv1a={fnv1a(MODULE) ^ 1:#x}"),
    ("size", f"module_bytes={len(MODULE) + 1} module_fnv1a={fnv1a(MODULE):#x}"),
    ("absent", "module_bytes=1"),
], ids=["hash", "size", "absent"])
def test_multiboot_module_mismatch_is_named(request, what, cmdline):
    """A module that is not what the command line says fails check 22 by
    name, and the exit status is that check's number."""
    log = boot(request, cmdline)
    failed_check = 22
    why = ("no module_bytes=N module_fnv1a=0xH on the command line" if what == "absent"
           else "size or hash differ")
    detail = ("" if what == "absent" else
              f" ({len(MODULE)} bytes, FNV-1a {fnv1a(MODULE):#010x})")
    log.has_in_order([
        "mbcheck: one module: ok",
        f"mbcheck: module contents as the command line says{detail}: FAILED: {why}",
        f"mbcheck: check {failed_check} failed",
    ])
    log.lacks("mbcheck: all 23 checks passed")
    assert log.result.exit_code == (failed_check << 1) | 1, log.result.exit_code
