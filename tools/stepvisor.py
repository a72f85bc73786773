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
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import threading
import time
import tty
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
# The emulated machine's RAM: room for guest_mem=512M beside the
# hypervisor and a Linux kernel as modules (chapter 6). RAM the machine
# does not use costs nothing (measured: chapter 4 runs the same
# 438,824,113 Bochs ticks in the same wall time with megs 256 and 1024);
# RAM given to a guest does: the hypervisor zeroes it, about one tick a
# byte. The hypervisor maps the low 4 GiB (common/boot/entry.asm).
BOCHS_MEGS = 576
QEMU_MEGS = 576
# What the hypervisor itself needs below the guest's RAM: the first MiB,
# its image, page tables, EPT tables and the VMCS (measured: 252M of
# guest_mem still boots in 256 MB; this leaves room to grow). Its modules
# (a guest kernel of several MB in chapter 6) come on top.
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


def check_guest_mem(cmdline, emulator, megs, module_bytes=0):
    """Refuses a guest_mem= that cannot fit in the emulated machine's RAM,
    beside the hypervisor and its modules, before booting, and says what
    fits. The hypervisor itself judges a malformed size."""
    modules_mb = module_bytes >> 20  # the reserve's slack covers the rest of a MiB
    fits_mb = megs - HYPERVISOR_RESERVE_MB - modules_mb
    keeps = f"the hypervisor keeps {HYPERVISOR_RESERVE_MB} MB" + (
        f" and its modules {modules_mb} MB" if modules_mb else "")
    for word in cmdline.split():
        if not word.startswith("guest_mem="):
            continue
        size = _parse_size(word[len("guest_mem="):])
        if size is not None and size > fits_mb << 20:
            raise Refused(
                f"{word} does not fit: {emulator} gives the machine {megs} MB, of "
                f"which {keeps}; use guest_mem={fits_mb}M or less")


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


# --- a guest of the user's choice: GUEST=, INITRD=, GUEST_CMDLINE= -----------

# The hypervisor finds its guest among its multiboot modules by these names
# (chapter 6 and later: their modules file names a "kernel").
KERNEL_MODULE, INITRD_MODULE, CMDLINE_MODULE = "kernel", "initrd", "cmdline"
# Linux's COMMAND_LINE_SIZE on x86 is 2048 bytes, its terminating NUL
# included: the longest command line it keeps whole.
GUEST_CMDLINE_MAX = 2047
PRINTABLE_ASCII = frozenset(chr(c) for c in range(0x20, 0x7F))


@dataclass(frozen=True)
class Guest:
    """What GUEST=, INITRD= and GUEST_CMDLINE= ask a chapter to boot
    instead of its own guest; None keeps the chapter's own."""
    kernel: "Path | None" = None
    initrd: "Path | None" = None
    cmdline: "str | None" = None

    def __bool__(self):
        return any(v is not None for v in (self.kernel, self.initrd, self.cmdline))


def boots_any_guest(chapter):
    """A chapter whose hypervisor loads a guest kernel it was not written
    for: its modules file names a module "kernel"."""
    return any(name == KERNEL_MODULE for _, name in module_entries(chapter))


