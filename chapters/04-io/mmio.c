/* SPDX-License-Identifier: MIT */
/* Emulating one MMIO access: fetch the instruction through the guest's
 * page tables and EPT, decode it, move the data between the register and
 * the device, and step over it. */
#include "mmio.h"
#include "exit_log.h"
#include "guest_memory.h"
#include "mmio_decode.h"
#include "printf.h"
#include "vmx/access_rights.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_controls.h"
#include "vmx/vmx_insn.h"
#include "x86.h"
#include "run_end.h"

#define MMIO_MAX_DEVICES 4
#define HIGH_BYTE_SHIFT 8
#define LOW_32_BITS 0xFFFFFFFFull

static struct mmio_device *devices[MMIO_MAX_DEVICES];
static unsigned device_count;

void mmio_register(struct mmio_device *d)
{
    /* A device left out would turn its accesses into unexpected exits far
     * from the cause: refuse here, by name. */
    if (device_count == MMIO_MAX_DEVICES)
        run_fail("mmio: no room for %s: %u MMIO devices at most", d->name, MMIO_MAX_DEVICES);
    devices[device_count++] = d;
}

struct mmio_device *mmio_find(uint64_t gpa)
{
    for (unsigned i = 0; i < device_count; i++)
        if (gpa >= devices[i]->base && gpa - devices[i]->base < devices[i]->size)
            return devices[i];
    return 0;
}

static uint64_t size_mask(unsigned size)
{
    return size == 8 ? ~0ull : (1ull << (8 * size)) - 1;
}

static uint64_t register_value(const struct vcpu *v, const struct mmio_insn *in)
{
    if (in->has_immediate)
        return in->immediate;
    if (in->high_byte)
        return vcpu_gpr_read(v, in->reg - 4) >> HIGH_BYTE_SHIFT;
    return vcpu_gpr_read(v, in->reg);
}

/* A load writes the register as the CPU would: 8- and 16-bit loads keep
 * the rest of it, 32-bit loads zero bits 63:32. */
static void load_register(struct vcpu *v, const struct mmio_insn *in, uint64_t value)
{
    if (in->high_byte) {
        unsigned reg = in->reg - 4;
        uint64_t old = vcpu_gpr_read(v, reg) & ~(0xFFull << HIGH_BYTE_SHIFT);
        vcpu_gpr_write(v, reg, old | (value & 0xFF) << HIGH_BYTE_SHIFT);
        return;
    }
    uint64_t old = vcpu_gpr_read(v, in->reg);
    if (in->dest_size < 4)
        value = (old & ~size_mask(in->dest_size)) | (value & size_mask(in->dest_size));
    vcpu_gpr_write(v, in->reg, value);
}

static bool guest_in_64bit_mode(void)
{
    return (vmcs_read(GUEST_IA32_EFER) & EFER_LMA) &&
           (vmcs_read(GUEST_CS_ACCESS_RIGHTS) & AR_L);
}

/* The linear address of the instruction's memory operand, as the CPU forms
 * it; the arithmetic wraps modulo 2^64 (or 2^32), as the CPU's does. */
static uint64_t operand_address(const struct vcpu *v, const struct mmio_insn *in,
                                uint64_t next_rip)
{
    uint64_t a = (uint64_t)in->displacement;
    if (in->base == MMIO_BASE_RIP)
        a += next_rip;
    else if (in->base != MMIO_NO_REGISTER)
        a += vcpu_gpr_read(v, (unsigned)in->base);
    if (in->index != MMIO_NO_REGISTER)
        a += vcpu_gpr_read(v, (unsigned)in->index) * in->scale;
    if (in->address_32)
        a &= LOW_32_BITS;
    if (in->segment == MMIO_PREFIX_FS)
        a += vmcs_read(GUEST_FS_BASE);
    else if (in->segment == MMIO_PREFIX_GS)
        a += vmcs_read(GUEST_GS_BASE);
    return a;
}

/* The EPT violation names the first byte that faulted; an access that
 * starts in RAM or another page and runs into the device, or that runs
 * past the device's end, touches bytes the device does not own. The CPU
 * would split it; this hypervisor ends the guest by name instead. */
static const char *straddles(const struct vcpu *v, const struct mmio_device *d, uint64_t gpa,
                             const struct mmio_insn *in, uint64_t next_rip)
{
    uint64_t q = vmcs_read(EXIT_QUALIFICATION);
    if ((q & EPT_QUAL_GUEST_LINEAR_ADDRESS_VALID) &&
        operand_address(v, in, next_rip) != vmcs_read(GUEST_LINEAR_ADDRESS))
        return "starts outside";
    if (gpa - d->base > d->size - in->size)
        return "runs past the end of";
    return 0;
}

enum exit_action mmio_emulate(struct vcpu *v, struct mmio_device *d, uint64_t gpa,
                              bool is_write)
{
    uint64_t rip = vmcs_read(GUEST_RIP);
    uint8_t bytes[X86_MAX_INSTRUCTION_LENGTH];
    size_t avail = 0;
    while (avail < sizeof bytes && guest_read(rip + avail, &bytes[avail], 1))
        avail++;

    struct mmio_insn in;
    if (!guest_in_64bit_mode() || !mmio_decode(bytes, avail, &in) || in.is_write != is_write) {
        kprintf("mmio: cannot emulate the instruction at RIP 0x%lx touching %s at GPA "
                "0x%lx; bytes at RIP:", rip, d->name, gpa);
        for (size_t i = 0; i < avail && i < 8; i++)
            kprintf(" %02x", bytes[i]);
        kprintf("\n");
        return vcpu_end(v, false, "unsupported MMIO instruction at RIP 0x%lx", rip);
    }

    const char *why = straddles(v, d, gpa, &in, rip + in.length);
    if (why) {
        kprintf("mmio: the %u-byte access at RIP 0x%lx (GPA 0x%lx) %s %s: an access "
                "across a device's bounds is not emulated\n", in.size, rip, gpa, why, d->name);
        return vcpu_end(v, false, "MMIO access across the bounds of %s at RIP 0x%lx",
                        d->name, rip);
    }
    uint64_t offset = gpa - d->base;
    if (in.is_write) {
        uint64_t value = register_value(v, &in) & size_mask(in.size);
        if (!d->quiet)
            exit_log("mmio: %s +0x%lx: write%u 0x%lx\n", d->name, offset, 8 * in.size, value);
        d->write(d, offset, in.size, value);
    } else {
        uint64_t value = d->read(d, offset, in.size) & size_mask(in.size);
        if (!d->quiet)
            exit_log("mmio: %s +0x%lx: read%u 0x%lx\n", d->name, offset, 8 * in.size, value);
        load_register(v, &in, value);
    }
    vmcs_write(GUEST_RIP, rip + in.length);
    return EXIT_RESUME;
}
