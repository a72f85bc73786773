# SPDX-License-Identifier: MIT
"""make doctor: checks a student's host for stepvisor's two backends and
says, for each problem, the command or setting that fixes it.

QEMU with KVM needs an Intel CPU whose VT-x reaches Linux (not hidden by
the firmware or by an outer hypervisor), /dev/kvm usable by the student,
kvm_intel loaded and nested virtualization on, since stepvisor is itself a
hypervisor running inside KVM's guest. Bochs needs none of that.

gather() reads the host; diagnose() is a pure function of what it read, so
the tests can hand it any machine.
"""
import grp
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import stepvisor

KVM_INTEL = Path("/sys/module/kvm_intel")
# Bochs's machine plus the launcher and a build: below this, runs may swap.
MEMORY_NEEDED_MB = 1024

# The setting that passes VT-x through to this virtual machine, by the
# hypervisor's name as systemd-detect-virt (or lscpu) gives it.
NESTED_REMEDY = {
    "oracle": 'power the VM off, then on the host: VBoxManage modifyvm "<vm name>" '
              "--nested-hw-virt on (VirtualBox 6.1 or later)",
    "vmware": "VM Settings > Processors > tick \"Virtualize Intel VT-x/EPT or "
              "AMD-V/RVI\" (vhv.enable = \"TRUE\" in the .vmx file), VM powered off",
    "microsoft": "in an administrator PowerShell on the Windows host, VM off: "
                 "Set-VMProcessor -VMName <vm name> -ExposeVirtualizationExtensions $true",
    "wsl": "in %UserProfile%\\.wslconfig put [wsl2] then nestedVirtualization=true, "
           "then run wsl --shutdown (Windows 11)",
    "kvm": "on the outer host: enable nested (kvm_intel nested=1) and give this VM "
           "the host's CPU (-cpu host, or libvirt <cpu mode='host-passthrough'/>)",
}
NESTED_REMEDY["qemu"] = NESTED_REMEDY["kvm"]
# Windows' virtualization-based security runs Windows itself on Hyper-V,
# which then keeps VT-x from VirtualBox and VMware.
VBS_REMEDY = ("if Windows is the host: turn off Windows Security > Device security > "
              "Core isolation > Memory integrity, run bcdedit /set hypervisorlaunchtype "
              "off as administrator, and reboot (VirtualBox and VMware get no VT-x "
              "while Hyper-V runs)")


@dataclass
class Host:
    """What doctor looked at; every field has a harmless default."""
    vendor: str = "unknown"
    model_name: str = ""
    flags: frozenset = frozenset()
    virt: str = "none"               # systemd-detect-virt's word, or lscpu's
    wsl: bool = False
    kvm_exists: bool = False
    kvm_accessible: bool = False
    kvm_group: str = ""
    user_groups: frozenset = frozenset()
    kvm_intel_loaded: bool = False
    nested: str = ""                 # /sys/module/kvm_intel/parameters/nested
    bochs: str = ""                  # version, "" when not installed
    qemu: str = ""
    mem_available_mb: int = 0


@dataclass
class Finding:
    ok: bool
    what: str
    fix: str = ""


@dataclass
class Diagnosis:
    findings: list = field(default_factory=list)
    kvm_ready: bool = False

    def add(self, ok, what, fix=""):
        self.findings.append(Finding(ok, what, fix))
        return ok


