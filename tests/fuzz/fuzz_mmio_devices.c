/* SPDX-License-Identifier: MIT */
/* libFuzzer target: chapter 4's MMIO devices driven as a hostile guest
 * would, through the same callbacks mmio_emulate() calls: the test device,
 * and virtio-console and virtio-blk behind the virtio-mmio transport, with
 * their queues in a guest RAM the input fills. Each 12-byte step is one
 * access: device, direction and size, offset, value. Every access stays
 * inside its device, as mmio_emulate() guarantees (an access across a
 * device's bounds ends the guest there); everything else is the input's.
 * AddressSanitizer and UBSan catch a bad read, write or overflow; every
 * line the devices print must be one line of printable text. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "printf.h"
#include "test_device.h"
#include "virtio_blk.h"
#include "virtio_console.h"

#define RAM_BYTES 0x10000u
#define DISK_BYTES 0x1000u
#define STEP 12

static uint8_t ram[RAM_BYTES];
static uint8_t disk[DISK_BYTES];

/* guest_memory.c's contract: [gpa, gpa + len) all in RAM, else NULL. */
void *guest_ram_map(void *ctx, uint64_t gpa, uint64_t len)
{
    (void)ctx;
    if (gpa > RAM_BYTES || len > RAM_BYTES - gpa)
        return 0;
    return ram + gpa;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned sizes[] = {1, 2, 4, 8};
    struct mmio_device *devices[] = {&test_device, &virtio_console.mmio, &virtio_blk.mmio};
    /* RAM repeats the input, so rings and buffers are the fuzzer's. */
    for (size_t i = 0; i < RAM_BYTES; i++)
        ram[i] = size ? data[i % size] : 0;
    virtio_console_init();
    virtio_blk_init(disk, DISK_BYTES);
    for (size_t at = 0; at + STEP <= size; at += STEP) {
        struct mmio_device *d = devices[data[at] % 3];
        bool write = data[at + 1] & 1;
        unsigned n = sizes[(data[at + 1] >> 1) & 3];
        uint64_t offset;
        uint16_t off16;
        memcpy(&off16, &data[at + 2], sizeof off16);
        offset = off16 % (d->size - n + 1);
        uint64_t value;
        memcpy(&value, &data[at + 4], sizeof value);
        if (write)
            d->write(d, offset, n, value);
        else
            (void)d->read(d, offset, n);
    }
    return 0;
}
