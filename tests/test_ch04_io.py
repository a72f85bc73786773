# SPDX-License-Identifier: MIT
"""Chapter 4: an emulated UART, virtio-console and virtio-blk; the exit
counts that show why virtio exists; hostile rings the devices survive."""
import re

import pytest

CH = "04-io"
INTACT = (r"isolation: canary intact, checksum of the hypervisor's code and constants "
          r"unchanged \(\d+ bytes\)")
LINES = [f"text line {n:02d}: " for n in range(32)]


def test_uart_and_virtio_carry_the_same_text(bochs):
    log = bochs(CH)
    uart = [line[len("guest uart: "):] for line in log.lines
            if line.startswith("guest uart: ")]
    virtio = [line[len("guest virtio-console: "):] for line in log.lines
              if line.startswith("guest virtio-console: ")]
    assert len(uart) == 32 and [u[:len(p)] for u, p in zip(uart, LINES)] == LINES
    assert virtio == uart
    log.has_all([
        "uart: 2048 bytes from the guest",
        "virtio-console: 2048 bytes from the guest",
    ])
    log.passed()


def test_ports_without_a_device_read_all_ones_and_are_counted(bochs):
    log = bochs(CH)
    log.has_in_order([
        "guest: COM2 line status, a port with no device = 0xff",
        "io: 2 accesses to ports with no device (read all ones, writes ignored)",
    ])


def test_interrupt_status_says_used_buffer_until_acknowledged(bochs):
    log = bochs(CH)
    log.has_in_order([
        "guest: virtio-console InterruptStatus after the transmit = 0x1",
        "guest: virtio-console InterruptStatus after InterruptACK = 0x0",
    ])


def test_virtio_takes_at_least_100x_fewer_exits_per_kib(bochs):
    log = bochs(CH)
    log.has_in_order([
        "exits per KiB:",
        "  UART (COM1)        2048 bytes    4096 exits    2048.0 per KiB",
        "  virtio-console     2048 bytes       1 exits       0.5 per KiB",
        "  virtio-console takes 4096x fewer exits per KiB than UART (COM1)",
    ])
    ratio = int(log.match(r"  virtio-console takes (\d+)x fewer exits per KiB than "
                          r"UART \(COM1\)").group(1))
    assert ratio >= 100
    log.passed()


def test_virtio_blk_reads_back_what_it_wrote(bochs):
    log = bochs(CH)
    log.has_in_order([
        "virtio-blk: 128 sectors of 512 bytes, at GPA 0xfe011000",
        "guest: virtio-blk capacity in sectors = 0x80",
        "guest: stepvisor-disk0",
        "guest: stepvisor disk sector 1",
        "guest: sector 2 read back matches = 0x1",
        "guest: flush status = 0x0",
        "guest ended: the guest exited with status 0",
        "VM exits: 4301",
        "    4194  30 I/O instruction",
        "      90  48 EPT violation",
        "PASS",
    ])
    log.match(INTACT)


HOSTILE = [
    ("hostile-loop", "a descriptor loop, 0 -> 1 -> 0 -> ...",
     "descriptor loop: the chain is longer than the queue"),
    ("hostile-address", "a buffer at GPA 0xC0000000, outside guest RAM",
     "bad buffer address: a buffer is not all in guest RAM"),
    ("hostile-length", "0x2000 bytes at 0xFFFFFFFFFFFFF000, past 2^64",
     "length overflow: a buffer or the chain is too long"),
    ("hostile-index", "avail->idx 1000 ahead, in a ring of 16",
     "bad avail index: more than the queue size ahead"),
    ("hostile-read-only", "a read into a buffer without VIRTQ_DESC_F_WRITE",
     "write to read-only: the device must write into a buffer the driver made read-only"),
]


@pytest.mark.parametrize("scenario,request_,report", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_ring_needs_reset_and_device_recovers(bochs, scenario, request_, report):
    log = bochs(CH, f"scenario={scenario}")
    log.has_in_order([
        f"guest: hostile request: {request_}",
        f"virtio-blk: queue 0: {report}; the device needs a reset (DEVICE_NEEDS_RESET)",
        "guest: status after the hostile request = 0x4f",   # NEEDS_RESET | DRIVER_OK | ...
        "guest: stepvisor disk sector 1",
        "guest: device works again after reset = 0x1",
        "guest ended: the guest exited with status 0",
    ])
    log.match(INTACT)
    log.passed()


def test_broken_vmcs_scenarios_come_along_from_chapter_3(bochs):
    log = bochs(CH, "scenario=bad-host-tr")
    log.lacks("guest: hello from the guest")
    log.expected("VMLAUNCH failed: VMfailValid, VM-instruction error 8 "
                          "(VM entry with invalid host-state field(s))")
