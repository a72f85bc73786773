#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""stepvisor's launcher: boots a chapter's image under Bochs or QEMU.

The Makefile's run, iso, debug and bench targets call this file, and the
test harness imports it, so there is one way to boot a chapter.

Image format (see README.md): a multiboot1 ELF32. QEMU loads it with
-kernel; Bochs (like real hardware) boots a GRUB ISO holding it. Guests
travel as multiboot modules, scenarios as the multiboot command line.
"""
import argparse
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"

# Bochs 2.7's CPU models with VMX and long mode (stepvisor needs both),
# oldest first, as measured by booting chapter 1 on each (see
# ../shared/notes/emulators.md for their VMX features). penryn has no EPT,
# lynnfield no unrestricted guest: chapters 3 and 4 refuse to run there.
BOCHS_MODELS = ("core2_penryn_t9600", "corei5_lynnfield_750", "corei5_arrandale_m520",
                "corei7_sandy_bridge_2600k", "corei7_ivy_bridge_3770k",
                "corei7_haswell_4770", "corei7_skylake_x", "corei3_cnl",
                "corei7_icelake_u", "tigerlake")
DEFAULT_BOCHS_MODEL = "corei7_haswell_4770"
BOCHS_MEGS = 256
QEMU_MEGS = 256
# What the hypervisor itself needs below the guest's RAM: the first MiB,
# its image, page tables, EPT tables and the VMCS (measured: 252M of
# guest_mem still boots in 256 MB; this leaves room to grow).
HYPERVISOR_RESERVE_MB = 16
DEFAULT_TIMEOUT = 300  # seconds; TIMEOUT= on make
# QEMU's isa-debug-exit turns the value V the image writes into exit
# status (V << 1) | 1; common/include/run_end.h picks V.
QEMU_EXIT_PASS = (0x10 << 1) | 1
QEMU_EXIT_FAIL = (0x11 << 1) | 1
# A negative scenario the hypervisor handled as it should prints this line,
# then PASS.
EXPECTED_OUTCOME = "expected outcome: "
# The launcher's exit codes (make run adds its own: see README.md).
EXIT_PASS, EXIT_FAIL, EXIT_USAGE, EXIT_NO_VERDICT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
KVM_NESTED = Path("/sys/module/kvm_intel/parameters/nested")


def chapters():
    return sorted(p.name for p in (ROOT / "chapters").iterdir()
                  if p.is_dir() and p.name[:2].isdigit())


def resolve_chapter(name):
    """'3', '03' or '03-ept' -> '03-ept'."""
    name = str(name)
    for ch in chapters():
        if name in (ch, ch[:2], ch[:2].lstrip("0")):
            return ch
    raise SystemExit(f"stepvisor: no chapter '{name}'; have: {' '.join(chapters())}")


class Refused(Exception):
    """An option the launcher will not pass on; the message says why and
    what to do instead. Ends the launcher with EXIT_USAGE, no traceback."""


# What may reach GRUB's command line unquoted: GRUB's script language gives
# meaning to quotes, $, \\, ;, &, |, <, >, {, }, # and newlines, so a
# command line is words of these characters only, separated by spaces.
CMDLINE_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789_.,:/+-= ")
SIZE_SUFFIXES = {"": 0, "K": 10, "M": 20, "G": 30}  # as common/cmdline.c parse_size


def check_cmdline(cmdline):
    """Refuses a command line GRUB or the Makefile would reinterpret."""
    for c in cmdline:
        if c not in CMDLINE_CHARACTERS:
            raise Refused(
                f"CMDLINE contains {c!r}, which GRUB would interpret (quote, "
                f"variable, separator or escape); CMDLINE takes words such as "
                f"scenario=NAME, made of letters, digits and _ . , : / + - =")
    return cmdline


def _parse_size(text):
    """common/cmdline.c's parse_size in Python: digits, then K, M or G."""
    digits = text.rstrip("KMG")
    suffix = text[len(digits):]
    if not digits.isdigit() or suffix not in SIZE_SUFFIXES:
        return None
    return int(digits) << SIZE_SUFFIXES[suffix]


def check_guest_mem(cmdline, emulator, megs):
    """Refuses a guest_mem= that cannot fit in the emulated machine's RAM,
    before booting, and says what fits. The hypervisor itself judges a
    malformed size."""
    fits_mb = megs - HYPERVISOR_RESERVE_MB
    for word in cmdline.split():
        if not word.startswith("guest_mem="):
            continue
        size = _parse_size(word[len("guest_mem="):])
        if size is not None and size > fits_mb << 20:
            raise Refused(
                f"{word} does not fit: {emulator} gives the machine {megs} MB, of "
                f"which the hypervisor keeps {HYPERVISOR_RESERVE_MB} MB; use "
                f"guest_mem={fits_mb}M or less")


