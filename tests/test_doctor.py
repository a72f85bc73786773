# SPDX-License-Identifier: MIT
"""make doctor: the diagnosis of this machine, and of the machines students
bring (crafted), each problem with the command or setting that fixes it."""
import subprocess
from dataclasses import replace
from pathlib import Path

from conftest import ROOT, stepvisor

import doctor  # tools/ is on the path (conftest)


def cpuinfo(name):
    for line in Path("/proc/cpuinfo").read_text().split("\n"):
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return ""


def test_make_doctor_diagnoses_this_machine():
    r = subprocess.run(["make", "-s", "doctor"], cwd=ROOT, capture_output=True, text=True,
                       timeout=60)
    lines = r.stdout.splitlines()
    assert r.returncode == 0, r.stderr
    assert lines[0] == "stepvisor doctor: what this host offers stepvisor"
    vendor, flags = cpuinfo("vendor_id"), cpuinfo("flags").split()
    emu, why = stepvisor.choose_emulator("auto")
    assert lines[-1] == f"stepvisor doctor: make run will use {emu}: {why}"
    if "vmx" not in flags:
        # This project's machines: no VT-x, so Bochs, and the reason.
        assert emu == "bochs"
        assert any(line.startswith("  no  VT-x: no vmx in /proc/cpuinfo") for line in lines)
        if vendor == "AuthenticAMD":
            assert why.startswith("the host CPU has no VMX (an AMD CPU: AMD-V is not VT-x)")
            assert f"  no  CPU: AuthenticAMD {cpuinfo('model name')}" in lines
            assert ("       fix: none on this machine: Bochs emulates VT-x in software"
                    in lines)
    else:
        assert any(line.startswith("  ok  VT-x: the CPU shows vmx") for line in lines)
    assert any(line.startswith("  ok  Bochs: ") for line in lines)
    assert any(line.startswith("  ok  QEMU: QEMU emulator version") for line in lines)


READY = doctor.Host(vendor="GenuineIntel", model_name="Intel(R) Core(TM) i7-8650U",
                    flags=frozenset({"vmx", "ept"}), kvm_exists=True, kvm_accessible=True,
                    kvm_group="kvm", kvm_intel_loaded=True, nested="Y",
                    bochs="2.7", qemu="QEMU emulator version 7.2.0", mem_available_mb=8000)


def problems(host):
    d = doctor.diagnose(host)
    return d, [(f.what, f.fix) for f in d.findings if not f.ok]


def test_a_ready_intel_laptop():
    d, bad = problems(READY)
    assert d.kvm_ready and bad == []


def test_vt_x_off_in_the_firmware():
    d, bad = problems(replace(READY, flags=frozenset()))
    assert not d.kvm_ready
    assert bad == [("VT-x: no vmx in /proc/cpuinfo: it is off in the firmware",
                    "reboot into the firmware setup (BIOS/UEFI), enable \"Intel "
                    "Virtualization Technology\" (VT-x), save and power-cycle")]


def test_virtualbox_without_nested_vt_x():
    d, bad = problems(replace(READY, flags=frozenset(), virt="oracle"))
    assert bad[0][0] == "VT-x: no vmx in /proc/cpuinfo: oracle does not pass it through"
    assert "--nested-hw-virt on" in bad[0][1] and "Memory integrity" in bad[0][1]


def test_vmware_and_hyper_v_and_wsl2():
    for virt, words in (("vmware", "Virtualize Intel VT-x/EPT"),
                        ("microsoft", "-ExposeVirtualizationExtensions $true")):
        _, bad = problems(replace(READY, flags=frozenset(), virt=virt))
        assert words in bad[0][1], (virt, bad)
    _, bad = problems(replace(READY, flags=frozenset(), virt="microsoft", wsl=True))
    assert "nestedVirtualization=true" in bad[0][1] and "wsl --shutdown" in bad[0][1]


def test_kvm_not_usable():
    _, bad = problems(replace(READY, kvm_accessible=False))
    assert bad == [("/dev/kvm: group kvm, you cannot read and write it",
                    "sudo usermod -aG kvm $USER, then log out and in")]
    _, bad = problems(replace(READY, kvm_exists=False, kvm_intel_loaded=False, nested=""))
    assert bad == [("kvm_intel: not loaded", "sudo modprobe kvm_intel"),
                   ("/dev/kvm: missing", "sudo modprobe kvm_intel")]


def test_nested_off():
    d, bad = problems(replace(READY, nested="N"))
    assert not d.kvm_ready
    assert bad[0][0] == f"nested KVM: {stepvisor.KVM_NESTED} = N"
    assert bad[0][1].startswith("echo 'options kvm_intel nested=1' | sudo tee")


def test_an_amd_host_and_missing_emulators():
    d, bad = problems(replace(READY, vendor="AuthenticAMD", flags=frozenset({"svm"}),
                              bochs="", qemu="", mem_available_mb=300))
    whats = [w for w, _ in bad]
    assert not d.kvm_ready
    assert "VT-x: no vmx in /proc/cpuinfo (the CPU has svm: AMD-V)" in whats
    assert ("Bochs: not installed", "make run installs it (tools/deps.sh run)") in bad
    assert "memory: 300 MB available" in whats
