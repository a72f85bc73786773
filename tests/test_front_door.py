# SPDX-License-Identifier: MIT
"""The README's front door: `make run CHAPTER=N` picks a backend, says which
and why, shows the run, ends with one line saying how it went, and exits 0
on PASS only; options reach the hypervisor intact or are refused before
anything boots; Ctrl-C leaves no emulator behind."""
import fcntl
import os
import pty
import re
import select
import signal
import subprocess
import sys
import termios
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, Log, stepvisor

REFUSED = "*** [Makefile"


@contextmanager
def run_directories():
    """make run keeps each chapter's run in build/run/<chapter>-<emulator>/:
    test workers take turns, so that no run wipes another's directory."""
    lock = ROOT / "build" / "run" / ".test-lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


def make(*args, stdin=None, timeout=300):
    with run_directories():
        return subprocess.run(["make", "-s", *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=timeout, stdin=stdin)


def make_run(*args, **kw):
    return make("run", *args, **kw)


def test_auto_names_the_backend_and_why():
    emu, why = stepvisor.choose_emulator("auto")
    r = make_run("CHAPTER=1")
    lines = r.stdout.splitlines()
    assert f"stepvisor: running chapter 01-vmxon under {emu}: {why}" in lines
    assert "PASS" in lines, r.stdout[-2000:]
    assert re.fullmatch(rf"stepvisor: PASS \({emu}, [0-9.]+ s; log in "
                        rf"build/run/01-vmxon-{emu}/com1\.log\)", lines[-1]), lines[-1]
    assert r.returncode == 0
    # A PASS is quiet: no make error line.
    assert REFUSED not in r.stderr


def test_qemu_without_vmx_ends_with_fail_and_exit_1():
    if stepvisor.host_vmx()[0]:
        return  # an Intel host runs QEMU with KVM: covered by test_auto_names_the_backend
    r = make_run("CHAPTER=1", "EMU=qemu")
    lines = r.stdout.splitlines()
    assert "FAIL: no VMX: CPUID.1:ECX.VMX[bit 5] = 0, this CPU offers no VT-x" in lines
    assert r.returncode != 0


def test_a_failing_scenario_exits_nonzero():
    r = make_run("CHAPTER=2", "EMU=bochs", "CMDLINE=scenaro=triple-fault")
    assert 'FAIL: unknown option "scenaro" (did you mean "scenario"?)' in r.stdout.splitlines()
    assert r.returncode != 0


def test_a_failing_run_exits_nonzero_with_one_outcome_line():
    # Chapter 3 needs EPT, which Bochs's Penryn lacks.
    r = make_run("CHAPTER=3", "EMU=bochs", "MODEL=core2_penryn_t9600")
    lines = r.stdout.splitlines()
    verdict = lines[-2]
    assert verdict == "FAIL: no EPT: this CPU cannot give the \"enable EPT\" control", \
        r.stdout[-2000:]
    assert lines[-1].startswith(f"stepvisor: {verdict} (bochs, "), lines[-1]
    # The launcher exits 1; make reports that and exits 2, as README says
    # (make[1] when make test runs it).
    assert re.fullmatch(r"make(\[\d+\])?: \*\*\* \[Makefile:\d+: run\] Error 1\n", r.stderr), \
        r.stderr
    assert r.returncode == 2


def test_unknown_chapter_is_named():
    r = make_run("CHAPTER=9")
    assert f"stepvisor: no chapter '9'; have: {' '.join(stepvisor.chapters())}" in r.stdout
    assert r.returncode != 0


# --- options that cannot hurt ----------------------------------------------

@pytest.mark.parametrize("cmdline, char", [
    ("scenario=normal'", "\"'\""),        # used to hang GRUB for 300 s
    ('scenario="normal', "'\"'"),         # used to break the Makefile's quoting
    ("scenario=$x", "'$'"),               # used to be expanded by GRUB (and make)
    ("scenario=normal; halt", "';'"),     # used to be cut at ;
    ("scenario=a\\b", "'\\\\'"),
    ("scenario=a\nb", "'\\n'"),
    ("scenario=`id`", "'`'"),
], ids=["quote", "double-quote", "dollar", "semicolon", "backslash", "newline", "backtick"])
def test_cmdline_that_grub_would_interpret_is_refused(cmdline, char):
    r = make_run("CHAPTER=1", "EMU=bochs", f"CMDLINE={cmdline}", timeout=60)
    # (make itself refuses a newline, which would end the recipe's command)
    assert (f"stepvisor: CMDLINE contains {char}, which GRUB would interpret (quote, "
            "variable, separator or escape); CMDLINE takes words such as scenario=NAME, "
            "made of letters, digits and _ . , : / + - =") in r.stderr, r.stderr
    assert "running chapter" not in r.stdout  # refused before booting
    assert r.returncode != 0


def test_cmdline_reaches_the_hypervisor_intact():
    # Every character CMDLINE allows, through make, the shell and GRUB.
    r = make_run("CHAPTER=1", "EMU=bochs", "CMDLINE=scenario=normal x=a,b:c/d+e-f.g_Z9")
    assert 'boot: command line "scenario=normal x=a,b:c/d+e-f.g_Z9", 0 module(s)' in \
        r.stdout.splitlines(), r.stdout[-2000:]


def test_guest_mem_beyond_the_emulators_memory_is_refused_with_the_remedy():
    r = make_run("CHAPTER=3", "EMU=bochs", "CMDLINE=guest_mem=561M", timeout=60)
    assert r.stderr.splitlines()[0] == (
        "stepvisor: guest_mem=561M does not fit: Bochs gives the machine 576 MB, of "
        "which the hypervisor keeps 16 MB; use guest_mem=560M or less"), r.stderr
    assert "running chapter" not in r.stdout
    assert r.returncode != 0


def test_guest_mem_at_the_limit_boots(bochs):
    bochs(3, "guest_mem=560M").passed()


def test_the_modules_count_against_guest_mem():
    """Chapter 6's guest kernel travels as a module, beside the hypervisor:
    its MiB come off what guest_mem may have; 512M always fits."""
    vmlinux = stepvisor.check_guest("06-linux", "build/linux/vmlinux",
                                    "build/linux/initramfs.cpio")
    weight = stepvisor.module_bytes("06-linux", vmlinux) >> 20
    assert weight >= 13  # vmlinux, 12.5 MB, and the initramfs, 2 MB
    fits = stepvisor.BOCHS_MEGS - stepvisor.HYPERVISOR_RESERVE_MB - weight
    stepvisor.check_guest_mem(f"guest_mem={fits}M", "Bochs", stepvisor.BOCHS_MEGS,
                              stepvisor.module_bytes("06-linux", vmlinux))
    with pytest.raises(stepvisor.Refused) as e:
        stepvisor.check_guest_mem(f"guest_mem={fits + 1}M", "Bochs", stepvisor.BOCHS_MEGS,
                                  stepvisor.module_bytes("06-linux", vmlinux))
    assert str(e.value) == (
        f"guest_mem={fits + 1}M does not fit: Bochs gives the machine 576 MB, of which "
        f"the hypervisor keeps 16 MB and its modules {weight} MB; use guest_mem={fits}M "
        "or less")
    assert fits >= 512


def test_timeout_ends_the_run_without_a_verdict():
    r = make_run("CHAPTER=4", "EMU=bochs", "TIMEOUT=1", timeout=60)
    assert r.stdout.splitlines()[-1] == (
        "stepvisor: no verdict: bochs was still running after 1 s and was killed "
        "(TIMEOUT=1); log in build/run/04-io-bochs/com1.log"), r.stdout[-1000:]
    assert re.fullmatch(r"make(\[\d+\])?: \*\*\* \[Makefile:\d+: run\] Error 3\n", r.stderr), \
        r.stderr


@pytest.mark.parametrize("option, message", [
    ("EMU=foo", "stepvisor: EMU=foo is not a backend; EMU= takes auto, bochs or qemu"),
    ("TIMEOUT=soon", "stepvisor: TIMEOUT=soon is not a whole number of seconds above 0"),
    ("MODEL=ryzen", "stepvisor: MODEL=ryzen is not a Bochs CPU model with VMX and long "
                    "mode; MODEL= takes one of: " + " ".join(stepvisor.BOCHS_MODELS)),
])
def test_bad_option_is_named_in_makes_words(option, message):
    r = make_run("CHAPTER=1", option, timeout=60)
    assert r.stderr.splitlines()[0] == message, r.stderr
    assert "usage:" not in r.stderr and "--" not in r.stderr
    assert r.returncode != 0


def test_model_picks_the_bochs_cpu():
    r = make_run("CHAPTER=1", "EMU=bochs", "MODEL=corei5_lynnfield_750")
    lines = r.stdout.splitlines()
    assert lines[0] == ("stepvisor: running chapter 01-vmxon under bochs "
                        "(corei5_lynnfield_750): EMU=bochs was asked for")
    # lynnfield has EPT but not the 1 GiB pages of the default haswell.
    assert ("  EPT: yes, 4-level walk yes, write-back yes, 2 MiB pages yes, 1 GiB pages no, "
            "accessed and dirty flags no, INVEPT yes") in lines, r.stdout[-2000:]
    assert r.returncode == 0


# --- the verdict is the hypervisor's last line, never a guest's ------------

def result(log, timed_out=False):
    return stepvisor.RunResult("bochs", log, None if timed_out else 0, timed_out, 1.0,
                               ROOT / "build")


@pytest.mark.parametrize("log, verdict", [
    ("stepvisor\nPASS\n", "PASS"),
    ("stepvisor\r\nPASS\r\n", "PASS"),
    ("stepvisor\nFAIL: guest triple fault\n", "FAIL: guest triple fault"),
    ("guest: PASS\n", None),                         # a guest's line, prefixed
    ("PASS\nVMX capabilities:\n", None),             # PASS that is not last
    ("guest: hello\vPASS\n", None),                  # \v is not a line break
    ("guest: hello\fPASS\n", None),                  # nor is \f
    ("guest: hello\x1cPASS\n", None),                # nor \x1c (splitlines breaks)
    ("guest: hello\x85PASS\n", None),                # nor NEL
    ("FAIL:x\n", None),
    ("", None),
])
def test_verdict_is_the_last_line(log, verdict):
    assert result(log).verdict == verdict


def test_a_timed_out_run_has_no_verdict():
    r = result("stepvisor\nPASS\n", timed_out=True)
    assert r.verdict is None
    with pytest.raises(pytest.fail.Exception):
        Log(r).passed()


def test_a_guest_pass_is_not_a_pass():
    with pytest.raises(pytest.fail.Exception):
        Log(result("guest: x\vPASS\n")).passed()
    with pytest.raises(pytest.fail.Exception):
        Log(result("PASS\nguest: still running\n")).failed("x")
    Log(result("stepvisor\nPASS\n")).passed()


def test_expected_outcome_is_read_from_the_line_before_pass():
    r = result("isolation\nexpected outcome: EPT stopped the guest\nPASS\n")
    assert r.verdict == "PASS"
    assert r.expected_outcome == "EPT stopped the guest"
    code, line = stepvisor.outcome(r, "bochs", 300)
    assert code == 0
    assert line == ("stepvisor: PASS: the expected outcome, EPT stopped the guest "
                    "(bochs, 1.0 s; log in build/com1.log)")
    assert result("expected outcome: x\nFAIL: y\n").expected_outcome is None
    assert stepvisor.outcome(result("FAIL: y\n"), "bochs", 300)[0] == 1
    assert stepvisor.outcome(result("PASS\n", timed_out=True), "bochs", 300)[0] == 3
    assert stepvisor.outcome(result("guest: PASS\n"), "bochs", 300)[0] == 3


# --- Ctrl-C and the other ways out of the launcher -------------------------

def _children(pid):
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_stopping_the_launcher_kills_the_emulator():
    """Ctrl-C (SIGINT), SIGTERM and SIGHUP each end the launcher with one
    line, no traceback, and Bochs (which ignores SIGTERM) killed."""
    with run_directories():
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            _stop_launcher_with(sig)


def _stop_launcher_with(sig):
    # Chapter 3 under Bochs, in a process group of its own so that the
    # signal reaches the launcher alone, as Ctrl-C reaches make's group.
    launcher = subprocess.Popen(
        [sys.executable, "tools/stepvisor.py", "run", "--chapter", "3", "--emu", "bochs"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        bochs = []
        while not bochs and time.monotonic() < deadline:
            bochs = [p for p in _children(launcher.pid)
                     if b"bochs" in _cmdline(p)]
            time.sleep(0.05)
        assert bochs, "Bochs never started"
        time.sleep(0.5)  # let it run
        launcher.send_signal(sig)
        out, err = launcher.communicate(timeout=30)
    finally:
        if launcher.poll() is None:
            launcher.kill()
            launcher.wait()
    assert "Traceback" not in err, err
    what = "Ctrl-C" if sig == signal.SIGINT else sig.name
    assert err.splitlines()[-1] == f"stepvisor: stopped by {what}; the emulator was killed"
    assert launcher.returncode == 130
    assert not any(_alive(p) for p in bochs), f"Bochs is still running after {sig.name}"


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


# --- the QEMU command line, as QEMU's manual documents it -------------------

def test_qemu_command_line_with_kvm():
    cmd = stepvisor._qemu_cmd("04-io", "scenario=normal", "kvm", "file:com1.log")
    text = " ".join(cmd)
    assert cmd[0] == "qemu-system-x86_64"
    assert f"-kernel {ROOT}/build/04-io/stepvisor.elf" in text
    assert "-append scenario=normal" in text
    assert "-serial file:com1.log" in text
    assert "-device isa-debug-exit,iobase=0xf4,iosize=0x04" in text
    assert text.endswith("-accel kvm -cpu host")
    mods = cmd[cmd.index("-initrd") + 1].split(",")
    assert mods == [f"{m} {name}" for m, name in stepvisor.module_entries("04-io")] and mods


# --- make help and the README ----------------------------------------------

def test_help_lists_every_target_and_variable():
    r = make("help")
    lines = r.stdout.splitlines()
    phony = re.search(r"^\.PHONY:((?:.*\\\n)*.*)$", (ROOT / "Makefile").read_text(),
                      re.M).group(1).replace("\\\n", " ").split()
    targets = [t for t in phony if not t.startswith("deps-") and t not in
               ("all", "check-chapter")]
    for t in targets:
        assert any(re.match(rf"  make {t}\b", line) for line in lines), f"make {t} missing"
    for v in ("CHAPTER", "EMU", "CMDLINE", "TIMEOUT", "MODEL", "V"):
        assert any(line.startswith(f"  {v}=") for line in lines), f"{v}= missing"
    assert r.returncode == 0


def test_readme_shows_what_make_run_prints():
    """Every line of the README's example run (bar its '...') is printed by
    a real run, in order."""
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## What a run prints.*?```text\n(.*?)```", readme, re.S).group(1)
    want = [line for line in block.splitlines() if line.strip() != "..."]
    r = make_run("CHAPTER=1", "EMU=bochs")
    got = r.stdout.splitlines()
    at = 0
    for line in want:
        pattern = re.escape(line).replace(r"N\.N", r"[0-9]+\.[0-9]")
        while at < len(got) and not re.fullmatch(pattern, got[at]):
            at += 1
        assert at < len(got), f"README line not printed (in order): {line!r}"


def test_readme_states_the_exit_codes():
    readme = (ROOT / "README.md").read_text()
    for code in (f"exits 0", "exits 2", "1 FAIL", "2 an option refused",
                 "3 no verdict", "130 interrupted"):
        assert code in readme, code


# --- GUEST=, INITRD=, GUEST_CMDLINE=: chapter 6 boots any guest kernel ------

@pytest.mark.parametrize("chapter, options, names", [
    ("4", ["GUEST=build/linux/vmlinux"], "GUEST= is"),
    ("5", ["INITRD=build/linux/initramfs.cpio", "GUEST_CMDLINE=quiet"],
     "INITRD= and GUEST_CMDLINE= are"),
    ("7", ["GUEST_CMDLINE=quiet"], "GUEST_CMDLINE= is"),
], ids=["guest-on-4", "initrd-on-5", "cmdline-on-7"])
def test_guest_options_are_refused_by_chapters_with_their_own_guest(chapter, options, names):
    r = make_run(f"CHAPTER={chapter}", *options, timeout=60)
    ch = stepvisor.resolve_chapter(chapter)
    assert r.stderr.splitlines()[0] == (
        f"stepvisor: {names} for a chapter whose hypervisor boots a guest kernel "
        f"(06-linux); chapter {ch} boots its own guest"), r.stderr
    assert "running chapter" not in r.stdout
    assert re.fullmatch(r"make(\[\d+\])?: \*\*\* \[Makefile:\d+: run\] Error 2\n",
                        r.stderr.split("\n", 1)[1]), r.stderr


@pytest.mark.parametrize("option, message", [
    ("GUEST=build/linux/no-such-kernel",
     "GUEST=build/linux/no-such-kernel: the file does not exist"),
    ("INITRD=build/linux", "INITRD=build/linux: the file is a directory"),
    ("GUEST_CMDLINE=console=ttyS0\tquiet",
     "GUEST_CMDLINE contains '\\t' at character 14: it takes printable ASCII only "
     "(space to ~)"),
    ("GUEST_CMDLINE=init=/bin/sh \u00e9", "GUEST_CMDLINE contains '\u00e9' at character 14: "
     "it takes printable ASCII only (space to ~)"),
    ("GUEST_CMDLINE=" + "x" * 2048, "GUEST_CMDLINE is 2048 characters long: Linux keeps "
     "2047 at most (COMMAND_LINE_SIZE)"),
], ids=["missing", "directory", "tab", "non-ascii", "too-long"])
def test_bad_guest_option_is_refused_by_name(option, message):
    r = make_run("CHAPTER=6", "EMU=bochs", option, timeout=120)
    assert f"stepvisor: {message}" in r.stderr.splitlines(), r.stderr
    assert "running chapter" not in r.stdout
    assert r.returncode == 2


def test_a_newline_in_guest_cmdline_is_refused_by_make():
    r = make_run("CHAPTER=6", "GUEST_CMDLINE=quiet\ninit=/bin/sh", timeout=60)
    assert ("stepvisor: GUEST_CMDLINE contains '\\n': it takes printable ASCII only "
            "(space to ~).  Stop.") in r.stderr, r.stderr
    assert r.returncode == 2


GUEST_CMDLINE = """console=ttyS0 x='a b' y="$HOME" z=`id`;\\ & | <> {} # ~"""


def test_guest_cmdline_reaches_the_guest_as_typed():
    """Through make, the shell and the launcher into the module "cmdline"
    byte for byte: quotes, $, backquotes and backslashes mean nothing to
    GRUB inside a module."""
    r = make("iso", "CHAPTER=6", f"GUEST_CMDLINE={GUEST_CMDLINE}", timeout=120)
    assert r.returncode == 0, r.stderr
    guest = stepvisor.check_guest("06-linux", cmdline=GUEST_CMDLINE)
    entries = stepvisor.module_entries("06-linux", guest)
    cmdline = [path for path, name in entries if name == "cmdline"]
    assert len(cmdline) == 1 and cmdline[0].read_text() == GUEST_CMDLINE
    # The ISO make wrote is the one these modules give.
    iso = stepvisor.BUILD / "06-linux" / "stepvisor.iso"
    assert iso.read_bytes() == stepvisor.build_iso("06-linux", "", guest).read_bytes()


def test_guest_replaces_the_kernel_and_its_initrd():
    own = stepvisor.module_entries("06-linux")
    names = [name for _, name in own]
    assert names[:2] == ["kernel", "initrd"] and "cmdline" not in names, own
    mbcheck = stepvisor.BUILD / "guests" / "mbcheck.elf"
    disk = stepvisor.BUILD / "guests" / "disk.img"

    def modules(**options):
        guest = stepvisor.check_guest("06-linux", **options)
        return [(path.name, name) for path, name in stepvisor.module_entries("06-linux", guest)]
    rest = [(path.name, name) for path, name in own[2:]]
    # A kernel of one's own comes without the chapter's initramfs...
    assert modules(kernel=str(mbcheck)) == [("mbcheck.elf", "kernel")] + rest
    # ... or with the one given; INITRD alone goes with the chapter's kernel.
    assert modules(kernel=str(mbcheck), initrd=str(disk)) == [
        ("mbcheck.elf", "kernel"), ("disk.img", "initrd")] + rest
    assert modules(initrd=str(disk)) == [(own[0][0].name, "kernel"), ("disk.img", "initrd")] + rest
    with_cmdline = modules(cmdline="quiet")
    assert [name for _, name in with_cmdline] == ["kernel", "initrd", "cmdline"] + [
        name for _, name in rest]


# --- typing into a guest: stepvisor.Session ---------------------------------

PROMPT = "stepvisor# "


def test_a_session_types_into_linux_under_qemu():
    """The Session API on the Linux guest booted natively by QEMU (TCG,
    microvm, as tests/test_linux_guest.py): COM1 on a pty, read as it
    comes, typed into; reboot -f ends QEMU."""
    linux = stepvisor.BUILD / "linux"
    release = (linux / "release").read_text().strip()
    workdir = stepvisor._fresh_workdir(stepvisor.BUILD / "test-artifacts" / "session-qemu")

    def cmd(tty_path):
        return ["qemu-system-x86_64", "-M", "microvm,acpi=off", "-accel", "tcg", "-cpu", "max",
                "-m", "128", "-no-reboot", "-display", "none", "-monitor", "none",
                "-serial", tty_path, "-kernel", str(linux / "bzImage"),
                "-initrd", str(linux / "initramfs.cpio"), "-append", "console=ttyS0 reboot=t"]
    with stepvisor.Session("qemu-tcg", cmd, workdir, timeout=120) as session:
        session.wait_for(PROMPT, timeout=60)
        session.send("uname -r\n")
        assert session.wait_for(PROMPT).split("\r\n")[1:] == [release, PROMPT]
        with pytest.raises(stepvisor.NotSeen) as e:
            session.wait_for("never printed", timeout=0.5)
        assert "'never printed' did not come: not within 0.5 s" in str(e.value)
        session.send("reboot -f\n")
        r = session.finish(timeout=30)
    assert r.exit_code == 0 and not r.timed_out
    assert "reboot: Restarting system" in r.lines
    assert (workdir / "com1.log").read_text(errors="replace") == r.log


def test_a_session_types_into_linux_under_bochs():
    """The Session API on the Linux guest booted natively by Bochs through
    GRUB (tools/bochs_linux_native.py): Bochs's COM1 in mode=term on the
    pty reads what is typed. Ctrl-C reaches the guest as a byte."""
    import bochs_linux_native
    release = (stepvisor.BUILD / "linux" / "release").read_text().strip()
    workdir = stepvisor.BUILD / "test-artifacts" / "session-bochs"
    with bochs_linux_native.start("console=ttyS0 quiet", workdir, timeout=180) as session:
        session.wait_for(PROMPT, timeout=150)
        session.send('echo "sum: $((6 * 7))"; uname -r\n')
        assert session.wait_for(PROMPT).split("\r\n")[1:] == ["sum: 42", release, PROMPT]
        # (Not sleep: with clock: sync=none, Bochs skips idle time, so a
        # sleep ends at once.) The shell's read waits for the console;
        # Ctrl-C ends it.
        session.send("read x\n")
        session.wait_for("read x\r\n")
        time.sleep(1)  # the shell leaves its line editing's raw mode: ^C is a signal now
        session.send("\x03")
        assert session.wait_for(PROMPT, timeout=30) == f"^C\r\n{PROMPT}"


def test_interact_passes_keys_and_ends_on_ctrl_bracket(tmp_path):
    """Session.interact on a terminal (a pty here), with `cat` for an
    emulator echoing COM1: keys pass unbuffered, Ctrl-C as a byte; Ctrl-]
    ends the run; the terminal's mode comes back."""
    master, terminal = os.openpty()
    before = termios.tcgetattr(terminal)
    try:
        with stepvisor.Session("cat", lambda tty: ["sh", "-c", f'exec cat <"{tty}" >"{tty}"'],
                               tmp_path, timeout=30) as session:
            typing = threading.Timer(0.5, os.write, (master, b"ab\x03cd\x1de"))
            typing.start()
            with pytest.raises(stepvisor.Interrupted) as e:
                session.interact(terminal)
            typing.join()
            assert str(e.value) == "Ctrl-]"
            session.wait_for("ab\x03cd", timeout=10)
            assert termios.tcgetattr(terminal) == before
            time.sleep(0.2)
            assert session.text == "ab\x03cd"  # nothing after Ctrl-]
    finally:
        os.close(master)
        os.close(terminal)


def test_make_run_on_a_terminal_types_into_the_guest_until_ctrl_bracket():
    """make run CHAPTER=6 on a terminal: a hint line, the terminal raw
    while the guest runs (no local echo: the guest echoes), Ctrl-] ends
    the run (130, which make reports), the terminal's mode restored."""
    with run_directories():
        pid, terminal = pty.fork()
        if pid == 0:  # the child: make on the pty's slave end
            os.chdir(ROOT)
            os.execvp("make", ["make", "-s", "run", "CHAPTER=6", "EMU=bochs"])
        before = termios.tcgetattr(terminal)
        out, during = b"", None
        deadline = time.monotonic() + 120
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([terminal], [], [], 0.1)
                try:
                    data = os.read(terminal, 4096) if ready else b""
                except OSError:  # EIO: make and the launcher are gone
                    break
                if ready and not data:
                    break
                out += data
                if during is None and b"ends the run" in out:
                    time.sleep(0.3)
                    during = termios.tcgetattr(terminal)
                    os.write(terminal, b"\x1d")
            after = termios.tcgetattr(terminal)
        finally:
            _, status = os.waitpid(pid, 0)
            os.close(terminal)
    lines = out.decode(errors="replace").replace("\r", "").splitlines()
    assert ("stepvisor: what you type goes to the guest's serial console (Ctrl-C too); "
            "Ctrl-] ends the run") in lines, lines
    assert during is not None and not during[3] & (termios.ECHO | termios.ICANON | termios.ISIG)
    assert "stepvisor: stopped by Ctrl-]; the emulator was killed" in lines, lines
    assert os.waitstatus_to_exitcode(status) == 2  # make's, for the launcher's 130
    assert any(re.fullmatch(r"make(\[\d+\])?: \*\*\* \[Makefile:\d+: run\] Error 130", line)
               for line in lines), lines
    assert after == before