def check_guest(chapter, kernel=None, initrd=None, cmdline=None):
    """The Guest the options ask for, or Refused naming the option: only
    for a chapter that boots any guest; the files must exist; the command
    line is printable ASCII Linux keeps whole (the hypervisor passes it on
    as a module, so quotes, $ and the like mean nothing to GRUB)."""
    given = [(opt, v) for opt, v in (("GUEST", kernel), ("INITRD", initrd),
                                     ("GUEST_CMDLINE", cmdline)) if v]
    if not given:
        return Guest()
    if not boots_any_guest(chapter):
        names = " and ".join(f"{opt}=" for opt, _ in given)
        those = ", ".join(ch for ch in chapters() if boots_any_guest(ch)) or "none yet"
        raise Refused(f"{names} {'is' if len(given) == 1 else 'are'} for a chapter whose "
                      f"hypervisor boots a guest kernel ({those}); chapter {chapter} boots "
                      f"its own guest")
    files = {}
    for opt, value in (("GUEST", kernel), ("INITRD", initrd)):
        if value:
            path = Path(value).expanduser().resolve()
            if not path.is_file():
                what = "is a directory" if path.is_dir() else "does not exist"
                raise Refused(f"{opt}={value}: the file {what}")
            files[opt] = path
    if cmdline:
        for at, c in enumerate(cmdline):
            if c not in PRINTABLE_ASCII:
                raise Refused(f"GUEST_CMDLINE contains {c!r} at character {at + 1}: it takes "
                              f"printable ASCII only (space to ~)")
        if len(cmdline) > GUEST_CMDLINE_MAX:
            raise Refused(f"GUEST_CMDLINE is {len(cmdline)} characters long: Linux keeps "
                          f"{GUEST_CMDLINE_MAX} at most (COMMAND_LINE_SIZE)")
    return Guest(files.get("GUEST"), files.get("INITRD"), cmdline or None)


def _cmdline_file(text):
    """The guest's command line as a file to travel as a module, kept by
    its content (so ISOs stay cached)."""
    path = BUILD / "guest-cmdline" / f"{hashlib.sha256(text.encode()).hexdigest()[:16]}.txt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}")
        tmp.write_text(text)
        os.replace(tmp, path)
    return path


def guest_modules(entries, guest):
    """The chapter's module entries with the Guest's files in place of its
    own: GUEST replaces the kernel (and drops the chapter's initrd, which
    belongs to its own kernel), INITRD the initrd, GUEST_CMDLINE becomes a
    module "cmdline"."""
    if not guest:
        return entries
    keep = {name: [e for e in entries if e[1] == name] for name in (INITRD_MODULE,
                                                                    CMDLINE_MODULE)}
    initrd = ([(guest.initrd, INITRD_MODULE)] if guest.initrd else
              [] if guest.kernel else keep[INITRD_MODULE])
    cmdline = ([(_cmdline_file(guest.cmdline), CMDLINE_MODULE)] if guest.cmdline else
               keep[CMDLINE_MODULE])
    out = []
    for path, name in entries:
        if name == KERNEL_MODULE:
            out += [(guest.kernel or path, name)] + initrd + cmdline
        elif name not in keep:
            out.append((path, name))
    return out


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


def module_entries(chapter, guest=None):
    """The files a chapter boots with, listed in chapters/NN-*/modules, one
    a line: a path relative to build/, then optionally the name the
    hypervisor finds it by (the file's own name when absent); with a
    Guest's files in place of the chapter's own (guest_modules)."""
    listing = ROOT / "chapters" / chapter / "modules"
    if not listing.exists():
        return []
    out = []
    for line in listing.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            path, _, name = line.strip().partition(" ")
            out.append((BUILD / path, name.strip() or Path(path).name))
    return guest_modules(out, guest)


def _entries(chapter, guest):
    """module_entries, called with a Guest only when there is one (tests
    stand in for module_entries(chapter) with their own modules)."""
    return module_entries(chapter, guest) if guest else module_entries(chapter)


def modules(chapter, guest=None):
    """The paths of the chapter's modules (module_entries without names)."""
    return [path for path, _ in _entries(chapter, guest)]


def module_bytes(chapter, guest=None):
    """What the chapter's modules weigh (0 for a file not built yet)."""
    return sum(p.stat().st_size for p in modules(chapter, guest) if p.exists())


def _digest(paths, *extra):
    h = hashlib.sha256()
    for p in paths:
        h.update(str(p).encode())
        h.update(Path(p).read_bytes())
    for e in extra:
        h.update(str(e).encode())
    return h.hexdigest()[:16]


