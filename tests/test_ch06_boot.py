# SPDX-License-Identifier: MIT
"""Chapter 6's loaders under Bochs: the multiboot check kernel
(guests/multiboot/) passes its 23 checks with what chapter 6's multiboot
loader gives it; a module that is no kernel, bzImages with a bad header,
multiboot kernels with segments where they cannot go and an initramfs
that would meet the kernel are refused by name before anything runs; a
guest write to the BIOS area, which is ROM, ends the guest by name.

The hostile images are made here from the real ones by patching bytes
(and one multiboot kernel from scratch). The Linux boots themselves are
tests/test_ch06_linux.py's; tests/unit/test_loader.c checks the ELF
loader and the MP table on the host.
"""
import struct

import pytest

import stepvisor
from conftest import Log, _artifact_dir

CHAPTER = "06-linux"
MBCHECK = stepvisor.BUILD / "guests" / "mbcheck.elf"
BZIMAGE = stepvisor.BUILD / "linux" / "bzImage"
VMLINUX = stepvisor.BUILD / "linux" / "vmlinux"
INITRAMFS = stepvisor.BUILD / "linux" / "initramfs.cpio"
DISK = stepvisor.BUILD / "guests" / "disk.img"
GUEST_MEM_MIB = 128  # small: guest RAM is zeroed at boot, which costs Bochs time
TIMEOUT = 120
MODULE = b"stepvisor multiboot module: the bytes the kernel hashes\n"
PT_LOAD = 1
PAGE = 4096
GUEST_UART = "guest uart: "


def fnv1a(data):
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def elf_loads(data):
    """The entry point and (file offset of the program header, p_paddr,
    p_filesz, p_memsz) of each PT_LOAD, for ELF32 and ELF64."""
    if data[4] == 2:  # ELFCLASS64
        entry, phoff = struct.unpack_from("<QQ", data, 24)
        phentsize, phnum = struct.unpack_from("<HH", data, 54)
        phdr, fields = "<IIQQQQQ", (0, 4, 5, 6)  # p_type, p_paddr, p_filesz, p_memsz
    else:
        entry, phoff = struct.unpack_from("<II", data, 24)
        phentsize, phnum = struct.unpack_from("<HH", data, 42)
        phdr, fields = "<6I", (0, 3, 4, 5)
    out = []
    for i in range(phnum):
        at = phoff + i * phentsize
        values = struct.unpack_from(phdr, data, at)
        p_type, paddr, filesz, memsz = (values[f] for f in fields)
        if p_type == PT_LOAD and memsz:
            out.append((at, paddr, filesz, memsz))
    return entry, out


def boot(request, kernel, initrd=None, cmdline=None, guest_mem=GUEST_MEM_MIB):
    """Boots chapter 6 under Bochs with kernel (and initrd, cmdline) as its
    guest, as GUEST=, INITRD= and GUEST_CMDLINE= do; returns the Log, the
    guest's serial lines without the hypervisor's "guest uart: " prefix."""
    guest = stepvisor.Guest(kernel, initrd, cmdline)
    r = stepvisor.run_bochs(CHAPTER, f"guest_mem={guest_mem}M", guest=guest,
                            workdir=_artifact_dir(request, "bochs"), timeout=TIMEOUT)
    log = Log(r)
    log.lines = [line[len(GUEST_UART):] if line.startswith(GUEST_UART) else line
                 for line in log.lines]
    return log


