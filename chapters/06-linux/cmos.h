/* SPDX-License-Identifier: MIT */
/** @file cmos.h
 *  The PC's RTC and CMOS RAM (Motorola MC146818A data sheet, and the PC's
 *  128-byte variant): an index port and a data port, the clock's
 *  registers in BCD or binary and in 12- or 24-hour format as register B
 *  says, status registers A-D, the rest plain RAM. The time is the host's
 *  real clock read once, then advanced by the guest's own virtual time.
 *  The clock's interrupts (periodic, alarm, update-ended on IRQ 8) are
 *  not emulated: register C never reports one. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define CMOS_INDEX_PORT 0x70
#define CMOS_DATA_PORT 0x71
#define CMOS_SIZE 128
#define CMOS_NMI_DISABLE 0x80 /**< bit 7 of the index port: masks NMI on a PC */

/* The clock's registers. */
enum cmos_register {
    CMOS_SECONDS = 0x00, CMOS_MINUTES = 0x02, CMOS_HOURS = 0x04, CMOS_WEEKDAY = 0x06,
    CMOS_DAY = 0x07, CMOS_MONTH = 0x08, CMOS_YEAR = 0x09, CMOS_STATUS_A = 0x0A,
    CMOS_STATUS_B = 0x0B, CMOS_STATUS_C = 0x0C, CMOS_STATUS_D = 0x0D, CMOS_CENTURY = 0x32,
};
#define CMOS_B_SET 0x80      /**< updates stopped: the time is being set */
#define CMOS_B_BINARY 0x04   /**< DM: binary, else BCD */
#define CMOS_B_24_HOUR 0x02
#define CMOS_HOUR_PM 0x80    /**< in 12-hour format */

struct cmos {
    uint8_t index;
    bool nmi_disabled;        /**< bit 7 of the last index written */
    uint8_t ram[CMOS_SIZE];   /**< the time registers hold the time only while SET */
    int64_t offset;           /**< the time now: offset + the guest's seconds */
    uint32_t index_high;      /**< index writes with bit 7 set */
};

/** Power-on state as a BIOS leaves it (BCD, 24-hour), the time being
 *  seconds since 1970 when the guest's clock reads now_seconds. */
void cmos_reset(struct cmos *c, int64_t seconds, uint64_t now_seconds);
/** An IN from port 0x70 or 0x71. */
uint8_t cmos_read(struct cmos *c, uint16_t port, uint64_t now_seconds);
/** An OUT to port 0x70 or 0x71. */
void cmos_write(struct cmos *c, uint16_t port, uint8_t value, uint64_t now_seconds);
/** The host's own RTC, in seconds since 1970 (an update in progress
 *  waited out). */
int64_t cmos_host_time(void);
