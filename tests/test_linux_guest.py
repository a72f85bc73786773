# SPDX-License-Identifier: MIT
"""The Linux guest (guests/linux/, built by tools/build_linux.py) on QEMU
TCG, natively: the reference for what chapter 6 must reproduce under
stepvisor. It boots the bzImage with the initramfs as its initrd to the
busybox prompt on ttyS0, reads the virtio-mmio disk (/dev/vda) and writes
to the virtio console (hvc0), answers commands typed on the serial port,
and `reboot -f` ends QEMU.

QEMU's 'microvm' machine has virtio-mmio and no PCI or ACPI, like the PC
chapter 6 presents; with acpi=off QEMU announces each virtio-mmio device
on the kernel's command line (virtio_mmio.device=...), and describes the
local APIC and I/O APIC with an MP table. (It has no i8042: Linux says
"i8042: No controller found".) QEMU's plain 'pc' machine checks the other
way out: Linux's default reboot through the i8042's reset line.
"""
import os
import select
import signal
import subprocess
import time

import pytest

import build_linux
import stepvisor
from conftest import ARTIFACTS

DISK = stepvisor.BUILD / "guests" / "disk.img"
MEGS = 128
BOOT_TIMEOUT = 60  # seconds to the prompt (measured: about 1.5 s on QEMU TCG)
COMMAND_TIMEOUT = 20
PROMPT = "stepvisor# "
# microvm has neither an i8042 nor port 0xCF9 to reset through: reboot=t
# makes Linux reset by a triple fault, which ends QEMU under -no-reboot.
KERNEL_CMDLINE = "console=ttyS0 reboot=t"
MICROVM = "microvm,acpi=off"


@pytest.fixture(scope="module")
def linux():
    """build/linux/, built or taken from the cache (make test builds it
    first: `make linux`)."""
    try:
        return build_linux.ensure()
    except SystemExit as e:  # a missing package, a failed build: say which
        pytest.fail(str(e), pytrace=False)


