/* SPDX-License-Identifier: MIT */
/* KVM_EXIT_MMIO: the guest touched a guest-physical address that no
 * memory slot holds. Chapter 4 got an EPT violation and had to fetch and
 * decode the instruction to learn what it did; KVM has decoded it already
 * (its instruction emulator) and hands over the address, the length, the
 * direction and the data. A device's window is emulated; anything else is
 * outside guest RAM and ends the guest, as in chapter 4. */
#include "exits.h"
#include "mmio.h"
#include "printf.h"

enum exit_action handle_mmio(struct vcpu *v)
{
    uint64_t gpa = v->run->mmio.phys_addr;
    bool is_write = v->run->mmio.is_write;
    /* LAB kvm-mmio (25 points): find the device whose window holds the
     * address and let it emulate the access (chapter 4's mmio.c does the
     * rest); only an address no device claims goes on to end the guest.
     * Graded by: test_ch07_kvm.py::test_chapter_4s_guest_runs_with_the_same_text,
     *   test_ch07_kvm.py::test_exits_per_kib_are_chapter_4s
     * Student stub:
     *     run_fail("lab kvm-mmio is not done yet");
     */
    struct mmio_device *d = mmio_find(gpa);
    if (d)
        return mmio_emulate(v, d, gpa, is_write);
    /* END LAB kvm-mmio */
    kprintf("KVM_EXIT_MMIO: guest %s of GPA 0x%lx, outside guest RAM and every device\n",
            is_write ? "write" : "read", gpa);
    vcpu_dump_registers(v);
    return vcpu_end(v, false, "guest %s of GPA 0x%lx outside its memory (KVM_EXIT_MMIO)",
                    is_write ? "write" : "read", gpa);
}
