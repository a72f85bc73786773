"""The README's front door: `make run CHAPTER=N` picks a backend, says which
and why, shows the run and exits 0 on PASS, 1 otherwise."""
import subprocess

from conftest import ROOT, stepvisor


def make_run(*args):
    return subprocess.run(["make", "-s", "run", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def test_auto_names_the_backend_and_why():
    emu, why = stepvisor.choose_emulator("auto")
    r = make_run("CHAPTER=1")
    assert f"stepvisor: running chapter 01-vmxon under {emu}: {why}" in r.stdout.splitlines()
    assert "PASS" in r.stdout.splitlines(), r.stdout[-2000:]
    assert r.returncode == 0


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


def test_unknown_chapter_is_named():
    r = make_run("CHAPTER=9")
    assert "stepvisor: no chapter '9'; have: 01-vmxon 02-vmcs 03-ept 04-io" in r.stdout
    assert r.returncode != 0