def _read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _run(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return r.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _cpuinfo_field(text, name):
    for line in text.split("\n"):
        key, _, value = line.partition(":")
        if key.strip() == name:
            return value.strip()
    return ""


def _virt():
    """The hypervisor under this Linux, if any: systemd-detect-virt's word
    (none, kvm, qemu, oracle, vmware, microsoft, wsl, ...), else lscpu's
    'Hypervisor vendor', lowercased."""
    if shutil.which("systemd-detect-virt"):
        out = _run(["systemd-detect-virt", "--vm"])
        if out:
            return out.split("\n")[0]
    for line in _run(["lscpu"]).split("\n"):
        if line.startswith("Hypervisor vendor:"):
            return line.split(":", 1)[1].strip().lower()
    return "none"


def _version(cmd, package):
    if not shutil.which(cmd):
        return ""
    out = _run(["dpkg-query", "-W", "-f", "${Version}", package])
    return out or "installed"


def gather():
    cpuinfo = _read("/proc/cpuinfo")
    kvm = Path("/dev/kvm")
    try:
        group = grp.getgrgid(kvm.stat().st_gid).gr_name if kvm.exists() else ""
    except KeyError:
        group = str(kvm.stat().st_gid)
    groups = set()
    for gid in os.getgroups():
        try:
            groups.add(grp.getgrgid(gid).gr_name)
        except KeyError:
            pass
    meminfo = _read("/proc/meminfo")
    available = next((int(line.split()[1]) // 1024 for line in meminfo.split("\n")
                      if line.startswith("MemAvailable:")), 0)
    osrelease = _read("/proc/sys/kernel/osrelease").lower()
    qemu = _run(["qemu-system-x86_64", "--version"]).split("\n")[0] \
        if shutil.which("qemu-system-x86_64") else ""
    return Host(
        vendor=_cpuinfo_field(cpuinfo, "vendor_id") or "unknown",
        model_name=_cpuinfo_field(cpuinfo, "model name"),
        flags=frozenset(_cpuinfo_field(cpuinfo, "flags").split()),
        virt=_virt(),
        wsl="microsoft" in osrelease or "wsl" in osrelease,
        kvm_exists=kvm.exists(),
        kvm_accessible=os.access(kvm, os.R_OK | os.W_OK),
        kvm_group=group,
        user_groups=frozenset(groups),
        kvm_intel_loaded=KVM_INTEL.exists(),
        nested=_read(KVM_INTEL / "parameters" / "nested").strip(),
        bochs=_version("bochs", "bochs"),
        qemu=qemu,
        mem_available_mb=available,
    )


def diagnose(h):
    """Each check in the order a student would fix them, and whether the
    QEMU+KVM path is ready."""
    d = Diagnosis()
    in_vm = h.virt not in ("none", "")
    virt = "wsl" if h.wsl else h.virt
    intel = d.add(h.vendor == "GenuineIntel",
                  f"CPU: {h.vendor} {h.model_name}".rstrip(),
                  "" if h.vendor == "GenuineIntel" else
                  "stepvisor teaches Intel VT-x; an AMD CPU has AMD-V (SVM) instead, "
                  "so only Bochs can run it here (make run does that); for the fast "
                  "path use an Intel machine")
    # Informational: a VM is fine when it passes VT-x through (next line).
    d.add(True, "virtual machine: " + (
        f"this Linux runs under {virt}" if in_vm else "no, this Linux runs on the hardware"))
    if intel or "vmx" in h.flags:
        if "vmx" in h.flags:
            d.add(True, "VT-x: the CPU shows vmx in /proc/cpuinfo")
        elif in_vm:
            fix = NESTED_REMEDY.get(virt, "enable nested virtualization in the outer "
                                          "hypervisor")
            if virt in ("oracle", "vmware"):
                fix += "; " + VBS_REMEDY
            d.add(False, f"VT-x: no vmx in /proc/cpuinfo: {virt} does not pass it through",
                  fix)
        else:
            d.add(False, "VT-x: no vmx in /proc/cpuinfo: it is off in the firmware",
                  "reboot into the firmware setup (BIOS/UEFI), enable \"Intel "
                  "Virtualization Technology\" (VT-x), save and power-cycle")
    else:
        d.add(False, "VT-x: no vmx in /proc/cpuinfo" +
              (" (the CPU has svm: AMD-V)" if "svm" in h.flags else ""),
              "none on this machine: Bochs emulates VT-x in software")
    vmx = "vmx" in h.flags
    if vmx:
        d.add(h.kvm_intel_loaded, "kvm_intel: " + ("loaded" if h.kvm_intel_loaded
                                                   else "not loaded"),
              "" if h.kvm_intel_loaded else "sudo modprobe kvm_intel")
        if not h.kvm_exists:
            d.add(False, "/dev/kvm: missing", "sudo modprobe kvm_intel")
        else:
            d.add(h.kvm_accessible, f"/dev/kvm: group {h.kvm_group or '?'}, " +
                  ("you can read and write it" if h.kvm_accessible
                   else "you cannot read and write it"),
                  "" if h.kvm_accessible else
                  f"sudo usermod -aG {h.kvm_group or 'kvm'} $USER, then log out and in")
        nested_on = h.nested in ("Y", "1")
        if h.kvm_intel_loaded:
            d.add(nested_on, f"nested KVM: {stepvisor.KVM_NESTED} = {h.nested or '?'}",
                  "" if nested_on else
                  "echo 'options kvm_intel nested=1' | sudo tee /etc/modprobe.d/"
                  "kvm-nested.conf && sudo modprobe -r kvm_intel && sudo modprobe kvm_intel")
    else:
        d.add(True, "/dev/kvm, kvm_intel, nested KVM: not checked (no VT-x to use)")
    d.add(bool(h.bochs), "Bochs: " + (h.bochs or "not installed"),
          "" if h.bochs else "make run installs it (tools/deps.sh run)")
    d.add(bool(h.qemu), "QEMU: " + (h.qemu or "not installed"),
          "" if h.qemu else "make run installs it (tools/deps.sh run)")
    d.add(h.mem_available_mb >= MEMORY_NEEDED_MB,
          f"memory: {h.mem_available_mb} MB available",
          "" if h.mem_available_mb >= MEMORY_NEEDED_MB else
          f"close programs: a Bochs run needs about {MEMORY_NEEDED_MB} MB")
    d.kvm_ready = (vmx and h.kvm_exists and h.kvm_accessible and h.kvm_intel_loaded
                   and h.nested in ("Y", "1"))
    return d


def report(d):
    """The lines make doctor prints."""
    lines = ["stepvisor doctor: what this host offers stepvisor"]
    for f in d.findings:
        lines.append(f"  {'ok ' if f.ok else 'no '} {f.what}")
        if f.fix:
            lines.append(f"       fix: {f.fix}")
    emu, why = stepvisor.choose_emulator("auto")
    lines.append(f"stepvisor doctor: make run will use {emu}: {why}")
    return lines


def main():
    print("\n".join(report(diagnose(gather()))))
    return 0
