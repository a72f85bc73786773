/* SPDX-License-Identifier: MIT */
/* fw_cfg's traditional I/O interface: selecting an item rewinds it; each
 * data read returns its next byte, little-endian for the numbers; past
 * its end, and for an item that does not exist, reads return 0. */
#include "fw_cfg.h"
#include "exit_log.h"

#define ID_TRADITIONAL 0x1u /* bit 0: the port interface; no DMA */
#define SIGNATURE "QEMU"
#define BYTE_BITS 8
#define SELECTOR_NONE 0xFFFFu

void fw_cfg_reset(struct fw_cfg *f, uint64_t ram_size, uint16_t cpus)
{
    *f = (struct fw_cfg){.selector = SELECTOR_NONE, .ram_size = ram_size, .cpus = cpus};
}

void fw_cfg_write(struct fw_cfg *f, uint16_t port, uint16_t value)
{
    if (port != FW_CFG_SELECTOR_PORT)
        return;
    f->selector = value;
    f->offset = 0;
}

/* The item's bytes: a number of size bytes, or the signature. */
static int item_byte(const struct fw_cfg *f, uint32_t at)
{
    uint64_t value;
    unsigned size;
    switch (f->selector) {
    case FW_CFG_SIGNATURE:
        return at < sizeof SIGNATURE - 1 ? SIGNATURE[at] : -1;
    case FW_CFG_ID: value = ID_TRADITIONAL; size = sizeof(uint32_t); break;
    case FW_CFG_RAM_SIZE: value = f->ram_size; size = sizeof(uint64_t); break;
    case FW_CFG_NB_CPUS: value = f->cpus; size = sizeof(uint16_t); break;
    default: return -1;
    }
    return at < size ? (int)(value >> (BYTE_BITS * at) & 0xFF) : -1;
}

uint8_t fw_cfg_read(struct fw_cfg *f, uint16_t port)
{
    if (port != FW_CFG_DATA_PORT)
        return 0xFF;
    int byte = item_byte(f, f->offset);
    if (byte < 0) {
        f->past_end++;
        exit_log("fw_cfg: read past the end of item 0x%04x (offset %u): reads 0\n",
                 f->selector, f->offset);
        return 0;
    }
    f->offset++;
    return (uint8_t)byte;
}
