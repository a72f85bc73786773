/* Emulating one MMIO access: fetch the instruction through the guest's
 * page tables and EPT, decode it, move the data between the register and
 * the device, and step over it. */
#include "mmio.h"
#include "guest_memory.h"
#include "mmio_decode.h"
#include "printf.h"
#include "vmx/access_rights.h"
#include "vmx/vmcs_encodings.h"
#include "vmx/vmx_insn.h"
#include "x86.h"

#define MMIO_MAX_DEVICES 4
#define HIGH_BYTE_SHIFT 8

static struct mmio_device *devices[MMIO_MAX_DEVICES];
static unsigned device_count;

void mmio_register(struct mmio_device *d)
{
    if (device_count < MMIO_MAX_DEVICES)
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

    uint64_t offset = gpa - d->base;
    if (in.is_write) {
        uint64_t value = register_value(v, &in) & size_mask(in.size);
        if (!d->quiet)
            kprintf("mmio: %s +0x%lx: write%u 0x%lx\n", d->name, offset, 8 * in.size, value);
        d->write(d, offset, in.size, value);
    } else {
        uint64_t value = d->read(d, offset, in.size) & size_mask(in.size);
        if (!d->quiet)
            kprintf("mmio: %s +0x%lx: read%u 0x%lx\n", d->name, offset, 8 * in.size, value);
        load_register(v, &in, value);
    }
    vmcs_write(GUEST_RIP, rip + in.length);
    return EXIT_RESUME;
}