def check_model(model):
    if model not in BOCHS_MODELS:
        raise Refused(f"MODEL={model} is not a Bochs CPU model with VMX and long mode; "
                      f"MODEL= takes one of: {' '.join(BOCHS_MODELS)}")
    return model


def check_timeout(text):
    if not str(text).isdigit() or int(text) == 0:
        raise Refused(f"TIMEOUT={text} is not a whole number of seconds above 0")
    return int(text)


EMULATOR_CHOICES = ("auto", "bochs", "qemu")


def check_emu(emu):
    if emu not in EMULATOR_CHOICES:
        raise Refused(f"EMU={emu} is not a backend; EMU= takes auto, bochs or qemu")
    return emu


def kernel(chapter):
    return BUILD / chapter / "stepvisor.elf"


# --- host chapters: a VMM in user space on /dev/kvm (chapter 7) -------------

HOST_PROGRAM = "stepvisor-kvm"
KVM_DEVICE = Path("/dev/kvm")
# CMDLINE= picks the guest: chapter 4's (with its disk), the two-vCPU one,
# or chapter 5's (its interrupts and timers from the VMM's own devices).
HOST_GUESTS = {"": ["guests/guest_io.bin", "guests/disk.img"],
               "smp": ["--smp", "guests/kvm_smp.bin"],
               "irq": ["guests/guest_irq.bin", "guests/disk.img"]}


def is_host_chapter(chapter):
    """A chapter whose main.c has a C main() is a program for this machine
    (the Makefile's HOST_CHAPTERS), run directly, not booted."""
    main = ROOT / "chapters" / chapter / "main.c"
    return main.exists() and re.search(r"^int main\(int argc", main.read_text(), re.M)


def run_host(chapter, cmdline="", workdir=None, timeout=120, live=False):
    """Runs a host chapter's VMM; its standard output is the run's log
    (com1.log, as for the emulators). The VMM itself says FAIL, naming the
    fix, when /dev/kvm is missing or not accessible."""
    workdir = _fresh_workdir(workdir or BUILD / "run" / f"{chapter}-kvm")
    com1 = workdir / "com1.log"
    com1.touch()
    args = [a if a.startswith("--") else str(BUILD / a) for a in HOST_GUESTS[cmdline]]
    cmd = ["sh", "-c", 'exec "$0" "$@" > com1.log 2>&1',
           str(BUILD / chapter / HOST_PROGRAM)] + args
    code, timed_out, secs = _supervise(cmd, com1, timeout, live)
    return RunResult("kvm", com1.read_text(errors="replace"), code, timed_out, secs, workdir)


def module_entries(chapter):
    """The files a chapter boots with, listed in chapters/NN-*/modules, one
    a line: a path relative to build/, then optionally the name the
    hypervisor finds it by (the file's own name when absent)."""
    listing = ROOT / "chapters" / chapter / "modules"
    if not listing.exists():
        return []
    out = []
    for line in listing.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            path, _, name = line.strip().partition(" ")
            out.append((BUILD / path, name.strip() or Path(path).name))
    return out


def modules(chapter):
    """The paths of the chapter's modules (module_entries without names)."""
    return [path for path, _ in module_entries(chapter)]


def _digest(paths, *extra):
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p).encode())
        h.update(Path(p).read_bytes())
    for e in extra:
        h.update(str(e).encode())
    return h.hexdigest()[:16]


