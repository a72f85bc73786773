/* SPDX-License-Identifier: MIT */
/* The test device is a little-endian byte array of registers, so that 8-,
 * 16-, 32- and 64-bit accesses at any offset behave as on real hardware.
 * Past the registers it reads all ones and ignores writes, like an
 * unclaimed bus address. */
#include "test_device.h"

#define REGISTER_BYTES 0x18

static uint8_t regs[REGISTER_BYTES];
static uint64_t accesses;

static void set_le(uint64_t offset, unsigned size, uint64_t value)
{
    for (unsigned i = 0; i < size; i++)
        regs[offset + i] = (uint8_t)(value >> (8 * i));
}

static uint64_t get_le(uint64_t offset, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint64_t)regs[offset + i] << (8 * i);
    return v;
}

static uint64_t device_read(struct mmio_device *d, uint64_t offset, unsigned size)
{
    (void)d;
    accesses++;
    set_le(TEST_DEVICE_ID, 4, TEST_DEVICE_ID_VALUE);
    set_le(TEST_DEVICE_VERSION, 4, TEST_DEVICE_VERSION_VALUE);
    set_le(TEST_DEVICE_ACCESSES, 8, accesses);
    if (offset + size > REGISTER_BYTES)
        return ~0ull;
    return get_le(offset, size);
}

static void device_write(struct mmio_device *d, uint64_t offset, unsigned size, uint64_t value)
{
    (void)d;
    accesses++;
    /* Only the scratch register takes writes. */
    if (offset >= TEST_DEVICE_SCRATCH && offset + size <= TEST_DEVICE_SCRATCH + 8)
        set_le(offset, size, value);
}

struct mmio_device test_device = {
    .name = "test device",
    .base = TEST_DEVICE_BASE,
    .size = TEST_DEVICE_SIZE,
    .read = device_read,
    .write = device_write,
};