def build_iso(chapter, cmdline="", guest=None):
    """A GRUB ISO that boots chapter with cmdline (and a Guest's files as
    its modules); cached by content, so each scenario's ISO is made once
    (about 0.2 s with few GRUB modules)."""
    check_cmdline(cmdline)
    entries = _entries(chapter, guest)
    files = [kernel(chapter)] + [path for path, _ in entries]
    for f in files:
        if not f.exists():
            raise SystemExit(f"stepvisor: {f} is missing; run 'make images'")
    names = [name for _, name in entries]
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
        for m, name in entries:
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


def _bochsrc(iso, com1, log, cpu_model, megs, tty=None):
    """Bochs's configuration: COM1 writes to the file com1, or with tty to
    that terminal (a pty's slave end, where Bochs's mode=term also reads
    what is typed: Bochs sets it raw, 8 bits, nothing translated)."""
    serial = f"mode=term, dev={tty}" if tty else f"mode=file, dev={com1}"
    return f"""\
display_library: term
megs: {megs}
romimage: file=/usr/share/bochs/BIOS-bochs-latest
vgaromimage: file=/usr/share/vgabios/vgabios.bin
cpu: model={cpu_model}, count=1, ips=80000000, reset_on_triple_fault=0
ata0-master: type=cdrom, path={iso}, status=inserted
boot: cdrom
com1: enabled=1, {serial}
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
    """The launcher was told to stop (Ctrl-C, SIGTERM, SIGHUP, or the key
    that ends an interactive run)."""


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


# --- COM1 on a pseudo-terminal: read as it comes, typed into ---------------

POLL_SECONDS = 0.05
# Bochs's 16550 takes one typed byte per character time into a 16-byte
# receive FIFO and drops what overflows it; the hypervisor empties it when
# it polls. Typing a few bytes at a time, with pauses, loses none.
TYPE_CHUNK = 8
TYPE_PAUSE = 0.02  # seconds
# Ends an interactive run (telnet's escape character, Ctrl-]); every other
# key, Ctrl-C included, goes to the guest.
END_KEY, END_KEY_NAME = b"\x1d", "Ctrl-]"


class SerialLine:
    """COM1 of the emulated machine on a pseudo-terminal: the emulator
    opens its slave end (Bochs's com1 mode=term, QEMU's -serial /dev/pts/N)
    and a thread copies what comes out of the master end to com1.log, the
    log every test reads, and to show(bytes) when given; send() types.
    Both ends are raw: bytes pass unchanged both ways."""

    def __init__(self, com1, show=None):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.show = show
        self._log = open(com1, "wb")
        self.data = bytearray()
        self.changed = threading.Condition()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._copy, daemon=True)
        self._thread.start()

    def _copy(self):
        """Copies output until told to stop and the line has gone quiet
        (the emulator has ended: nothing it wrote is lost)."""
        while True:
            ready, _, _ = select.select([self.master], [], [], POLL_SECONDS)
            if not ready:
                if self._stop.is_set():
                    return
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the slave end is closed
                return
            self._log.write(chunk)
            self._log.flush()
            if self.show:
                try:
                    self.show(chunk)
                except OSError:  # the terminal or pipe has gone: the log goes on
                    self.show = None
            with self.changed:
                self.data += chunk
                self.changed.notify_all()

    def send(self, data, chunk=TYPE_CHUNK, pause=TYPE_PAUSE):
        for at in range(0, len(data), chunk):
            if at:
                time.sleep(pause)
            view = memoryview(data[at:at + chunk])
            while view:
                view = view[os.write(self.master, view):]

    def close(self):
        if self._stop.is_set():
            return
        self._stop.set()
        self._thread.join()
        os.close(self.master)
        os.close(self.slave)
        self._log.close()


class NotSeen(Exception):
    """Session.wait_for: the text did not come (timeout, or the emulator
    ended first); the message shows the end of COM1's output."""


