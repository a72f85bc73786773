/* SPDX-License-Identifier: MIT */
/* EPT violations: the guest touched a guest-physical address that EPT does
 * not map, or maps without the access it tried ("EPT Violations"; the exit
 * qualification is in "Exit Qualification for EPT Violations"). Here that
 * means either a device's MMIO window, which is emulated, or an address
 * outside guest RAM, which ends the guest. */
#include "exits.h"
#include "bios_area.h"
#include "mmio.h"
#include "printf.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

static const char *access_name(uint64_t q)
{
    if (q & EPT_QUAL_INSTRUCTION_FETCH)
        return "instruction fetch";
    return (q & EPT_QUAL_DATA_WRITE) ? "write" : "read";
}

enum exit_action handle_ept_violation(struct vcpu *v)
{
    if (vcpu_exit_interrupted_event(v, EXIT_REASON_EPT_VIOLATION))
        return EXIT_GUEST_DONE;
    uint64_t q = vmcs_read(EXIT_QUALIFICATION);
    uint64_t gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
    /* LAB ept-violation (40 points): a data access (not an instruction
     * fetch) to a device's MMIO window is emulated: find the device and
     * let mmio_emulate() decode and perform the access. Anything else
     * falls through to ending the guest below.
     * Graded by: test_ch03_ept.py::test_real_mode_to_long_mode_with_memory_and_mmio,
     *   test_ch03_ept.py::test_read_above_guest_ram_is_an_ept_violation
     * Student stub:
     *     run_fail("lab ept-violation is not done yet");
     */
    struct mmio_device *d = mmio_find(gpa);
    if (d && !(q & EPT_QUAL_INSTRUCTION_FETCH))
        return mmio_emulate(v, d, gpa, q & EPT_QUAL_DATA_WRITE);
    /* END LAB ept-violation */

    uint64_t rip = vmcs_read(GUEST_RIP);
    if ((q & EPT_QUAL_DATA_WRITE) && bios_area_contains(gpa))
        return vcpu_end(v, false, "guest write of GPA 0x%lx in the BIOS area at RIP 0x%lx: it "
                        "is read-only (ROM)", gpa, rip);
    kprintf("EPT violation: guest %s of GPA 0x%lx, outside guest RAM and every device; ",
            access_name(q), gpa);
    if (q & EPT_QUAL_GUEST_LINEAR_ADDRESS_VALID)
        kprintf("guest linear address 0x%lx, ", vmcs_read(GUEST_LINEAR_ADDRESS));
    kprintf("guest RIP 0x%lx, exit qualification 0x%lx\n", rip, q);
    return vcpu_end(v, false, "guest %s of GPA 0x%lx outside its memory (EPT violation)",
                    access_name(q), gpa);
}

enum exit_action handle_ept_misconfiguration(struct vcpu *v)
{
    if (vcpu_exit_interrupted_event(v, EXIT_REASON_EPT_MISCONFIGURATION))
        return EXIT_GUEST_DONE;
    uint64_t gpa = vmcs_read(GUEST_PHYSICAL_ADDRESS);
    kprintf("EPT misconfiguration at GPA 0x%lx: an EPT entry the CPU cannot use "
            "(reserved bits or a bad memory type): a hypervisor bug\n", gpa);
    vcpu_dump_registers(v);
    return vcpu_end(v, false, "EPT misconfiguration at GPA 0x%lx", gpa);
}
