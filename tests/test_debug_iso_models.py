# SPDX-License-Identifier: MIT
"""make debug under Bochs (symbols loaded, breakpoints at symbols, the
VM-exit breakpoint), make iso booted as a student would boot it, and every
chapter's normal run on a second Bochs CPU model."""
import os
import subprocess

import pytest

from conftest import ROOT, Log, stepvisor


def nm_address(chapter, symbol):
    out = subprocess.run(["nm", str(stepvisor.BUILD / chapter / "stepvisor.elf64")],
                         capture_output=True, text=True, check=True).stdout
    return next(int(line.split()[0], 16) for line in out.splitlines()
                if line.split()[-1] == symbol)


def test_make_debug_breaks_at_a_symbol():
    """make debug driven as a student types: break at chapter_main, go,
    quit. Bochs stops there and names the symbol."""
    main = nm_address("02-vmcs", "chapter_main")
    r = subprocess.run(["make", "-s", "debug", "CHAPTER=2", "EMU=bochs"], cwd=ROOT,
                       input=f"lb 0x{main:x}\nc\nq\n", capture_output=True, text=True,
                       timeout=120)
    out = r.stdout
    assert f"    lb 0x{main:x}       break at chapter_main (lb takes addresses:" in out
    assert f"(0) Breakpoint 1, 0x{main:016x} in ?? ()" in out, out[-3000:]
    assert (f"(0) [0x{main:012x}] 0008:{main:016x} (chapter_main+0): " in out), out[-3000:]
    assert r.returncode == 0


def test_vmexitbp_stops_at_the_vm_exit(tmp_path):
    """The Bochs debugger's VM-exit breakpoint, as README documents it."""
    cmd, symbols = stepvisor.bochs_debug_setup(
        "02-vmcs", "", tmp_path, stepvisor.DEFAULT_BOCHS_MODEL, ["vmexitbp", "c", "q"])
    r = subprocess.run(cmd, cwd=tmp_path, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=120, env=dict(os.environ, TERM="vt100"),
                       start_new_session=True)
    lines = r.stdout.splitlines()
    at = lines.index("(0) Caught VMEXIT breakpoint")
    entry = symbols["vm_exit_entry"]
    assert f"0008:{entry:016x} (vm_exit_entry+0): " in lines[at + 2], lines[at:at + 3]
    # It stopped before the hypervisor handled the exit: no exit is logged.
    assert "VMLAUNCH: entering the guest" in (tmp_path / "com1.log").read_text()


def test_make_iso_boots(tmp_path):
    """The ISO make iso writes, booted from the CD as a BIOS machine would."""
    r = subprocess.run(["make", "-s", "iso", "CHAPTER=1"], cwd=ROOT, capture_output=True,
                       text=True, timeout=120)
    iso = stepvisor.BUILD / "01-vmxon" / "stepvisor.iso"
    assert r.stdout.splitlines()[-1] == (
        "stepvisor: build/01-vmxon/stepvisor.iso: boots with BIOS (legacy boot, or UEFI "
        "with CSM) and speaks on COM1 only (see README.md)")
    copy = tmp_path / "student.iso"
    copy.write_bytes(iso.read_bytes())
    log = Log(stepvisor.run_bochs("01-vmxon", workdir=tmp_path / "run", iso=copy))
    log.has('boot: command line "", 0 module(s)')
    log.passed()


# Each chapter's normal run on a second model: chapters 1 and 2 on models
# without EPT or without unrestricted guest, 3 and 4 on newer ones.
SECOND_MODEL = {
    "01-vmxon": "core2_penryn_t9600",
    "02-vmcs": "corei5_lynnfield_750",
    "03-ept": "corei7_sandy_bridge_2600k",
    "04-io": "corei7_skylake_x",
}


@pytest.mark.parametrize("chapter", sorted(SECOND_MODEL))
def test_normal_run_on_a_second_model(bochs, chapter):
    assert SECOND_MODEL[chapter] in stepvisor.BOCHS_MODELS
    assert SECOND_MODEL[chapter] != stepvisor.DEFAULT_BOCHS_MODEL
    log = bochs(chapter, "", cpu_model=SECOND_MODEL[chapter])
    log.has("CPUID: vendor GenuineIntel, CPUID.1:ECX.VMX = 1")
    log.passed()
