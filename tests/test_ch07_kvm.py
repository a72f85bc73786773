# SPDX-License-Identifier: MIT
"""Chapter 7: a user-space VMM on /dev/kvm. Chapter 4's guest and devices
run under it with the same lines and exit counts; chapter 5's guest takes
its interrupts from chapter 5's 8259s, 8254 and local APIC, moved into the
VMM; two vCPUs run as two threads; what KVM cannot do for the VMM fails by
name."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import stepvisor  # noqa: E402
from conftest import Log  # noqa: E402
from test_ch05_irq import EXCEPTION_LINES  # noqa: E402  (chapter 5's lines, the same guest)

CH = "07-kvm"
PROGRAM = ROOT / "build" / CH / "stepvisor-kvm"
DISK = ROOT / "build" / "guests" / "disk.img"
LINES = [f"text line {n:02d}: " for n in range(32)]
# Chapter 5's interrupt controllers and timer, compiled into the VMM as they are.
UNCHANGED_FROM_5 = ["pic8259.c", "pic8259.h", "pit8254.c", "pit8254.h", "lapic.c", "lapic.h"]
# Chapter 4's device files, compiled into the VMM as they are.
UNCHANGED = ["uart.c", "uart.h", "virtio_mmio.c", "virtio_mmio.h", "virtqueue.c",
             "virtqueue.h", "virtio_console.c", "virtio_console.h", "virtio_blk.c",
             "virtio_blk.h", "measure.c", "measure.h", "mmio.h"]

_runs = {}


@pytest.fixture
def kvm(request):
    """run(cmdline='') -> Log of the VMM's run on /dev/kvm (shared per worker)."""
    def run(cmdline=""):
        if cmdline not in _runs:
            _runs[cmdline] = stepvisor.run_host(
                CH, cmdline, workdir=ROOT / "build" / "test-artifacts" /
                f"kvm-{cmdline or 'normal'}-{os.getpid()}")  # one per test worker
        return Log(_runs[cmdline])
    return run


def vmm(tmp_path, code, *prefix):
    """Runs the VMM on a real-mode guest made of code; its output lines."""
    image = tmp_path / "guest.bin"
    image.write_bytes(bytes(code))
    r = subprocess.run([*prefix, str(PROGRAM), str(image), str(DISK)], capture_output=True,
                       text=True, timeout=60)
    return r.returncode, r.stdout.splitlines()


def vmm_smp(tmp_path, code):
    """Runs the VMM's two-vCPU mode on a guest made of code."""
    image = tmp_path / "smp.bin"
    image.write_bytes(bytes(code))
    r = subprocess.run([str(PROGRAM), "--smp", str(image)], capture_output=True, text=True,
                       timeout=60)
    return r.returncode, r.stdout.splitlines()


def test_the_devices_are_chapter_4s_files_unchanged():
    for f in UNCHANGED:
        assert (ROOT / "chapters" / CH / f).read_bytes() == \
            (ROOT / "chapters" / "04-io" / f).read_bytes(), f


def test_the_interrupt_hardware_is_chapter_5s_files_unchanged():
    for f in UNCHANGED_FROM_5:
        assert (ROOT / "chapters" / CH / f).read_bytes() == \
            (ROOT / "chapters" / "05-irq" / f).read_bytes(), f


def test_chapter_4s_guest_runs_with_the_same_text(kvm):
    log = kvm()
    uart = [line[len("guest uart: "):] for line in log.lines
            if line.startswith("guest uart: ")]
    virtio = [line[len("guest virtio-console: "):] for line in log.lines
              if line.startswith("guest virtio-console: ")]
    assert len(uart) == 32 and [u[:len(p)] for u, p in zip(uart, LINES)] == LINES
    assert virtio == uart
    log.has_in_order([
        "stepvisor chapter 7: KVM, a user-space VMM on /dev/kvm",
        "KVM: API version 12; extensions: user memory, TSS address, immediate exit",
        "KVM: guest RAM 64 MiB at GPA 0 (two memory slots), hole at 0xa0000-0xfffff",
        "hypercalls: 11 VMCALL(s) in the image rewritten to HLT, which KVM hands to "
        "user space",
        "virtio-blk: 128 sectors of 512 bytes, at GPA 0xfe011000",
        "vcpu 0: its own thread and kvm_run, starting at 0000:7C00",
        "guest: COM2 line status, a port with no device = 0xff",
        "guest: virtio-console InterruptStatus after the transmit = 0x1",
        "guest: virtio-console InterruptStatus after InterruptACK = 0x0",
        "guest: virtio-blk capacity in sectors = 0x80",
        "guest: stepvisor-disk0",
        "guest: stepvisor disk sector 1",
        "guest: sector 2 read back matches = 0x1",
        "guest: flush status = 0x0",
        "vmcall: the guest exits with status 0",
        "vcpu 0 ended: the guest exited with status 0",
        "uart: 2048 bytes from the guest",
        "virtio-console: 2048 bytes from the guest",
        "io: 2 accesses to ports with no device (read all ones, writes ignored)",
    ])
    log.passed()