class Session:
    """A running emulator whose COM1 is a SerialLine: wait_for() what it
    prints, send() what to type, finish() for the RunResult. It runs in a
    process group of its own, killed with SIGKILL at its timeout (None:
    never) and on every way out (close(), the end of a with block).
    make_cmd(tty) gives the command line, COM1 on the pty's slave tty."""

    def __init__(self, emulator, make_cmd, workdir, timeout=None, show=None, env=None):
        self.emulator = emulator
        self.workdir = Path(workdir)
        self.com1 = self.workdir / "com1.log"
        self.line = SerialLine(self.com1, show)
        self.start = time.monotonic()
        self.deadline = None if timeout is None else self.start + timeout
        self.timed_out = False
        self.seen = 0  # wait_for looks past what it matched before
        self.proc = None
        try:
            cmd = make_cmd(self.line.path)
            with open(self.workdir / "emulator.out", "wb") as out:
                self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                             stderr=subprocess.STDOUT, start_new_session=True,
                                             cwd=self.workdir, env=env)
        except BaseException:
            self.line.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def text(self):
        """Everything COM1 has printed so far."""
        with self.line.changed:
            return self.line.data.decode(errors="replace")

    def _until(self, timeout):
        until = time.monotonic() + timeout if timeout is not None else None
        if self.deadline is not None:
            until = self.deadline if until is None else min(until, self.deadline)
        return until

    def wait_for(self, text, timeout=60):
        """Waits until COM1 prints text (after what the last wait_for
        matched) and returns the output from there to the match's end;
        NotSeen at the timeout or when the emulator ends first."""
        want = text.encode()
        until = self._until(timeout)
        last_look = False  # after the emulator ended, once its output is in
        with self.line.changed:
            while True:
                at = self.line.data.find(want, self.seen)
                if at >= 0:
                    got = self.line.data[self.seen:at + len(want)]
                    self.seen = at + len(want)
                    return got.decode(errors="replace")
                left = None if until is None else until - time.monotonic()
                if last_look or left is not None and left <= 0:
                    break
                if self.proc.poll() is not None:
                    last_look = True
                    self.line.changed.wait(2 * POLL_SECONDS)
                else:
                    self.line.changed.wait(POLL_SECONDS if left is None
                                           else min(POLL_SECONDS, left))
        why = (f"{self.emulator} ended (exit code {self.proc.returncode})"
               if self.proc.poll() is not None else f"not within {timeout} s")
        tail = self.text[-3000:]
        raise NotSeen(f"{text!r} did not come: {why}; artifacts in {self.workdir}; "
                      f"COM1 ends:\n{tail}")

    def send(self, text):
        """Types text into COM1 (a few bytes at a time: TYPE_CHUNK)."""
        self.line.send(text.encode() if isinstance(text, str) else bytes(text))

    def interact(self, fd):
        """Passes what is typed on the terminal fd to COM1, unbuffered and
        unechoed (the guest echoes), until the emulator ends or the
        deadline; END_KEY ends the run (Interrupted). The terminal is
        restored on every way out."""
        saved = termios.tcgetattr(fd)
        mode = termios.tcgetattr(fd)
        # Raw input (Ctrl-C is a byte for the guest, not a signal), but
        # output still turns \n into \r\n: the hypervisor's lines end in \n.
        mode[0] &= ~(termios.BRKINT | termios.ICRNL | termios.INPCK | termios.ISTRIP |
                     termios.IXON)
        mode[3] &= ~(termios.ECHO | termios.ICANON | termios.IEXTEN | termios.ISIG)
        mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
        try:
            termios.tcsetattr(fd, termios.TCSAFLUSH, mode)
            while self.proc.poll() is None:
                if self.deadline is not None and time.monotonic() > self.deadline:
                    return
                ready, _, _ = select.select([fd], [], [], POLL_SECONDS)
                if not ready:
                    continue
                data = os.read(fd, 1024)
                if not data:
                    return
                before, end, _ = data.partition(END_KEY)
                self.send(before)
                if end:
                    raise Interrupted(END_KEY_NAME)
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    def finish(self, timeout=None):
        """Waits for the emulator to end (until the session's deadline, or
        timeout seconds more) and returns the RunResult; a run still going
        then is killed and has no verdict."""
        until = self._until(timeout)
        while self.proc.poll() is None:
            if until is not None and time.monotonic() > until:
                self.timed_out = True
                break
            time.sleep(POLL_SECONDS)
        self.close()
        code = None if self.timed_out else self.proc.returncode
        return RunResult(self.emulator, self.com1.read_text(errors="replace"), code,
                         self.timed_out, time.monotonic() - self.start, self.workdir)

    def close(self):
        """Kills the emulator's process group and closes COM1 (its log
        then holds everything the emulator wrote)."""
        if self.proc is not None:
            _kill_group(self.proc)
        self.line.close()