class SerialConsole:
    """QEMU with COM1 on its stdin and stdout: what the guest prints is
    read as it comes (and kept in com1.log), what is sent is typed."""

    def __init__(self, cmd, workdir):
        self.workdir = workdir
        self.log = open(workdir / "com1.log", "wb")
        self.output = b""
        self.seen = 0  # expect() looks only past what it already matched
        with open(workdir / "emulator.err", "wb") as err:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=err, start_new_session=True, cwd=workdir)
        os.set_blocking(self.proc.stdout.fileno(), False)

    def _read(self, until):
        """Reads what QEMU printed, waiting until then at most; False once
        QEMU's output has ended."""
        ready, _, _ = select.select([self.proc.stdout], [], [],
                                    max(0, until - time.monotonic()))
        if not ready:
            return True
        data = self.proc.stdout.read()
        if data is None:  # nothing after all
            return True
        self.output += data
        self.log.write(data)
        self.log.flush()
        return bool(data)

    def expect(self, text, timeout=COMMAND_TIMEOUT):
        """Waits until text is printed; fails with the output's tail."""
        deadline = time.monotonic() + timeout
        want = text.encode()
        while True:
            at = self.output.find(want, self.seen)
            if at >= 0:
                self.seen = at + len(want)
                return
            if time.monotonic() > deadline or not self._read(deadline):
                tail = self.text()[-3000:]
                pytest.fail(f"no {text!r} within {timeout} s; artifacts in {self.workdir}; "
                            f"COM1 ends:\n{tail}", pytrace=False)

    def send(self, line):
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def wait_exit(self, timeout):
        """QEMU's exit status once it has ended and its output is read;
        None at the timeout."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(min(deadline, time.monotonic() + 0.2))
        while self.proc.poll() is not None and time.monotonic() < deadline:
            if not self._read(deadline):
                break
        return self.proc.poll()

    def text(self):
        return self.output.decode(errors="replace")

    def lines(self):
        return [line.rstrip("\r") for line in self.text().split("\n")]

    def close(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # QEMU too may ignore SIGTERM
        except ProcessLookupError:
            pass
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            pipe.close()
        self.log.close()


def qemu_cmd(linux, machine, append, devices=()):
    return ["qemu-system-x86_64", "-M", machine, "-accel", "tcg",
            "-cpu", "max", "-m", str(MEGS), "-no-reboot", "-display", "none",
            "-monitor", "none", "-serial", "stdio",
            "-kernel", str(linux / "bzImage"), "-initrd", str(linux / "initramfs.cpio"),
            "-append", append, *devices]


def virtio_devices(workdir):
    """The disk on virtio-blk, and a virtio console (hvc0) into a file."""
    return ["-drive", f"file={DISK},format=raw,if=none,id=vda,readonly=on",
            "-device", "virtio-blk-device,drive=vda",
            "-device", "virtio-serial-device",
            "-chardev", f"file,id=hvc,path={workdir / 'hvc0.log'}",
            "-device", "virtconsole,chardev=hvc"]


@pytest.fixture
def boot(linux, request):
    """boot(machine, append, devices) -> a SerialConsole; killed after."""
    consoles = []

    def start(machine, append, devices=lambda workdir: []):
        workdir = stepvisor._fresh_workdir(ARTIFACTS / f"{request.node.name}-qemu-tcg")
        consoles.append(SerialConsole(qemu_cmd(linux, machine, append, devices(workdir)),
                                      workdir))
        return consoles[-1]
    yield start
    for c in consoles:
        c.close()


def assert_lines(console, lines):
    got = console.lines()
    for line in lines:
        assert line in got, f"missing line {line!r}; artifacts in {console.workdir}"


def test_linux_boots_to_a_shell_that_answers_and_reboots(linux, boot):
    console = boot(MICROVM, KERNEL_CMDLINE, virtio_devices)
    release = (linux / "release").read_text().strip()
    console.expect(f"{PROMPT}", timeout=BOOT_TIMEOUT)
    # The echo of the typed line shows $(...) unexpanded: only the
    # command's output is the exact line.
    console.send('echo "uname: $(uname -r)"')
    console.expect(f"uname: {release}\r\n")
    console.send('echo "disk: $(dd if=/dev/vda bs=512 skip=127 count=1 2>/dev/null'
                 ' | head -n 1)"')
    console.expect("disk: stepvisor disk sector 127\r\n")
    console.send("reboot -f")
    code = console.wait_exit(COMMAND_TIMEOUT)
    assert_lines(console, [
        f"init: stepvisor Linux guest, kernel {release}",
        "init: /dev/vda sector 0: stepvisor disk sector 0",
        "init: /dev/vda sector 5: stepvisor disk sector 5",
        "init: wrote a line to /dev/hvc0",
        "init: starting a shell on the console",
        f"uname: {release}",
        "disk: stepvisor disk sector 127",
        "reboot: Restarting system"])
    assert (console.workdir / "hvc0.log").read_text() == "init: hello on hvc0\n"
    # -no-reboot: the guest's reset request ends QEMU with status 0.
    assert code == 0, f"QEMU exit status {code}"


def test_linux_on_a_plain_pc_resets_through_the_i8042(boot):
    """QEMU's 'pc' machine: no virtio-mmio devices, an i8042, and Linux's
    default reboot (no ACPI, so the i8042's reset line) ends QEMU."""
    console = boot("pc", "console=ttyS0")
    console.expect(PROMPT, timeout=BOOT_TIMEOUT)
    console.send("reboot -f")
    code = console.wait_exit(COMMAND_TIMEOUT)
    assert_lines(console, [
        "serio: i8042 KBD port at 0x60,0x64 irq 1",
        "init: no /dev/vda",
        "init: no /dev/hvc0",
        "init: starting a shell on the console",
        "reboot: Restarting system"])
    assert code == 0, f"QEMU exit status {code}"


# --- the build's own checks -------------------------------------------------

def read_cpio(data):
    """{name: (mode, rdev major, rdev minor, contents)} from a newc cpio."""
    files, at = {}, 0
    while True:
        assert data[at:at + 6] == b"070701", f"bad magic at {at}"
        f = [int(data[at + 6 + 8 * i:at + 14 + 8 * i], 16) for i in range(13)]
        mode, size, rmajor, rminor, namesize = f[1], f[6], f[9], f[10], f[11]
        name = data[at + 110:at + 110 + namesize - 1].decode()
        at += 110 + namesize
        at += -at % 4
        body = data[at:at + size]
        at += size
        at += -at % 4
        if name == "TRAILER!!!":
            return files
        files[name] = (mode, rmajor, rminor, body)


def test_initramfs_holds_init_busybox_and_the_console(linux):
    files = read_cpio((linux / "initramfs.cpio").read_bytes())
    mode, _, _, body = files["init"]
    assert body == build_linux.INIT.read_bytes() and mode == 0o100755
    assert files["bin/busybox"][3] == build_linux.BUSYBOX.read_bytes()
    assert files["bin/sh"][0] == 0o120777 and files["bin/sh"][3] == b"/bin/busybox"
    assert files["dev/console"][:3] == (0o020600, 5, 1)
    for d in ("proc", "sys", "dev"):
        assert files[d][0] == 0o040755


def test_a_fragment_line_kconfig_dropped_stops_the_build(tmp_path, monkeypatch):
    fragment = tmp_path / "fragment"
    fragment.write_text("CONFIG_VIRTIO_BLK=y\n# CONFIG_ACPI is not set\n"
                        "CONFIG_LOCALVERSION=\"-x\"\n")
    monkeypatch.setattr(build_linux, "FRAGMENT", fragment)
    monkeypatch.setattr(build_linux, "ROOT", tmp_path)
    config = tmp_path / "config"
    config.write_text("CONFIG_VIRTIO_BLK=y\n# CONFIG_ACPI is not set\n"
                      "CONFIG_LOCALVERSION=\"-x\"\n")
    build_linux.check_config(config)  # all there: no complaint
    config.write_text("# CONFIG_VIRTIO_BLK is not set\nCONFIG_ACPI=y\n"
                      "CONFIG_LOCALVERSION=\"-x\"\n")
    with pytest.raises(SystemExit) as e:
        build_linux.check_config(config)
    assert str(e.value) == ("build_linux: the kernel configuration lost lines of fragment:\n"
                            "  CONFIG_VIRTIO_BLK=y became n\n  CONFIG_ACPI=n became y")


def test_the_cache_key_follows_every_input(tmp_path, monkeypatch):
    key = build_linux.cache_key()
    assert key == build_linux.cache_key()  # stable
    for name in ("FRAGMENT", "INIT"):
        changed = tmp_path / getattr(build_linux, name).name  # same name: content differs
        changed.write_bytes(getattr(build_linux, name).read_bytes() + b"\n")
        with monkeypatch.context() as m:
            m.setattr(build_linux, name, changed)
            assert build_linux.cache_key() != key, name
