# SPDX-License-Identifier: MIT
"""Chapter 3: EPT gives the guest memory of its own; the guest starts in real
mode (unrestricted guest); MMIO is emulated; the rest is an EPT violation."""

CH = "03-ept"
INTACT = ("isolation: canary intact, checksum of the hypervisor's code and constants "
          "unchanged")


def test_real_mode_to_long_mode_with_memory_and_mmio(bochs):
    log = bochs(CH)
    log.has_in_order([
        "stepvisor chapter 3: EPT (scenario normal)",
        "EPT: guest RAM 64 MiB at GPA 0 (host 0x200000), hole at 0xa0000-0xfffff",
        "EPT: 416 pages of 4 KiB, 31 of 2 MiB, 0 of 1 GiB; 4 table pages",
        "controls: pin-based 0x5e, primary processor-based 0x961861f2, secondary 0xa2, "
        "VM-exit 0x336fff, VM-entry 0x91ff",
        "checker: 69 of 69 VM-entry rules hold",
        "INVEPT: single-context",
        # real mode, then the switches the hypervisor follows
        "guest console: real mode: hello from 16-bit code at 0000:7C00",
        "cr: guest enters protected mode (CR0.PE = 1)",
        "cr: guest writes CR0 = 0x11, runs with 0x31",
        "guest console: protected mode: 32-bit code, paging off",
        "msr: WRMSR 0xc0000080 = 0x100",
        'cr: guest turns on paging with EFER.LME = 1: IA-32e mode, EFER.LMA and '
        '"IA-32e mode guest" set',
        "cr: guest writes CR0 = 0x80000011, runs with 0x80000031",
        "guest: long mode: 64-bit code on the guest's own page tables",
        # memory behind both page sizes, and the end of RAM
        "guest: memory checks passed (4 KiB EPT page, 2 MiB EPT page, end of RAM) = 0x3",
        "guest: last qword of RAM at GPA = 0x3fffff8",
        # MMIO: every MOV form the guest uses
        "mmio: test device +0x0: read32 0x56505453",
        "guest: test device ID = 0x56505453",
        "mmio: test device +0x4: read8 0x1",
        "guest: test device version = 0x1",
        "mmio: test device +0x8: write64 0x123456789abcdef",
        "mmio: test device +0x8: read64 0x123456789abcdef",
        "guest: scratch after a 64-bit store = 0x123456789abcdef",
        "mmio: test device +0x8: write32 0xcafef00d",
        "mmio: test device +0xc: write8 0x5a",
        "mmio: test device +0xd: write8 0x77",
        "mmio: test device +0xc: read16 0x775a",
        "guest: scratch bytes 4-5 after byte stores = 0x775a",
        "guest: scratch after 32-bit and byte stores = 0x123775acafef00d",
        "guest: test device accesses = 0xa",
        "guest ended: the guest exited with status 0",
        "VM exits: 112",
        "      10  48 EPT violation",
        "VMXOFF: VMsucceed, back in normal operation",
        "PASS",
    ])
    log.match(INTACT.replace("(", r"\(").replace(")", r"\)") + r" \(\d+ bytes\)")
    log.passed()


def test_guest_cannot_reach_the_hypervisor(bochs):
    """Chapter 2's isolation scenario, now with EPT."""
    log = bochs(CH, "scenario=isolation")
    log.has_in_order([
        "guest: no hypervisor canary in guest memory; trying GPA 0xC0000000",
        "guest ended: guest write of GPA 0xc0000000 outside its memory (EPT violation)",
    ])
    log.match(r"EPT violation: guest write of GPA 0xc0000000, outside guest RAM and every "
              r"device; guest linear address 0xc0000000, guest RIP 0x[0-9a-f]+, "
              r"exit qualification 0x[0-9a-f]+")
    log.lacks("guest: found the hypervisor's canary in guest memory")
    log.match(INTACT.replace("(", r"\(").replace(")", r"\)") + r" \(\d+ bytes\)")
    log.expected("guest write of GPA 0xc0000000 outside its memory (EPT violation)")


def test_read_above_guest_ram_is_an_ept_violation(bochs):
    log = bochs(CH, "scenario=out-of-ram")
    log.match(r"EPT violation: guest read of GPA 0x10000000, outside guest RAM and every "
              r"device; guest linear address 0x10000000, guest RIP 0x[0-9a-f]+, "
              r"exit qualification 0x[0-9a-f]+")
    log.expected("guest read of GPA 0x10000000 outside its memory (EPT violation)")


def test_smaller_guest_ram_from_the_command_line(bochs):
    log = bochs(CH, "guest_mem=6M")
    log.has_all([
        "EPT: guest RAM 6 MiB at GPA 0 (host 0x200000), hole at 0xa0000-0xfffff",
        "EPT: 416 pages of 4 KiB, 2 of 2 MiB, 0 of 1 GiB; 4 table pages",
        "guest: last qword of RAM at GPA = 0x5ffff8",
        "guest: memory checks passed (4 KiB EPT page, 2 MiB EPT page, end of RAM) = 0x3",
    ])
    log.passed()


def test_unknown_mmio_instruction_is_named_by_its_bytes(bochs):
    log = bochs(CH, "scenario=bad-mmio")
    m = log.match(r"mmio: cannot emulate the instruction at RIP (0x[0-9a-f]+) touching "
                  r"test device at GPA 0xfe000008; bytes at RIP: 83 43 08 01 .*")
    log.expected(f"unsupported MMIO instruction at RIP {m.group(1)}")


def test_hang_still_ends_by_the_watchdog(bochs):
    log = bochs(CH, "scenario=hang")
    m = log.match(r"watchdog: the guest ran 50000000 VMX-preemption timer ticks without "
                  r"a VM exit; it is hung at RIP (0x[0-9a-f]+)")
    log.expected(f"guest hung at RIP {m.group(1)} (VMX-preemption timer expired)")


def test_cpu_without_unrestricted_guest_is_refused(bochs):
    log = bochs(CH, cpu_model="corei5_lynnfield_750")
    log.has("  unrestricted guest: no")
    log.failed('no unrestricted guest: chapter 3 starts its guest in real mode, which needs '
               'the "unrestricted guest" control')


def test_broken_guest_state_in_real_mode_is_named(bochs):
    log = bochs(CH, "scenario=bad-guest-cr0")
    log.has('checker: broken rule: guest CR0.PG = 1 requires CR0.PE = 1 '
            '(SDM "Checks on Guest Control Registers, Debug Registers, and MSRs")')
    log.emulator_log_has("VMENTER FAIL")
    log.expected("VM entry failed: VM-entry failure due to invalid guest state")


def test_unknown_option_names_the_closest_known_one(bochs):
    log = bochs(CH, "guestmem=6M")
    log.failed('unknown option "guestmem" (did you mean "guest_mem"?)')