def start_bochs_iso(iso, workdir, cpu_model=DEFAULT_BOCHS_MODEL, timeout=None, show=None,
                    commands=("continue", "quit"), megs=BOCHS_MEGS):
    """A Session: Bochs booting iso, COM1 on a pty. Its debugger stops at
    t=0 and runs commands (by default: let it run, then quit)."""
    workdir = _fresh_workdir(workdir)
    (workdir / "cmds.rc").write_text("\n".join(commands) + "\n")

    def cmd(tty_path):
        (workdir / "bochsrc").write_text(
            _bochsrc(iso, None, workdir / "bochs.log", cpu_model, megs, tty=tty_path))
        return ["bochs", "-q", "-f", "bochsrc", "-rc", "cmds.rc"]
    return Session("bochs", cmd, workdir, timeout, show, env=dict(os.environ, TERM="vt100"))


def start_bochs(chapter, cmdline="", workdir=None, cpu_model=DEFAULT_BOCHS_MODEL,
                timeout=120, show=None, iso=None, guest=None, commands=("continue", "quit")):
    """A Session: chapter (with a Guest's files) booting under Bochs. Any
    model Bochs knows is taken here (tests boot AMD models too); MODEL= on
    make is checked against BOCHS_MODELS."""
    check_guest_mem(cmdline, "Bochs", BOCHS_MEGS, module_bytes(chapter, guest))
    iso = iso or build_iso(chapter, cmdline, guest)
    return start_bochs_iso(iso, workdir or BUILD / "run" / chapter, cpu_model, timeout, show,
                           commands)


def run_bochs(chapter, cmdline="", workdir=None, cpu_model=DEFAULT_BOCHS_MODEL,
              timeout=120, live=False, iso=None, guest=None):
    """Boots chapter's ISO (or the given iso) under Bochs to its end."""
    with start_bochs(chapter, cmdline, workdir, cpu_model, timeout, _shower(live), iso,
                     guest) as s:
        return s.finish()


def _qemu_cmd(chapter, cmdline, accel, serial, guest=None, links=None):
    """QEMU's command line as its manual documents it: -kernel and
    -initrd for a multiboot image and its modules, -append for the command
    line, -serial for COM1, the isa-debug-exit device, and with KVM
    -accel kvm -cpu host (the host's VMX features, passed through). With
    links (a directory), each module is reached through a symbolic link
    there named as the module: -initrd splits at commas and spaces."""
    check_cmdline(cmdline)
    entries = _entries(chapter, guest)
    check_guest_mem(cmdline, "QEMU", QEMU_MEGS, module_bytes(chapter, guest))
    if links is not None:
        links.mkdir(parents=True, exist_ok=True)
        for m, name in entries:
            (links / name).unlink(missing_ok=True)
            (links / name).symlink_to(Path(m).resolve())
        entries = [(links / name, name) for _, name in entries]
    mods = ",".join(f"{m} {name}" for m, name in entries)
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


def start_qemu(chapter, cmdline="", workdir=None, accel="tcg", timeout=120, show=None,
               guest=None):
    """A Session: chapter (with a Guest's files) under QEMU, COM1 on a pty
    (-serial /dev/pts/N: QEMU reads what is typed there)."""
    workdir = _fresh_workdir(workdir or BUILD / "run" / chapter)
    return Session(f"qemu-{accel}", lambda tty_path: _qemu_cmd(
        chapter, cmdline, accel, tty_path, guest, links=workdir / "modules"),
        workdir, timeout, show)


