/* SPDX-License-Identifier: MIT */
/* Memory-mapped devices. Chapter 4 fetched and decoded the instruction
 * behind each access (mmio_decode.c); KVM_EXIT_MMIO brings the decoded
 * access, so emulating it is moving up to 8 bytes between the kvm_run
 * page and the device. KVM writes a read's data to the register and steps
 * over the instruction on the next KVM_RUN. */
#include "mmio.h"
#include "exit_log.h"
#include "printf.h"
#include "run_end.h"

#define MMIO_MAX_DEVICES 4
#define BITS_PER_BYTE 8

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

enum exit_action mmio_emulate(struct vcpu *v, struct mmio_device *d, uint64_t gpa,
                              bool is_write)
{
    uint8_t *data = v->run->mmio.data;
    unsigned size = v->run->mmio.len;
    uint64_t offset = gpa - d->base;
    /* An access that runs past the device's end touches bytes it does not
     * own: ended by name, as in chapter 4. */
    if (size == 0 || size > sizeof v->run->mmio.data || offset > d->size - size) {
        kprintf("mmio: the %u-byte access at GPA 0x%lx runs past the end of %s: an access "
                "across a device's bounds is not emulated\n", size, gpa, d->name);
        return vcpu_end(v, false, "MMIO access across the bounds of %s at GPA 0x%lx",
                        d->name, gpa);
    }
    uint64_t value = 0;
    if (is_write) {
        for (unsigned i = 0; i < size; i++)
            value |= (uint64_t)data[i] << (BITS_PER_BYTE * i);
        if (!d->quiet)
            exit_log("mmio: %s +0x%lx: write%u 0x%lx\n", d->name, offset, 8 * size, value);
        d->write(d, offset, size, value);
    } else {
        value = d->read(d, offset, size);
        if (!d->quiet)
            exit_log("mmio: %s +0x%lx: read%u 0x%lx\n", d->name, offset, 8 * size, value);
        for (unsigned i = 0; i < size; i++)
            data[i] = (uint8_t)(value >> (BITS_PER_BYTE * i));
    }
    return EXIT_RESUME;
}
