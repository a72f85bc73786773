#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Counts the instructions Bochs executes to boot the Linux guest natively:
the baseline chapter 6's boot under stepvisor is measured against (goal:
at most 1.5 times this).

GRUB (a grub-mkrescue ISO with `linux` and `initrd`) loads build/linux/
bzImage and initramfs.cpio on Bochs's own PC, as on real hardware: GRUB's
`linux` command enters the kernel through the 32-bit boot protocol at
code32_start. Bochs runs with `clock: sync=none`, where its tick counter
advances one per instruction; its debugger stops three times to read it
(`ptime`):

  1. at the bzImage's entry, code32_start (0x100000): the kernel's first
     instruction, at the breakpoint's second hit (GRUB's relocator runs
     there first);
  2. at vmlinux's startup_64, entered at its physical load address once
     the decompressor is done;
  3. at the first n_tty_poll: the interactive shell, having printed its
     prompt, waits for a key from the console (busybox's line editing
     polls before it reads). Nothing before it polls a tty (/init's
     commands read files, pipes and /dev/vda).

Each breakpoint is deleted once hit (a user process may later run at the
same linear address). Usage:

  tools/bochs_linux_native.py [--cmdline "console=ttyS0"] [--timeout 300] [--megs 256]

It prints the tick counts and the wall time and leaves the run in
build/linux-native/ (com1.log, bochs.log, emulator.out; the ISO is kept
in build/iso/). `make bench` runs it with as much RAM as chapter 6 gave
its guest. start() boots the same ISO as a stepvisor.Session, COM1 on a
pty, so that a program can type at the guest's shell.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_linux  # noqa: E402
import stepvisor  # noqa: E402

WORKDIR = stepvisor.BUILD / "linux-native"
CODE32_START = 0x100000  # where GRUB loads and enters a non-relocatable bzImage
DEFAULT_CMDLINE = "console=ttyS0"
# The machine's RAM: compare with a guest given as much (guest_mem=).
DEFAULT_MEGS = 256
PROMPT_SYMBOL = "n_tty_poll"


def kernel_symbol(vmlinux, name):
    out = subprocess.run(["nm", str(vmlinux)], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2] == name:
            return int(fields[0], 16)
    raise SystemExit(f"bochs_linux_native: no symbol {name} in {vmlinux}")


def physical_entry(vmlinux):
    """vmlinux's entry point as a physical address (the decompressor jumps
    there): Linux writes the physical address into e_entry; a virtual one
    is translated through its LOAD segment."""
    out = subprocess.run(["readelf", "-lW", str(vmlinux)], capture_output=True, text=True,
                         check=True).stdout
    entry = int(out.split("Entry point ")[1].split()[0], 16)
    for line in out.splitlines():
        fields = line.split()
        if fields[:1] == ["LOAD"]:
            vaddr, paddr, memsz = int(fields[2], 16), int(fields[3], 16), int(fields[5], 16)
            if paddr <= entry < paddr + memsz:
                return entry
            if vaddr <= entry < vaddr + memsz:
                return paddr + entry - vaddr
    raise SystemExit("bochs_linux_native: vmlinux's entry is in no LOAD segment")


def build_linux_iso(linux, cmdline):
    """A GRUB ISO whose one entry boots linux/bzImage with cmdline and
    linux/initramfs.cpio; kept by content in build/iso/."""
    files = [linux / "bzImage", linux / "initramfs.cpio"]
    dest = stepvisor.BUILD / "iso" / f"linux-native-{stepvisor._digest(files, cmdline)}.iso"
    if dest.exists():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent) as tmp:
        boot = Path(tmp) / "root" / "boot"
        (boot / "grub").mkdir(parents=True)
        shutil.copy(linux / "bzImage", boot / "bzImage")
        shutil.copy(linux / "initramfs.cpio", boot / "initramfs.cpio")
        (boot / "grub" / "grub.cfg").write_text(
            "set timeout=0\nset default=0\nmenuentry \"linux\" {\n"
            f"  linux /boot/bzImage {cmdline}\n  initrd /boot/initramfs.cpio\n  boot\n}}\n")
        out = Path(tmp) / "out.iso"
        r = subprocess.run(
            ["grub-mkrescue", "--install-modules=linux normal iso9660 biosdisk",
             "--fonts=", "--locales=", "--themes=", "--compress=no",
             "-o", str(out), str(Path(tmp) / "root")], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"bochs_linux_native: grub-mkrescue failed:\n{r.stderr}")
        os.replace(out, dest)  # atomic: parallel test workers may race
    return dest


