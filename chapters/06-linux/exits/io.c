/* SPDX-License-Identifier: MIT */
/* I/O instructions. Both I/O bitmaps are all ones, so every port exits;
 * "Exit Qualification for I/O Instructions" says which port, which way,
 * how wide. The PC's port map (pc_ports.c) says which device answers,
 * never the host's; a port with no device reads as all ones, ignores
 * writes, and is counted. A write that asks for the machine's end (a
 * reset, the debug exit) ends the guest after the instruction. */
#include "exits.h"
#include "pc_ports.h"
#include "printf.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"

#define ALL_ONES 0xFFFFFFFFu

uint64_t io_unclaimed_accesses(void)
{
    return pc_ports_unclaimed();
}

enum exit_action handle_io(struct vcpu *v)
{
    uint64_t q = vmcs_read(EXIT_QUALIFICATION);
    unsigned size = (q & IO_QUAL_SIZE_MASK) + 1; /* 1, 2 or 4 bytes */
    uint16_t port = (uint16_t)((q & IO_QUAL_PORT_MASK) >> IO_QUAL_PORT_SHIFT);
    uint32_t mask = size == 4 ? ALL_ONES : (1u << (8 * size)) - 1;

    if (q & IO_QUAL_STRING) {
        kprintf("io: string I/O (INS/OUTS) at port 0x%x is not emulated here\n", port);
        return vcpu_end(v, false, "string I/O to port 0x%x is not emulated", port);
    }
    if (q & IO_QUAL_DIRECTION_IN) {
        uint64_t value = pc_port_in(port, size) & mask;
        /* IN to AL or AX keeps the rest of RAX; IN to EAX zeroes bits 63:32. */
        uint64_t rax = size == 4 ? 0 : v->gpr[GPR_RAX] & ~(uint64_t)mask;
        v->gpr[GPR_RAX] = rax | value;
    } else {
        pc_port_out(port, size, (uint32_t)v->gpr[GPR_RAX] & mask);
    }
    vcpu_skip_instruction();
    if (pc_end.requested)
        return vcpu_end(v, pc_end.ok, "%s", pc_end.why);
    return EXIT_RESUME;
}