def test_multiboot_check_kernel_passes_under_chapter_6(request, tmp_path):
    data = MBCHECK.read_bytes()
    entry, loads = elf_loads(data)
    kernel_end = max(paddr + memsz for _, paddr, _, memsz in loads)
    module_at = (kernel_end + PAGE - 1) // PAGE * PAGE
    cmdline = f"mbcheck module_bytes={len(MODULE)} module_fnv1a={fnv1a(MODULE):#x}"
    (tmp_path / "module").write_bytes(MODULE)
    log = boot(request, MBCHECK, tmp_path / "module", cmdline)
    ram_kib = (GUEST_MEM_MIB << 10) - 1024
    log.has_in_order([
        f"loader: multiboot kernel, ELF32, {len(data)} bytes, header flags 0x3"] + [
        f"loader: multiboot segment at {paddr:#x}-{paddr + memsz:#x}, {filesz} bytes from "
        "the file" for _, paddr, filesz, memsz in loads] + [
        f'loader: multiboot information at 0x8000, command line at 0x9000: "{cmdline}"',
        f'loader: module "initrd", {len(MODULE)} bytes, at {module_at:#x}',
        f"loader: entering the kernel at {entry:#x} in 32-bit protected mode",
        "mbcheck: EAX = 0x2badb002: ok",
        "mbcheck: CS: 32-bit code, limit 0xffffffff: ok",
        "mbcheck: SS: 32-bit writable data, limit 0xffffffff: ok",
        "mbcheck: .bss zeroed: ok",
        "mbcheck: flags: mem_lower/mem_upper, cmdline, mods, mmap: ok",
        "mbcheck: memory map: [0x0, 0x9fc00) type 1",
        "mbcheck: memory map: [0x9fc00, 0xa0000) type 2",
        "mbcheck: memory map: [0xa0000, 0x100000) type 2",
        f"mbcheck: memory map: [0x100000, {GUEST_MEM_MIB << 20:#x}) type 1",
        "mbcheck: memory map: 4 entries, well-formed: ok",
        "mbcheck: mem_lower 639 KiB, within the map's RAM from 0: ok",
        f"mbcheck: mem_upper {ram_kib} KiB, within the map's RAM from 1 MiB: ok",
        f'mbcheck: command line "{cmdline}": ok',
        f'mbcheck: module "initrd", {len(MODULE)} bytes, page-aligned, in available RAM, '
        "clear of the kernel: ok",
        "mbcheck: all 23 checks passed",
    ])
    assert not [line for line in log.lines if "FAILED" in line]
    log.passed()


def test_an_initramfs_that_meets_the_kernel_is_refused(request):
    """The vmlinux fast path in a RAM so small that the initramfs, placed at
    its top, would overlap the kernel's last segment: refused by name, after
    the loader said where the rest went. The command line shows the devices
    going before its "--" (Linux gives what follows to init)."""
    data = VMLINUX.read_bytes()
    initrd = INITRAMFS.read_bytes()
    _, loads = elf_loads(data)
    last_start, last = max((paddr, paddr + memsz) for _, paddr, _, memsz in loads)
    guest_mem = (last + len(initrd) // 2) >> 20 << 20  # the initramfs's top half fits
    initrd_at = (guest_mem - len(initrd)) // PAGE * PAGE
    assert initrd_at < last < guest_mem, (initrd_at, last, guest_mem)
    devices = "virtio_mmio.device=4K@0xfe010000:10 virtio_mmio.device=4K@0xfe011000:11"
    log = boot(request, VMLINUX, INITRAMFS, "console=ttyS0 rdinit=/sbin/reboot -- -f",
               guest_mem=guest_mem >> 20)
    why = (f"the initramfs {initrd_at:#x}-{initrd_at + len(initrd):#x} overlaps vmlinux "
           f"segment {last_start:#x}-{last:#x}")
    log.has_in_order(
        [f"loader: vmlinux, ELF64, {len(data)} bytes: the kernel without its decompressor"] +
        [f"loader: vmlinux segment at {paddr:#x}-{paddr + memsz:#x}, "
         f"{filesz} bytes from the file" for _, paddr, filesz, memsz in loads] +
        [f'loader: command line at 0x9000: "console=ttyS0 rdinit=/sbin/reboot {devices} '
         '-- -f"',
         f"loader: refused: {why}"])
    log.failed(f"loader: refused: {why}")


def multiboot_elf(code, load=0x100000):
    """A multiboot ELF32 kernel of one segment: ELF header, one program
    header, the multiboot header (flags 0), then code, the entry."""
    magic, flags = 0x1BADB002, 0
    header = struct.pack("<3I", magic, flags, -(magic + flags) & 0xFFFFFFFF)
    ehsize, phsize = 52, 32
    start = ehsize + phsize + len(header)
    size = start + len(code)
    ident = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)  # ELF32, little-endian, version 1
    ehdr = ident + struct.pack("<HHIIIIIHHHHHH", 2, 3, 1, load + start, ehsize, 0, 0,
                               ehsize, phsize, 1, 0, 0, 0)
    phdr = struct.pack("<8I", PT_LOAD, 0, load, load, size, size, 5, PAGE)
    return ehdr + phdr + header + code