def build_iso(chapter, cmdline=""):
    """A GRUB ISO that boots chapter with cmdline; cached by content, so
    each scenario's ISO is made once (about 0.2 s with few GRUB modules)."""
    check_cmdline(cmdline)
    files = [kernel(chapter)] + modules(chapter)
    for f in files:
        if not f.exists():
            raise SystemExit(f"stepvisor: {f} is missing; run 'make images'")
    names = [name for _, name in module_entries(chapter)]
    iso = BUILD / "iso" / f"{chapter}-{_digest(files, cmdline, *names)}.iso"
    if iso.exists():
        return iso
    iso.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=iso.parent) as tmp:
        boot = Path(tmp) / "root" / "boot"
        (boot / "grub").mkdir(parents=True)
        shutil.copy(files[0], boot / "stepvisor.elf")
        lines = ["set timeout=0", "set default=0", 'menuentry "stepvisor" {',
                 f"  multiboot /boot/stepvisor.elf {cmdline}".rstrip()]
        for m, name in module_entries(chapter):
            shutil.copy(m, boot / name)
            lines.append(f"  module /boot/{name} {name}")
        lines += ["  boot", "}"]
        (boot / "grub" / "grub.cfg").write_text("\n".join(lines) + "\n")
        out = Path(tmp) / "out.iso"
        r = subprocess.run(
            ["grub-mkrescue", "--install-modules=multiboot normal iso9660 biosdisk",
             "--fonts=", "--locales=", "--themes=", "--compress=no",
             "-o", str(out), str(Path(tmp) / "root")],
            capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"stepvisor: grub-mkrescue failed:\n{r.stderr}")
        os.replace(out, iso)  # atomic: parallel test workers may race
    return iso


@dataclass
class RunResult:
    """What one boot produced: the serial log and how the emulator ended."""
    emulator: str
    log: str
    exit_code: "int | None"
    timed_out: bool
    seconds: float
    workdir: Path

    @property
    def lines(self):
        """The COM1 log's lines. Only "\n" ends a line: Python's splitlines()
        would also break at \v, \f and other characters a guest can print."""
        text = self.log[:-1] if self.log.endswith("\n") else self.log
        return [line.rstrip("\r") for line in text.split("\n")] if text else []

    @property
    def verdict(self):
        """The hypervisor's verdict: its last line of COM1 when that is
        "PASS" or "FAIL: ...", else None. A run that was killed at its
        timeout has no verdict, whatever its log says, and so has a log
        whose last line is anything else (a guest's "PASS" among other
        lines is never the verdict)."""
        if self.timed_out:
            return None
        last = next((line for line in reversed(self.lines) if line), "")
        if last == "PASS" or last.startswith("FAIL: "):
            return last
        return None

    @property
    def expected_outcome(self):
        """For a negative scenario the hypervisor handled as it should:
        the reason from its "expected outcome: <reason>" line, printed just
        before PASS; None otherwise."""
        if self.verdict != "PASS":
            return None
        body = [line for line in self.lines if line]
        if len(body) >= 2 and body[-2].startswith(EXPECTED_OUTCOME):
            return body[-2][len(EXPECTED_OUTCOME):]
        return None


def _bochsrc(iso, com1, log, cpu_model, megs):
    return f"""\
display_library: term
megs: {megs}
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model={cpu_model}, count=1, ips=80000000, reset_on_triple_fault=0
ata0-master: type=cdrom, path={iso}, status=inserted
boot: cdrom
com1: enabled=1, mode=file, dev={com1}
port_e9_hack: enabled=1
log: {log}
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
clock: sync=none, time0=946684800
speaker: enabled=0
sound: driver=dummy
"""


def _supervise(cmd, com1, timeout, live, env=None):
    """Runs cmd in its own process group, streaming com1 when live, and
    kills the whole group with SIGKILL (Bochs ignores SIGTERM) at the
    timeout and on every other way out of here: Ctrl-C, SIGTERM, SIGHUP,
    an exception. Returns (exit code or None, timed out, seconds)."""
    start = time.monotonic()
    proc = None
    try:
        with open(com1.parent / "emulator.out", "wb") as out:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True,
                                    cwd=com1.parent, env=env)
            shown = 0
            timed_out = False
            while proc.poll() is None:
                if time.monotonic() - start > timeout:
                    timed_out = True
                    break
                if live:
                    shown = _show_new(com1, shown)
                time.sleep(0.05)
            if live:
                _show_new(com1, shown)
    finally:
        if proc is not None:
            _kill_group(proc)
    code = None if timed_out else proc.returncode
    return code, timed_out, time.monotonic() - start