def run_qemu(chapter, cmdline="", workdir=None, accel="tcg", timeout=120,
             live=False, guest=None):
    with start_qemu(chapter, cmdline, workdir, accel, timeout, _shower(live), guest) as s:
        return s.finish()


def _shower(live, raw=False):
    """What shows COM1's output on this terminal as it comes: None when
    not live; raw for an interactive run (the guest's line editing needs
    its \r), else without \r, as the log is read."""
    if not live:
        return None

    def show(chunk):
        if not raw:
            chunk = chunk.replace(b"\r", b"")
        sys.stdout.buffer.write(chunk)
        sys.stdout.flush()
    return show


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


def run(chapter, emu, cmdline, timeout, live=True, cpu_model=DEFAULT_BOCHS_MODEL, guest=None,
        interactive=False):
    """Boots chapter to its end, COM1 shown live; interactive: what is
    typed on this terminal goes to COM1 (Session.interact)."""
    workdir = BUILD / "run" / f"{chapter}-{emu}"
    show = _shower(live, raw=interactive)
    if emu == "bochs":
        session = start_bochs(chapter, cmdline, workdir, cpu_model, timeout, show, guest=guest)
    else:
        session = start_qemu(chapter, cmdline, workdir, "kvm" if emu == "qemu-kvm" else "tcg",
                             timeout, show, guest)
    with session:
        if interactive:
            session.interact(sys.stdin.fileno())
        return session.finish()


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
    guest = check_guest(chapter, args.guest, args.initrd, args.guest_cmdline)
    if is_host_chapter(chapter):
        return cmd_run_host(chapter, args)
    emu, why = choose_emulator(args.emu)
    # A chapter that boots any guest passes COM1 through: on a terminal,
    # the user types into the guest's console, for as long as it takes.
    interactive = boots_any_guest(chapter) and sys.stdin.isatty()
    timeout = (check_timeout(args.timeout) if args.timeout is not None
               else None if interactive else DEFAULT_TIMEOUT)
    model = check_model(args.model)
    check_cmdline(args.cmdline)
    if emu == "bochs":
        check_guest_mem(args.cmdline, "Bochs", BOCHS_MEGS, module_bytes(chapter, guest))
    else:
        check_guest_mem(args.cmdline, "QEMU", QEMU_MEGS, module_bytes(chapter, guest))
    on = f" ({model})" if emu == "bochs" and model != DEFAULT_BOCHS_MODEL else ""
    print(f"stepvisor: running chapter {chapter} under {emu}{on}: {why}", flush=True)
    if interactive:
        print(f"stepvisor: what you type goes to the guest's serial console (Ctrl-C too); "
              f"{END_KEY_NAME} ends the run", flush=True)
    r = run(chapter, emu, args.cmdline, timeout, cpu_model=model, guest=guest,
            interactive=interactive)
    code, line = outcome(r, emu, timeout)
    print(("\n" if interactive and not r.log.endswith("\n") else "") + line)
    return code


def refuse_host(chapter, what):
    if is_host_chapter(chapter):
        raise Refused(f"chapter {chapter} is a program for this machine, not a bootable "
                      f"image: {what}")


def cmd_iso(args):
    chapter = resolve_chapter(args.chapter)
    guest = check_guest(chapter, args.guest, args.initrd, args.guest_cmdline)
    refuse_host(chapter, "it has no ISO")
    iso = build_iso(chapter, args.cmdline, guest)
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
    guest = check_guest(chapter, args.guest, args.initrd, args.guest_cmdline)
    refuse_host(chapter, f"debug it with gdb {BUILD.name}/{chapter}/{HOST_PROGRAM}")
    emu, why = choose_emulator(args.emu)
    model = check_model(args.model)
    check_cmdline(args.cmdline)
    elf64 = BUILD / chapter / "stepvisor.elf64"
    print(f"stepvisor: debugging chapter {chapter} under {emu}: {why}")
    if emu == "qemu-kvm":
        port = "1234"
        cmd = _qemu_cmd(chapter, args.cmdline, "kvm", "stdio", guest)
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
    cmd, symbols = bochs_debug_setup(chapter, args.cmdline, workdir, model, guest=guest)
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