def start(cmdline=DEFAULT_CMDLINE, workdir=WORKDIR, commands=("continue", "quit"),
          timeout=300, model=stepvisor.DEFAULT_BOCHS_MODEL, megs=DEFAULT_MEGS):
    """A stepvisor.Session: Bochs booting the Linux guest natively through
    GRUB, COM1 on a pty (what is sent is typed at the guest's console);
    the debugger runs commands first."""
    linux = build_linux.ensure()
    iso = build_linux_iso(linux, cmdline)
    return stepvisor.start_bochs_iso(iso, workdir, model, timeout, commands=commands,
                                     megs=megs)


def measure(cmdline=DEFAULT_CMDLINE, timeout=300, model=stepvisor.DEFAULT_BOCHS_MODEL,
            megs=DEFAULT_MEGS):
    linux = build_linux.ensure()
    startup_64 = physical_entry(linux / "vmlinux")
    prompt = kernel_symbol(linux / "vmlinux", PROMPT_SYMBOL)
    # GRUB's relocator runs at code32_start first (with CS 0x08, copying
    # the kernel into place), then enters the kernel there: the second
    # arrival is the kernel's first instruction.
    commands = (f"lb {CODE32_START:#x}", "continue", "continue", "ptime", "del 1",
                f"lb {startup_64:#x}", "continue", "ptime", "del 2",
                f"lb {prompt:#x}", "continue", "ptime", "quit")
    with start(cmdline, WORKDIR, commands, timeout, model, megs) as session:
        r = session.finish()
    out = (r.workdir / "emulator.out").read_text(errors="replace")
    ticks = [int(line.split()[1]) for line in out.splitlines() if line.startswith("ptime: ")]
    return {"ticks": ticks, "seconds": r.seconds, "timed_out": r.timed_out,
            "exit": r.exit_code, "workdir": r.workdir, "cmdline": cmdline, "model": model,
            "megs": megs, "startup_64": startup_64, "prompt_symbol": prompt,
            "release": (linux / "release").read_text().strip()}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cmdline", default=DEFAULT_CMDLINE)
    p.add_argument("--timeout", type=int, default=300)
    p.add_argument("--model", default=stepvisor.DEFAULT_BOCHS_MODEL)
    p.add_argument("--megs", type=int, default=DEFAULT_MEGS)
    args = p.parse_args(argv)
    began = time.monotonic()
    m = measure(args.cmdline, args.timeout, args.model, args.megs)
    t = m["ticks"]
    print(f"Linux {m['release']} under Bochs ({m['model']}, {m['megs']} MB), natively "
          f"through GRUB, command line {m['cmdline']!r}")
    if len(t) < 3:
        print(f"incomplete: {len(t)} of 3 breakpoints reached "
              f"({'timed out' if m['timed_out'] else 'exit ' + str(m['exit'])}); "
              f"see {m['workdir']}")
        return 1
    print(f"  BIOS and GRUB, to the kernel's entry (0x{CODE32_START:x}): {t[0]:,} ticks")
    print(f"  decompression, to startup_64 ({m['startup_64']:#x}): {t[1] - t[0]:,} ticks")
    print(f"  startup_64 to the prompt, the shell polling the console "
          f"({PROMPT_SYMBOL}): {t[2] - t[1]:,} ticks")
    print(f"  kernel entry to the shell prompt: {t[2] - t[0]:,} ticks")
    print(f"  wall time: {m['seconds']:.1f} s in Bochs ({time.monotonic() - began:.1f} s "
          "with the ISO)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
