// sources: chapters/06-linux/fw_cfg.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of chapter 6's fw_cfg (QEMU's docs/specs/fw_cfg.rst,
 * the I/O port interface): the signature, the interface ID, the CPU count
 * and the RAM size, little-endian, and reads past an item's end or of an
 * item that does not exist, which read 0 and are logged. */
#include <stdarg.h>
#include <stdint.h>

#include "check.h"
#include "fw_cfg.h"

static int logged;
void exit_log(const char *fmt, ...)
{
    (void)fmt;
    logged++;
}

static void test_fw_cfg(void)
{
    struct fw_cfg f;
    uint8_t b[8];
    fw_cfg_reset(&f, 0x20000000, 1);
    fw_cfg_write(&f, FW_CFG_SELECTOR_PORT, FW_CFG_SIGNATURE);
    for (unsigned i = 0; i < 4; i++)
        b[i] = fw_cfg_read(&f, FW_CFG_DATA_PORT);
    CHECK(memcmp(b, "QEMU", 4) == 0);
    logged = 0;
    CHECK_EQ_U64(fw_cfg_read(&f, FW_CFG_DATA_PORT), 0);      /* past the end */
    CHECK_EQ_U64(f.past_end, 1);
    CHECK_EQ_U64(logged, 1);
    fw_cfg_write(&f, FW_CFG_SELECTOR_PORT, FW_CFG_ID);
    CHECK_EQ_U64(fw_cfg_read(&f, FW_CFG_DATA_PORT), 1);      /* the port interface */
    fw_cfg_write(&f, FW_CFG_SELECTOR_PORT, FW_CFG_NB_CPUS);
    CHECK_EQ_U64(fw_cfg_read(&f, FW_CFG_DATA_PORT), 1);
    CHECK_EQ_U64(fw_cfg_read(&f, FW_CFG_DATA_PORT), 0);
    fw_cfg_write(&f, FW_CFG_SELECTOR_PORT, FW_CFG_RAM_SIZE);
    uint64_t ram = 0;
    for (unsigned i = 0; i < 8; i++)
        ram |= (uint64_t)fw_cfg_read(&f, FW_CFG_DATA_PORT) << (8 * i);
    CHECK_EQ_U64(ram, 0x20000000);
    CHECK_EQ_U64(f.past_end, 1);
    fw_cfg_write(&f, FW_CFG_SELECTOR_PORT, 0x1234);          /* no such item */
    CHECK_EQ_U64(fw_cfg_read(&f, FW_CFG_DATA_PORT), 0);
    CHECK_EQ_U64(f.past_end, 2);
    CHECK_EQ_U64(fw_cfg_read(&f, FW_CFG_SELECTOR_PORT), 0xFF);
}

int main(void)
{
    test_fw_cfg();
    return CHECK_DONE("test_fw_cfg");
}