def _kill_group(proc):
    """SIGKILL to proc's whole process group (the emulator and anything it
    started), then reap it. Harmless when it has already exited."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


class Interrupted(Exception):
    """The launcher was told to stop (Ctrl-C, SIGTERM, SIGHUP)."""


def _on_signal(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def _show_new(path, shown):
    if path.exists():
        data = path.read_bytes()[shown:]
        if data:
            sys.stdout.write(data.decode(errors="replace").replace("\r", ""))
            sys.stdout.flush()
            return shown + len(data)
    return shown


def _fresh_workdir(workdir):
    workdir = Path(workdir)
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    return workdir


def run_bochs(chapter, cmdline="", workdir=None, cpu_model=DEFAULT_BOCHS_MODEL,
              timeout=120, live=False, iso=None):
    """Boots chapter's ISO (or the given iso) under Bochs. Any model Bochs
    knows is taken here (tests boot AMD models too); MODEL= on make is
    checked against BOCHS_MODELS."""
    check_guest_mem(cmdline, "Bochs", BOCHS_MEGS)
    iso = iso or build_iso(chapter, cmdline)
    workdir = _fresh_workdir(workdir or BUILD / "run" / chapter)
    com1 = workdir / "com1.log"
    com1.touch()
    (workdir / "bochsrc").write_text(
        _bochsrc(iso, com1, workdir / "bochs.log", cpu_model, BOCHS_MEGS))
    # Bochs's debugger stops at t=0: these commands let it run, then quit.
    (workdir / "cmds.rc").write_text("continue\nquit\n")
    env = dict(os.environ, TERM="vt100")
    cmd = ["bochs", "-q", "-f", "bochsrc", "-rc", "cmds.rc"]
    code, timed_out, secs = _supervise(cmd, com1, timeout, live, env)
    return RunResult("bochs", com1.read_text(errors="replace"), code, timed_out,
                     secs, workdir)


def _qemu_cmd(chapter, cmdline, accel, serial):
    """QEMU's command line as its manual documents it: -kernel and
    -initrd for a multiboot image and its modules, -append for the command
    line, -serial for COM1, the isa-debug-exit device, and with KVM
    -accel kvm -cpu host (the host's VMX features, passed through)."""
    check_cmdline(cmdline)
    check_guest_mem(cmdline, "QEMU", QEMU_MEGS)
    mods = ",".join(f"{m} {name}" for m, name in module_entries(chapter))
    cmd = ["qemu-system-x86_64", "-kernel", str(kernel(chapter)),
           "-append", cmdline, "-m", str(QEMU_MEGS), "-display", "none",
           "-no-reboot", "-serial", serial,
           "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if mods:
        cmd += ["-initrd", mods]
    if accel == "kvm":
        cmd += ["-accel", "kvm", "-cpu", "host"]
    else:
        # TCG has no VMX: the image must say so and FAIL.
        cmd += ["-accel", "tcg", "-cpu", "max"]
    return cmd


def run_qemu(chapter, cmdline="", workdir=None, accel="tcg", timeout=120,
             live=False):
    workdir = _fresh_workdir(workdir or BUILD / "run" / chapter)
    com1 = workdir / "com1.log"
    com1.touch()
    cmd = _qemu_cmd(chapter, cmdline, accel, f"file:{com1}")
    code, timed_out, secs = _supervise(cmd, com1, timeout, live)
    return RunResult(f"qemu-{accel}", com1.read_text(errors="replace"), code,
                     timed_out, secs, workdir)


def host_vmx():
    """(True, why) if this host can run stepvisor under QEMU+KVM; else
    (False, the first reason it cannot). make doctor says more."""
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
    except OSError:
        cpuinfo = ""
    flags = next((line.split(":", 1)[1] for line in cpuinfo.split("\n")
                  if line.startswith("flags")), "").split()
    vendor = next((line.split(":", 1)[1].strip() for line in cpuinfo.split("\n")
                   if line.startswith("vendor_id")), "unknown")
    if "vmx" not in flags:
        if vendor == "AuthenticAMD":
            return False, "the host CPU has no VMX (an AMD CPU: AMD-V is not VT-x)"
        if "hypervisor" in flags:
            return False, (f"the host CPU has no VMX ({vendor} in a virtual machine "
                           "that does not pass VT-x through)")
        return False, f"the host CPU has no VMX ({vendor}; VT-x absent or off in the firmware)"
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        return False, "the host has VMX but /dev/kvm is missing or not accessible"
    nested = KVM_NESTED.read_text().strip() if KVM_NESTED.exists() else "N"
    if nested not in ("Y", "1"):
        return False, f"the host has VMX but nested KVM is off ({KVM_NESTED} = {nested})"
    return True, "the host has VMX and nested KVM"


def choose_emulator(emu):
    check_emu(emu)
    if emu == "bochs":
        return "bochs", "EMU=bochs was asked for"
    if emu == "qemu":
        ok, why = host_vmx()
        return ("qemu-kvm" if ok else "qemu-tcg"), (
            f"EMU=qemu was asked for; {why}" +
            ("" if ok else ", so QEMU runs without KVM and without VMX"))
    ok, why = host_vmx()
    if ok:
        return "qemu-kvm", f"{why}: QEMU with KVM is the fast path"
    return "bochs", f"{why}: Bochs emulates VMX with EPT in software"


def run(chapter, emu, cmdline, timeout, live=True, cpu_model=DEFAULT_BOCHS_MODEL):
    workdir = BUILD / "run" / f"{chapter}-{emu}"
    if emu == "bochs":
        return run_bochs(chapter, cmdline, workdir=workdir, cpu_model=cpu_model,
                         timeout=timeout, live=live)
    return run_qemu(chapter, cmdline, workdir=workdir,
                    accel="kvm" if emu == "qemu-kvm" else "tcg", timeout=timeout, live=live)


def outcome(r, emu, timeout):
    """(exit code, the one line that tells the student how the run ended)."""
    where = f"{emu}, {r.seconds:.1f} s; log in {r.workdir.relative_to(ROOT)}/com1.log"
    if r.timed_out:
        return EXIT_NO_VERDICT, (f"stepvisor: no verdict: {emu} was still running after "
                                 f"{timeout} s and was killed (TIMEOUT={timeout}); "
                                 f"log in {r.workdir.relative_to(ROOT)}/com1.log")
    if r.verdict is None:
        return EXIT_NO_VERDICT, (f"stepvisor: no verdict: the run ended without PASS or "
                                 f"FAIL as the hypervisor's last line ({where})")
    if r.verdict == "PASS" and r.expected_outcome:
        return EXIT_PASS, (f"stepvisor: PASS: the expected outcome, "
                           f"{r.expected_outcome} ({where})")
    if r.verdict == "PASS":
        return EXIT_PASS, f"stepvisor: PASS ({where})"
    return EXIT_FAIL, f"stepvisor: {r.verdict} ({where})"


def cmd_run(args):
    chapter = resolve_chapter(args.chapter)
    if is_host_chapter(chapter):
        return cmd_run_host(chapter, args)
    emu, why = choose_emulator(args.emu)
    timeout = check_timeout(args.timeout)
    model = check_model(args.model)
    check_cmdline(args.cmdline)
    if emu == "bochs":
        check_guest_mem(args.cmdline, "Bochs", BOCHS_MEGS)
    else:
        check_guest_mem(args.cmdline, "QEMU", QEMU_MEGS)
    on = f" ({model})" if emu == "bochs" and model != DEFAULT_BOCHS_MODEL else ""
    print(f"stepvisor: running chapter {chapter} under {emu}{on}: {why}", flush=True)
    r = run(chapter, emu, args.cmdline, timeout, cpu_model=model)
    code, line = outcome(r, emu, timeout)
    print(line)
    return code


def refuse_host(chapter, what):
    if is_host_chapter(chapter):
        raise Refused(f"chapter {chapter} is a program for this machine, not a bootable "
                      f"image: {what}")


def cmd_iso(args):
    chapter = resolve_chapter(args.chapter)
    refuse_host(chapter, "it has no ISO")
    iso = build_iso(chapter, args.cmdline)
    dest = BUILD / chapter / "stepvisor.iso"
    shutil.copy(iso, dest)
    print(f"stepvisor: {dest.relative_to(ROOT)}: boots with BIOS (legacy boot, or UEFI "
          f"with CSM) and speaks on COM1 only (see README.md)")
    return 0


def bochs_symbols(elf64, dest):
    """Writes elf64's symbols as Bochs's ldsym reads them ("address name"
    a line) and returns {name: address}."""
    out = subprocess.run(["nm", "--defined-only", str(elf64)], capture_output=True,
                         text=True, check=True).stdout
    symbols = {}
    for line in out.split("\n"):
        fields = line.split()
        if len(fields) == 3 and fields[1] in "tTdDbBrR":
            symbols[fields[2]] = int(fields[0], 16)
    dest.write_text("".join(f"{addr:016x} {name}\n" for name, addr in
                            sorted(symbols.items(), key=lambda kv: kv[1])))
    return symbols


BOCHS_DEBUG_HELP = """\
stepvisor: Bochs debugger with the hypervisor's symbols loaded (ldsym): the
  disassembly shows e.g. (chapter_main+0). Useful commands:
    lb 0x{main:x}       break at chapter_main (lb takes addresses:
                        nm build/{chapter}/stepvisor.elf64 gives the others)
    vmexitbp            stop at every VM exit, before the hypervisor runs
                        (again to turn it off); c continues to the next one
    c, s, n, r, sreg, creg, info tab, x /8gx ADDR, q
  serial output goes to {com1}"""


def cmd_debug(args):
    chapter = resolve_chapter(args.chapter)
    refuse_host(chapter, f"debug it with gdb {BUILD.name}/{chapter}/{HOST_PROGRAM}")
    emu, why = choose_emulator(args.emu)
    model = check_model(args.model)
    check_cmdline(args.cmdline)
    elf64 = BUILD / chapter / "stepvisor.elf64"
    print(f"stepvisor: debugging chapter {chapter} under {emu}: {why}")
    if emu == "qemu-kvm":
        port = "1234"
        cmd = _qemu_cmd(chapter, args.cmdline, "kvm", "stdio")
        cmd += ["-gdb", f"tcp:127.0.0.1:{port}", "-S"]
        qemu = subprocess.Popen(cmd, start_new_session=True)
        try:
            # gdb reads the ELF64's symbols; Ctrl-C belongs to it.
            with _ignoring_sigint():
                subprocess.run(["gdb", "-q", str(elf64),
                                "-ex", "set architecture i386:x86-64",
                                "-ex", f"target remote 127.0.0.1:{port}",
                                "-ex", "break chapter_main", "-ex", "continue"])
        finally:
            _kill_group(qemu)
        return 0
    if emu == "qemu-tcg":
        print("stepvisor: QEMU without KVM has no VMX; debugging under Bochs instead")
    workdir = _fresh_workdir(BUILD / "debug" / chapter)
    cmd, symbols = bochs_debug_setup(chapter, args.cmdline, workdir, model)
    print(BOCHS_DEBUG_HELP.format(main=symbols.get("chapter_main", 0), chapter=chapter,
                                  com1=(workdir / "com1.log").relative_to(ROOT)))
    # Bochs's debugger takes the terminal, and Ctrl-C stops the emulated
    # CPU there: the launcher leaves SIGINT to it.
    proc = subprocess.Popen(cmd, cwd=workdir, env=dict(os.environ, TERM="vt100"))
    try:
        with _ignoring_sigint():
            return proc.wait()
    finally:
        _kill_group_of_child(proc)


def bochs_debug_setup(chapter, cmdline, workdir, model, commands=()):
    """The Bochs command line for debugging chapter in workdir: its config,
    the symbol file, and an rc file that loads the symbols, then runs
    commands (the debugger reads the terminal after them)."""
    iso = build_iso(chapter, cmdline)
    (workdir / "bochsrc").write_text(
        _bochsrc(iso, workdir / "com1.log", workdir / "bochs.log", model, BOCHS_MEGS))
    symbols = bochs_symbols(BUILD / chapter / "stepvisor.elf64", workdir / "stepvisor.sym")
    (workdir / "debug.rc").write_text(
        "\n".join(['ldsym global "stepvisor.sym"', *commands]) + "\n")
    return ["bochs", "-q", "-f", "bochsrc", "-rc", "debug.rc"], symbols


class _ignoring_sigint:
    """While an interactive child owns the terminal, Ctrl-C is its."""
    def __enter__(self):
        self.old = signal.signal(signal.SIGINT, signal.SIG_IGN)

    def __exit__(self, *exc):
        signal.signal(signal.SIGINT, self.old)


def _kill_group_of_child(proc):
    """SIGKILL to a child that shares our process group (an interactive
    Bochs): only that process, never our own group."""
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def _bochs_ticks(workdir):
    """Emulated instructions until the run ended: the timestamp of Bochs's
    last log line (with clock: sync=none, one tick per instruction)."""
    last = None
    for line in (workdir / "bochs.log").read_text(errors="replace").splitlines():
        if line[:11].isdigit():
            last = int(line[:11])
    return last


# The hypervisor's first 64-bit instruction (common/boot/entry.asm): what
# runs before it is the BIOS and GRUB, about 300 million instructions.
HYPERVISOR_ENTRY = "long_mode_entry"


def _symbol(chapter, name):
    out = subprocess.run(["nm", str(BUILD / chapter / "stepvisor.elf64")],
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2] == name:
            return int(fields[0], 16)
    raise SystemExit(f"stepvisor: no symbol {name} in chapter {chapter}")


def _bochs_from_entry(chapter, cmdline, workdir, timeout):
    """A Bochs run whose debugger stops once at the hypervisor's entry to
    read the tick count there. Returns (RunResult, instructions from the
    entry to the end of the run, or None)."""
    iso = build_iso(chapter, cmdline)
    workdir = _fresh_workdir(workdir)
    com1 = workdir / "com1.log"
    com1.touch()
    (workdir / "bochsrc").write_text(
        _bochsrc(iso, com1, workdir / "bochs.log", DEFAULT_BOCHS_MODEL, BOCHS_MEGS))
    entry = _symbol(chapter, HYPERVISOR_ENTRY)
    # Break at the entry, print the time, drop the breakpoint, run to the end.
    (workdir / "cmds.rc").write_text(f"lb {entry:#x}\ncontinue\nptime\ndel 1\n"
                                     "continue\nquit\n")
    code, timed_out, secs = _supervise(["bochs", "-q", "-f", "bochsrc", "-rc", "cmds.rc"],
                                       com1, timeout, False, dict(os.environ, TERM="vt100"))
    r = RunResult("bochs", com1.read_text(errors="replace"), code, timed_out, secs, workdir)
    out = (workdir / "emulator.out").read_text(errors="replace")
    at_entry = [int(line.split()[1]) for line in out.splitlines()
                if line.startswith("ptime: ")]
    end = _bochs_ticks(workdir)
    return r, (end - at_entry[0] if at_entry and end else None)


# A row of the exit-cost benchmark, as guests/bench.inc prints it.
def cmd_run_host(chapter, args):
    if args.emu != "auto":
        raise Refused(f"chapter {chapter} runs on /dev/kvm itself: EMU= does not apply")
    timeout = check_timeout(args.timeout)
    if args.cmdline not in HOST_GUESTS:
        raise Refused(f"chapter {chapter} takes CMDLINE= empty (chapter 4's guest), "
                      f"'smp' (two vCPUs) or 'irq' (chapter 5's guest), not {args.cmdline!r}")
    why = "a user-space VMM, no emulator"
    if not os.access(KVM_DEVICE, os.R_OK | os.W_OK):
        why = f"{KVM_DEVICE} is not usable by this user: the VMM will say why"
    print(f"stepvisor: running chapter {chapter} on {KVM_DEVICE}: {why}", flush=True)
    r = run_host(chapter, args.cmdline, timeout=timeout, live=True)
    code, line = outcome(r, "kvm", timeout)
    print(line)
    return code


BENCH_LINE = re.compile(r"guest: bench: (?P<kind>.+): (?P<ticks>\d+) ticks per round trip "
                        r"\((?P<count>\d+) round trips: (?P<with>\d+) ticks, "
                        r"(?P<without>\d+) without the exit\)")
BENCH_CALIBRATION = "1000 NOPs (calibration)"


def parse_bench(lines):
    """{kind: ticks per round trip} from a scenario=bench log, in order."""
    rows = {}
    for line in lines:
        m = BENCH_LINE.fullmatch(line)
        if m:
            rows[m["kind"]] = int(m["ticks"])
    return rows


def bench_chapters():
    """The chapters with a scenario=bench row (those that run a guest)."""
    tables = {ch: ROOT / "chapters" / ch / "scenario.c" for ch in chapters()}
    return [ch for ch, t in tables.items() if t.exists() and '"bench"' in t.read_text()]


def _print_exit_costs(title, per_chapter):
    """One row per exit kind, one column per chapter; '-' where the
    chapter has no such exit."""
    kinds = []
    for rows in per_chapter.values():
        kinds += [k for k in rows if k not in kinds]
    print(f"\n{title}")
    print(f"  {'exit kind':<28}" + "".join(f"{ch:>10}" for ch in per_chapter))
    for kind in kinds:
        print(f"  {kind:<28}" + "".join(
            f"{rows[kind]:>10,}" if kind in rows else f"{'-':>10}"
            for rows in per_chapter.values()))


def cmd_bench(args):
    """Costs that are deterministic under Bochs: each chapter's normal run
    (VM exits, instructions from the hypervisor's entry), then the cost of
    one round trip of each kind of VM exit (scenario=bench). Seconds are
    shown, not compared; under KVM the round trips are also shown in TSC
    ticks of the real CPU."""
    rows, costs, ok = [], [], True
    hosts = [ch for ch in chapters() if is_host_chapter(ch)]
    for chapter in [ch for ch in chapters() if ch not in hosts]:
        r, ticks = _bochs_from_entry(chapter, "", BUILD / "bench" / chapter, args.timeout)
        if "exits per KiB:" in r.lines:
            at = r.lines.index("exits per KiB:")
            costs += [f"{chapter}:"] + [line for line in r.lines[at + 1:] if line.startswith("  ")]
        exits = next((line.split()[-1] for line in r.lines if line.startswith("VM exits:")),
                     "-")
        rows.append((chapter, r.verdict or "no verdict", exits, ticks, r.seconds))
        ok = ok and r.verdict == "PASS"
    print("Normal runs under Bochs; instructions counted from the hypervisor's entry "
          f"({HYPERVISOR_ENTRY}), not the BIOS")
    print(f"{'chapter':<12} {'verdict':<8} {'VM exits':>9} {'instructions':>14} {'seconds':>8}")
    for chapter, verdict, exits, ticks, secs in rows:
        print(f"{chapter:<12} {verdict[:8]:<8} {exits:>9} {ticks or 0:>14,} {secs:>8.1f}")
    for chapter in hosts:
        r = run_host(chapter, workdir=BUILD / "bench" / chapter, timeout=args.timeout)
        ok = ok and r.verdict == "PASS"
        if "exits per KiB:" in r.lines:
            at = r.lines.index("exits per KiB:")
            costs += [f"{chapter} (KVM: exits to user space):"] + [
                line for line in r.lines[at + 1:]
                if line.startswith("  ") and "KVM_EXIT_" not in line]
        print(f"\n{chapter} on {KVM_DEVICE}, {r.verdict or 'no verdict'}, {r.seconds:.1f} s: "
              "exits to user space by kvm_run reason, and the mean KVM_RUN round trip "
              "(guest time since the last exit included)")
        print("\n".join(line for line in r.lines
                        if re.fullmatch(r"vcpu \d+: KVM_RUN exits.*|  +\d+ +\d+ KVM_EXIT_\w+|"
                                        r"  KVM_EXIT_\w+ +\d+ ns", line)))
    if costs:
        print("\nVM exits per KiB moved, by path:")
        print("\n".join(costs))

    bochs, kvm = {}, {}
    kvm_ok, kvm_why = host_vmx()
    for chapter in bench_chapters():
        r = run_bochs(chapter, "scenario=bench", workdir=BUILD / "bench" / f"{chapter}-exits",
                      timeout=args.timeout)
        bochs[chapter] = parse_bench(r.lines)
        ok = ok and r.verdict == "PASS"
        if kvm_ok:
            q = run_qemu(chapter, "scenario=bench", accel="kvm",
                         workdir=BUILD / "bench" / f"{chapter}-exits-kvm", timeout=args.timeout)
            kvm[chapter] = parse_bench(q.lines)
    calibrated = {rows.get(BENCH_CALIBRATION) for rows in bochs.values()}
    _print_exit_costs("One VM exit round trip, in instructions (Bochs, clock: sync=none: "
                      "one TSC tick per instruction)", bochs)
    print("  (calibration: a loop with 1,000 NOPs more takes 1,000 ticks more, so a tick "
          "is an instruction)")
    if kvm_ok:
        _print_exit_costs("The same round trips under KVM, in TSC ticks (about cycles)", kvm)
    else:
        print(f"\nNo KVM figures: {kvm_why}")
    return 0 if ok and calibrated == {1000} else 1


class _Parser(argparse.ArgumentParser):
    """Errors in the Makefile's words, not argparse's usage text."""
    def error(self, message):
        raise Refused(message)


def main(argv=None):
    p = _Parser(prog="stepvisor")
    sub = p.add_subparsers(dest="cmd", required=True, parser_class=_Parser)
    for name in ("run", "iso", "debug"):
        s = sub.add_parser(name)
        s.add_argument("--chapter", required=True)
        s.add_argument("--cmdline", default="")
        if name != "iso":
            s.add_argument("--emu", default="auto")
            s.add_argument("--model", default=DEFAULT_BOCHS_MODEL)
        if name == "run":
            s.add_argument("--timeout", default=str(DEFAULT_TIMEOUT))
    s = sub.add_parser("bench")
    s.add_argument("--timeout", type=int, default=300)
    sub.add_parser("doctor")
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    try:
        args = p.parse_args(argv)
        if args.cmd == "doctor":
            import doctor
            return doctor.main()
        return {"run": cmd_run, "iso": cmd_iso, "debug": cmd_debug,
                "bench": cmd_bench}[args.cmd](args)
    except Refused as e:
        print(f"stepvisor: {e}", file=sys.stderr)
        return EXIT_USAGE
    except (KeyboardInterrupt, Interrupted) as e:
        # _supervise has already killed the emulator's process group.
        why = "Ctrl-C" if isinstance(e, KeyboardInterrupt) else str(e)
        print(f"\nstepvisor: stopped by {why}; the emulator was killed", file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