def test_a_guest_write_to_the_bios_rom_ends_it_by_name(request, tmp_path):
    """The hole is ROM: reads see the MP table, a write ends the guest."""
    mp_table = 0xF0000
    # mov eax, [0xF0000]; mov [0xF0000], eax; hlt
    code = bytes([0xA1]) + struct.pack("<I", mp_table) + bytes([0xA3]) + \
        struct.pack("<I", mp_table) + bytes([0xF4])
    (tmp_path / "kernel").write_bytes(multiboot_elf(code))
    log = boot(request, tmp_path / "kernel")
    write_rip = 0x100000 + 52 + 32 + 12 + 5
    log.failed(f"guest write of GPA {mp_table:#x} in the BIOS area at RIP {write_rip:#x}: "
               "it is read-only (ROM)")


def _patched(data, at, fmt, value):
    out = bytearray(data)
    struct.pack_into(fmt, out, at, value)
    return bytes(out)


def _bzimage_no_magic(data):
    return _patched(data, 0x202, "<4s", b"XdrS"), \
        'bzImage: no "HdrS" at 0x202: no boot protocol 2.00 or later'


def _bzimage_old_protocol(data):
    return _patched(data, 0x206, "<H", 0x0209), \
        "bzImage: boot protocol 2.09; this loader needs 2.10 or later"


def _bzimage_truncated(data):
    setup = (data[0x1F1] + 1) * 512
    return data[:setup], \
        f"bzImage: setup_sects {data[0x1F1]} put the kernel past the file's end ({setup} bytes)"


def _first_segment_at(data, paddr):
    _, loads = elf_loads(data)
    at, _, _, memsz = loads[0]
    return _patched(data, at + 12, "<I", paddr), memsz


def _multiboot_in_hole(data):
    out, memsz = _first_segment_at(data, 0x9F000)
    return out, f"multiboot segment 0x9f000-{0x9F000 + memsz:#x} overlaps the PC hole"


def _multiboot_past_ram(data):
    paddr = (GUEST_MEM_MIB << 20) - PAGE
    out, memsz = _first_segment_at(data, paddr)
    return out, (f"multiboot segment at {paddr:#x}, {memsz} bytes, lies outside guest RAM "
                 f"({GUEST_MEM_MIB} MiB)")


def _no_kernel(data):
    return data, f"the kernel module ({len(data)} bytes) is no bzImage, ELF64 vmlinux or " \
        "multiboot kernel"


@pytest.mark.parametrize("source, make", [
    (DISK, _no_kernel),
    (BZIMAGE, _bzimage_no_magic),
    (BZIMAGE, _bzimage_old_protocol),
    (BZIMAGE, _bzimage_truncated),
    (MBCHECK, _multiboot_in_hole),
    (MBCHECK, _multiboot_past_ram),
], ids=["no-kernel", "bzimage-no-magic", "bzimage-old-protocol", "bzimage-truncated",
        "multiboot-segment-in-hole", "multiboot-segment-past-ram"])
def test_hostile_kernel_is_refused_by_name(request, tmp_path, source, make):
    image, why = make(source.read_bytes())
    (tmp_path / "kernel").write_bytes(image)
    log = boot(request, tmp_path / "kernel")
    log.has(f"loader: refused: {why}")
    log.lacks("VMLAUNCH: entering the guest")
    log.failed(f"loader: refused: {why}")
