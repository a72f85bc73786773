/* SPDX-License-Identifier: MIT */
/** @file fw_cfg.h
 *  QEMU's firmware configuration device, the I/O port interface test
 *  kernels rely on (QEMU's docs/specs/fw_cfg.rst): a 16-bit selector at
 *  0x510 picks an item, the data port 0x511 reads it a byte at a time.
 *  Items: the signature "QEMU", the interface ID, the RAM size and the
 *  number of CPUs. */
#pragma once
#include <stdint.h>

#define FW_CFG_SELECTOR_PORT 0x510
#define FW_CFG_DATA_PORT 0x511

#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_ID 0x01
#define FW_CFG_RAM_SIZE 0x03
#define FW_CFG_NB_CPUS 0x05

struct fw_cfg {
    uint16_t selector;
    uint32_t offset;         /**< the next byte of the item */
    uint64_t ram_size;
    uint16_t cpus;
    uint32_t past_end;       /**< reads past an item's end (or of no item) */
};

void fw_cfg_reset(struct fw_cfg *f, uint64_t ram_size, uint16_t cpus);
/** A write to the selector (an 8- or 16-bit OUT; the data port is
 *  read-only in this interface). */
void fw_cfg_write(struct fw_cfg *f, uint16_t port, uint16_t value);
/** A byte IN from the data port (the selector port reads all ones). */
uint8_t fw_cfg_read(struct fw_cfg *f, uint16_t port);