def test_exits_per_kib_are_chapter_4s(kvm):
    log = kvm()
    log.has_in_order([
        "exits per KiB:",
        "  UART (COM1)        2048 bytes    4096 exits    2048.0 per KiB",
        "  virtio-console     2048 bytes       1 exits       0.5 per KiB",
        "  virtio-console takes 4096x fewer exits per KiB than UART (COM1)",
    ])


def test_exit_table_by_kvm_run_reason_matches_chapter_4s_devices(kvm, bochs):
    """The I/O and MMIO exits reach user space one for one with chapter 4's
    I/O-instruction and EPT-violation exits under Bochs; CPUID, CR and the
    rest stay in KVM; the 13 hypercalls arrive as HLT."""
    log = kvm()
    log.has_in_order([
        "vcpu 0: KVM_RUN exits to user space: 4297",
        "    4194   2 KVM_EXIT_IO",
        "      13   5 KVM_EXIT_HLT",
        "      90   6 KVM_EXIT_MMIO",
    ])
    bare = bochs("04-io")
    bare.has_all(["    4194  30 I/O instruction", "      90  48 EPT violation",
                  "      13  18 VMCALL"])


def test_two_vcpus_run_as_two_threads(kvm):
    log = kvm("smp")
    log.has_in_order([
        "loader: kvm_smp.bin, 300 bytes, at GPA 0x7c00",
        "hypercalls: 1 VMCALL(s) in the image rewritten to HLT, which KVM hands to user space",
        "vcpu 0: its own thread and kvm_run, starting at 0000:7C00",
        "vcpu 1: its own thread and kvm_run, starting at 0000:7D00",
        "vcpu 0 ended: the guest exited with status 0",
        "vcpu 1 ended: the guest exited with status 0",
        "smp: vcpu 0 wrote 0x0 to its id port",
        "smp: vcpu 1 wrote 0x1 to its id port",
        "smp: the vCPUs ran on two host threads",
    ])
    for v in (0, 1):
        log.has_in_order([f"vcpu {v}: KVM_RUN exits to user space: 2",
                          "       1   2 KVM_EXIT_IO", "       1   5 KVM_EXIT_HLT"])
    log.passed()


def test_halt_with_interrupts_off_ends_the_guest_by_name(tmp_path):
    code, lines = vmm(tmp_path, [0xFA, 0xF4])  # CLI; HLT
    assert code == 1
    assert "hlt: vcpu 0 halted with interrupts disabled (RFLAGS.IF = 0); nothing can " \
           "wake it" in lines
    assert lines[-1] == "FAIL: vcpu 0: guest halted with interrupts disabled"


def test_the_pc_hole_is_not_ram(tmp_path):
    # MOV AX, 0xA000; MOV DS, AX; MOV AL, [0]: a read of GPA 0xA0000.
    code, lines = vmm(tmp_path, [0xB8, 0x00, 0xA0, 0x8E, 0xD8, 0xA0, 0x00, 0x00])
    assert code == 1
    assert "KVM_EXIT_MMIO: guest read of GPA 0xa0000, outside guest RAM and every " \
           "device" in lines
    assert lines[-1] == "FAIL: vcpu 0: guest read of GPA 0xa0000 outside its memory " \
                        "(KVM_EXIT_MMIO)"


def test_dev_kvm_not_accessible_fails_naming_the_fix(tmp_path):
    """As a user outside the kvm group (nobody; setpriv needs root, which
    this project's machines are)."""
    assert os.geteuid() == 0, "dropping access to /dev/kvm needs root"
    code, lines = vmm(tmp_path, [0xF4], "setpriv", "--reuid=65534", "--regid=65534",
                      "--clear-groups")
    assert code == 1
    assert lines[-1] == ("FAIL: /dev/kvm is not accessible to this user: sudo usermod "
                         "-aG kvm $USER, then log in again")