def bochs_debug_setup(chapter, cmdline, workdir, model, commands=(), guest=None):
    """The Bochs command line for debugging chapter in workdir: its config,
    the symbol file, and an rc file that loads the symbols, then runs
    commands (the debugger reads the terminal after them)."""
    iso = build_iso(chapter, cmdline, guest)
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
    timeout = check_timeout(args.timeout if args.timeout is not None else DEFAULT_TIMEOUT)
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


# --- Linux under chapter 6: typed into, and timed in Bochs ticks -------------

LINUX = BUILD / "linux"
LINUX_PROMPT = "stepvisor# "
# The hypervisor's line before its first VM entry; with clock: sync=none
# Bochs's TSC is its tick counter (checked: RDTSC read 392,829,854 where
# the debugger's ptime said 392,829,855, one instruction later).
FIRST_GUEST_INSTRUCTION = re.compile(r"loader: first guest instruction at host TSC (\d+)")
# The shell has printed its prompt and waits for a key: busybox's line
# editing polls the console before it reads; nothing earlier polls a tty
# (tools/bochs_linux_native.py). A linear-address breakpoint: it fires in
# VMX non-root operation too, at the kernel's own virtual address.
PROMPT_SYMBOL = "n_tty_poll"
PTIME = re.compile(r"ptime: (\d+)")
EXIT_ROW = re.compile(r" +(\d+) +(\d+) (.+)")


def elf_symbol(elf, name):
    out = subprocess.run(["nm", str(elf)], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2] == name:
            return int(fields[0], 16)
    raise SystemExit(f"stepvisor: no symbol {name} in {elf}")


def start_linux(chapter, guest=None, workdir=None, timeout=600, show=None, cmdline=""):
    """A Session: chapter booting the project's Linux (or a Guest's
    kernel built from it) under Bochs; the debugger reads the tick count
    (ptime) twice, each breakpoint deleted once hit: at startup_64, the
    decompressed kernel's entry (vmlinux's first instruction), and when
    the shell first waits for a key (boot_phases)."""
    import bochs_linux_native
    stops = (bochs_linux_native.physical_entry(LINUX / "vmlinux"),
             elf_symbol(LINUX / "vmlinux", PROMPT_SYMBOL))
    commands = []
    for number, address in enumerate(stops, 1):
        commands += [f"lb {address:#x}", "continue", "ptime", f"del {number}"]
    return start_bochs(chapter, cmdline, workdir, timeout=timeout, show=show, guest=guest,
                       commands=commands + ["continue", "quit"])


def boot_phases(result):
    """Bochs ticks of a start_linux run: from the guest kernel's first
    instruction (the hypervisor's TSC line) to startup_64 ("decompression":
    about none for a vmlinux), from there to the shell's prompt, and in
    all ("to the prompt"); None when a count is missing."""
    first = next((int(m[1]) for m in map(FIRST_GUEST_INSTRUCTION.fullmatch, result.lines)
                  if m), None)
    out = result.workdir / "emulator.out"
    ptime = [int(t) for t in PTIME.findall(out.read_text(errors="replace"))] if out.exists() \
        else []
    if first is None or len(ptime) != 2:
        return None
    return {"decompression": ptime[0] - first, "startup_64 to the prompt": ptime[1] - ptime[0],
            "to the prompt": ptime[1] - first}


def boot_ticks(result):
    """Bochs ticks from the guest kernel's first instruction to the
    shell's prompt (boot_phases), or None."""
    phases = boot_phases(result)
    return phases and phases["to the prompt"]