@pytest.mark.parametrize("cmdline", ["", "irq"])
def test_make_run_chapter_7_passes(cmdline):
    r = subprocess.run(["make", "-s", "run", "CHAPTER=7", f"CMDLINE={cmdline}"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    # make's images include chapter 6's Linux, whose build (cached) says so first.
    lines = [line for line in r.stdout.splitlines() if not line.startswith("build_linux: ")]
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr
    assert lines[0] == ("stepvisor: running chapter 07-kvm on /dev/kvm: a user-space VMM, "
                        "no emulator")
    assert lines[-2] == "PASS"
    assert lines[-1].startswith("stepvisor: PASS (kvm, ")


def test_chapter_7_has_no_image_to_boot():
    r = subprocess.run([sys.executable, str(ROOT / "tools" / "stepvisor.py"), "iso",
                        "--chapter", "7"], capture_output=True, text=True)
    assert r.returncode == stepvisor.EXIT_USAGE
    assert r.stderr.strip() == ("stepvisor: chapter 07-kvm is a program for this machine, "
                                "not a bootable image: it has no ISO")


def test_two_vcpus_must_each_report_their_own_number(tmp_path):
    # Both entry points say "I am vCPU 0": MOV AL, 0; MOV DX, 0x510; OUT DX, AL;
    # MOV EAX, 3 (EXIT); XOR EDI, EDI; VMCALL.
    body = [0xB0, 0x00, 0xBA, 0x10, 0x05, 0xEE, 0x66, 0xB8, 0x03, 0, 0, 0,
            0x66, 0x31, 0xFF, 0x0F, 0x01, 0xC1]
    image = body + [0] * (0x100 - len(body)) + body
    code, lines = vmm_smp(tmp_path, image)
    assert code == 1
    assert "smp: vcpu 1 wrote 0x0 to its id port" in lines
    assert lines[-1] == "FAIL: the two vCPUs did not both run, each on its own thread"


def test_a_guest_that_never_exits_ends_at_the_deadline(tmp_path):
    code, lines = vmm(tmp_path, [0xEB, 0xFE])  # JMP $
    assert code == 1
    assert "vcpu 0: still running at the run's deadline" in lines
    assert lines[-1] == "FAIL: vcpu 0: vcpu 0 still ran after 10 s (the run's deadline)"


# --- chapter 5's guest: its interrupts from the VMM's own devices ----------------

def test_chapter_5s_guest_takes_its_interrupts_from_user_space(kvm):
    """Chapter 5's guest, unmodified: the self-IPI, the interrupt window an
    STI opens one instruction late, TPR and CR8 give chapter 5's lines,
    with KVM_INTERRUPT for the VMCS's event injection."""
    log = kvm("irq")
    log.has_in_order([
        "vpc: chapter 5's 8259A pair at 0x20/0xA0, 8254 at 0x40 (IRQ0) and local APIC at "
        "0xfee00000, in this process, for vcpu 0",
        "guest: self-IPI: 1 interrupt on vector 0x50, in service (ISR) in its handler, "
        "ISR clear after EOI",
        "guest: interrupt window: vector 0x51 held while IF = 0, pending in IRR; "
        "delivered after the instruction following STI: marker 2, RIP at the next store",
        "guest: TPR 0x50: vector 0x65 delivered, vector 0x45 held in IRR, PPR 0x50; "
        "TPR 0: vector 0x45 delivered",
        "guest: CR8 5: TPR reads 0x50, vector 0x45 held; CR8 0: delivered",
        "guest: interrupt and exception checks done",
        "vcpu 0 ended: the guest exited with status 0",
    ])
    log.match(r"events: KVM_INTERRUPT \d+ time\(s\) \(\d+ from the 8259s, \d+ from the local "
              r"APIC\), KVM_NMI 0; \d+ HLT\(s\) slept; .*")
    log.passed()


def test_chapter_5s_timers_run_on_the_hosts_time(kvm):
    """The PIT through the 8259s and the local APIC's timer in each mode.
    The guest's TSC is the host's here (no virtual time), so the periodic
    timer's intervals are as even as the host delivers them: each interrupt
    reaches the guest through a thread waking and two ioctls, which vary by
    microseconds against a period of 100000 TSC ticks (some 40 us); chapter
    5's virtual time made them exact. The rest is chapter 5's lines."""
    log = kvm("irq")
    log.match(r"guest: TSC ticks per second, measured against PIT channel 2 = 0x[0-9a-f]+")
    log.has_in_order([
        "guest: PIT channel 0 at 100 Hz, IRQ0 through the PIC: 100 ticks in one second of "
        "virtual time",
        "guest: LAPIC timer one-shot: 1 interrupt on vector 0x40 in 4 periods, current count 0 "
        "after it",
        "guest: LAPIC timer TSC-deadline: 1 interrupt on vector 0x42, not before the deadline, "
        "IA32_TSC_DEADLINE then 0x0",
    ])
    log.match(r"guest: LAPIC timer periodic: 6 interrupts on vector 0x41, the 5 intervals"
              r"( within 1% of each other|, differing by more than 1%), the count reloaded")


def test_an_idle_tick_costs_2_exits_to_user_space(kvm):
    """HLT, then the EOI's OUT to the 8259: KVM_INTERRUPT itself costs no
    exit (the vector goes in with the next KVM_RUN), as chapter 5's
    injection rides on its VM entry."""
    log = kvm("irq")
    log.has("  idle (HLT), per tick 102400 bytes     200 exits       2.0 per KiB")


def test_chapter_5s_exceptions_where_kvm_leaves_two_to_the_vmm(kvm):
    """KVM delivers the guest's exceptions itself, but for two it leaves to
    this process on this host (KVM's PVM back end): VMXON and a long-mode
    INT3 end its emulator (KVM_EXIT_INTERNAL_ERROR), and the VMM raises #UD
    and #BP. One line differs, measured, not chosen: a #PF while KVM
    delivers that #BP through a gate whose stack is not mapped reaches the
    guest as a double fault (vector 8), where chapter 5's CPU delivers the
    #PF at the INT3 and then the #BP again."""
    log = kvm("irq")
    log.has_in_order(EXCEPTION_LINES + [
        "guest: #PF while delivering #BP: none",
        "guest: #BP (INT3) again, on the stack the #PF handler mapped: vector 8, "
        "error code 0x0, RIP after the instruction",
        "vcpu 0: KVM's emulator left 2 INT3(s) and 1 VMX instruction(s) to this process: "
        "#BP and #UD raised (KVM_SET_VCPU_EVENTS)",
    ])


# Real mode: the 8259s at vector 0x20 (ICW1-ICW4, only IRQ0 unmasked), PIT
# channel 0 at 100 Hz (count 0x2E9C); STI, then a loop that never exits,
# waiting for the handler (IVT entry 0x20: INC byte [0x500]; EOI; IRET) to
# count 10 ticks; then the EXIT hypercall (MOV EAX, 3; XOR EDI, EDI; VMCALL).
PIT_SPINNER = [
    0xFA, 0xC7, 0x06, 0x80, 0x00, 0x41, 0x7C, 0xC7, 0x06, 0x82, 0x00, 0x00, 0x00,
    0xB0, 0x11, 0xE6, 0x20, 0xB0, 0x20, 0xE6, 0x21, 0xB0, 0x04, 0xE6, 0x21,
    0xB0, 0x01, 0xE6, 0x21, 0xB0, 0xFE, 0xE6, 0x21,
    0xB0, 0x34, 0xE6, 0x43, 0xB0, 0x9C, 0xE6, 0x40, 0xB0, 0x2E, 0xE6, 0x40, 0xFB,
    0x80, 0x3E, 0x00, 0x05, 0x0A, 0x72, 0xF9,
    0x66, 0xB8, 0x03, 0x00, 0x00, 0x00, 0x66, 0x31, 0xFF, 0x0F, 0x01, 0xC1,
    0xFE, 0x06, 0x00, 0x05, 0xB0, 0x20, 0xE6, 0x20, 0xCF,
]


def test_a_timer_interrupts_a_guest_that_never_exits(tmp_path):
    """The guest spins without an exit: the PIT's ticks reach it only
    because a POSIX timer's signal makes KVM_RUN return at each one (a
    bare-metal hypervisor has its preemption timer). 8 OUTs to set up, an
    EOI per tick, the exit."""
    code, lines = vmm(tmp_path, PIT_SPINNER)
    assert code == 0, lines[-30:]
    assert "vcpu 0: KVM_RUN exits to user space: 19" in lines
    assert "      18   2 KVM_EXIT_IO" in lines
    assert any(line.startswith("events: KVM_INTERRUPT 10 time(s) (10 from the 8259s, 0 from "
                               "the local APIC), KVM_NMI 0; 0 HLT(s) slept") for line in lines)
    assert lines[-1] == "PASS"


def test_halt_with_interrupts_on_and_no_timer_ends_the_guest_by_name(tmp_path):
    code, lines = vmm(tmp_path, [0xFB, 0xF4])  # STI; HLT
    assert code == 1
    assert "hlt: the guest halted with interrupts enabled, but no timer is armed and " \
           "nothing else can interrupt it" in lines
    assert lines[-1] == "FAIL: vcpu 0: guest halted with no timer armed and no interrupt " \
                        "pending"