def exit_table(lines):
    """The hypervisor's table of VM exits at the end of a run: [(count,
    basic exit reason, name)]."""
    at = next((i for i, line in enumerate(lines) if line.startswith("VM exits:")), None)
    if at is None:
        return []
    rows = []
    for line in lines[at + 1:]:
        m = EXIT_ROW.fullmatch(line)
        if not m:
            break
        rows.append((int(m[1]), int(m[2]), m[3]))
    return rows


# The goal (issue 13): chapter 6's boot at most this many times native.
LINUX_GOAL_RATIO = 1.5


def bench_linux(timeout):
    """Chapter 6 boots Linux to the prompt, `reboot -f` typed there; the
    same kernel booted natively by Bochs through GRUB, with as much RAM as
    the guest had. Prints ticks, their ratio, wall seconds and the exits
    by reason; True when both runs reached the prompt."""
    import bochs_linux_native
    chapter = next((ch for ch in chapters() if boots_any_guest(ch)), None)
    if chapter is None:
        print("\nLinux: no chapter boots a guest kernel yet")
        return False
    with start_linux(chapter, workdir=BUILD / "bench" / f"{chapter}-linux",
                     timeout=timeout) as session:
        try:
            session.wait_for(LINUX_PROMPT, timeout)
            to_prompt = time.monotonic() - session.start
            session.send("reboot -f\n")
        except NotSeen as e:
            print(f"\nLinux under {chapter}: no prompt: {e}")
            to_prompt = None
        r = session.finish(timeout)
    ticks = boot_ticks(r)
    ram = next((int(m[1]) for m in map(re.compile(r"EPT: guest RAM (\d+) MiB.*").fullmatch,
                                        r.lines) if m), bochs_linux_native.DEFAULT_MEGS)
    native = bochs_linux_native.measure(timeout=timeout, megs=ram)
    t = native["ticks"]
    native_ticks = t[2] - t[0] if len(t) == 3 else None
    phases = boot_phases(r)
    print(f"\nLinux {(LINUX / 'release').read_text().strip()} to its shell prompt, in Bochs "
          "ticks (instructions, and idle time skipped) from the kernel's first instruction")
    print(f"  natively (GRUB, {ram} MB, {native['cmdline']!r}): "
          + (f"{native_ticks:,} ticks ({t[1] - t[0]:,} decompression, {t[2] - t[1]:,} "
             f"startup_64 to the prompt), {native['seconds']:.1f} s for the whole run"
             if native_ticks else f"did not reach the prompt (see {native['workdir']})"))
    wall = f"{to_prompt:.1f} s to the prompt, " if to_prompt else ""
    print(f"  under stepvisor ({chapter}, guest RAM {ram} MiB): "
          + (f"{ticks:,} ticks ({phases['decompression']:,} decompression, "
             f"{phases['startup_64 to the prompt']:,} startup_64 to the prompt), "
             if ticks else "no tick count, ")
          + f"{wall}{r.seconds:.1f} s for the whole run; {r.verdict or 'no verdict'}")
    if ticks and native_ticks:
        ratio = ticks / native_ticks
        print(f"  ratio {ratio:.2f}x native (goal: at most {LINUX_GOAL_RATIO}x): "
              + ("met" if ratio <= LINUX_GOAL_RATIO else "NOT met"))
    rows = exit_table(r.lines)
    if rows:
        total = sum(count for count, _, _ in rows)
        print(f"  VM exits during the run (boot, prompt, reboot -f): {total:,}")
        for count, reason, name in sorted(rows, reverse=True):
            print(f"    {count:>10,}  {reason:>3} {name}")
    return bool(ticks and native_ticks and r.verdict == "PASS")


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
    ok = bench_linux(args.timeout) and ok
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
        s.add_argument("--guest")
        s.add_argument("--initrd")
        s.add_argument("--guest-cmdline")
        if name != "iso":
            s.add_argument("--emu", default="auto")
            s.add_argument("--model", default=DEFAULT_BOCHS_MODEL)
        if name == "run":
            s.add_argument("--timeout")  # default: DEFAULT_TIMEOUT, none interactively
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
