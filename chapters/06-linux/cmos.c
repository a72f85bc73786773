/* SPDX-License-Identifier: MIT */
/* The RTC/CMOS. The clock is kept as seconds since 1970 (offset plus the
 * guest's seconds of virtual time), and made into the registers when the
 * guest reads them, in the format register B asks for. Setting the time
 * (register B's SET, or a write to a time register) takes the registers
 * back to seconds. Changing the format in register B does not convert
 * what the registers hold, on the chip; here the time stays right and
 * reads in the new format. Dates as seconds ("days from civil", the
 * proleptic Gregorian calendar); a time set before 1970 reads 1970. */
#include "cmos.h"
#include "cpu.h"
#include "exit_log.h"
#include "kstring.h"

#define STATUS_A_RESET 0x26   /* 32.768 kHz time base, 1024 Hz periodic rate */
#define STATUS_A_UIP 0x80     /* never set: the update takes no time here */
#define STATUS_A_WRITABLE 0x7F
#define STATUS_D_VRT 0x80     /* valid RAM and time */
#define SECONDS_PER_DAY 86400
#define DAYS_BEFORE_1970 719468 /* from 0000-03-01, the calendar's origin */
#define DAYS_PER_ERA 146097     /* 400 years */
#define THURSDAY 4              /* 1970-01-01, 0 = Sunday */
#define HOURS_HALF_DAY 12
#define HOUR_MASK_12 0x7F
#define LAST_TIME_REGISTER CMOS_YEAR
#define CENTURY_DEFAULT 20
#define HOST_UIP_WAIT 1000000u

struct date {
    unsigned year, month, day;
};

static unsigned bcd(unsigned v) { return v / 10 * 16 + v % 10; }
static unsigned from_bcd(unsigned v) { return (v >> 4) * 10 + (v & 0xF); }

/* Days since 1970-01-01 of a date, and back (for years from 0 up). */
static int64_t days_from_civil(unsigned year, unsigned month, unsigned day)
{
    int64_t m = month, y = (int64_t)year - (m <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + (int64_t)day - 1;
    return era * DAYS_PER_ERA + yoe * 365 + yoe / 4 - yoe / 100 + doy - DAYS_BEFORE_1970;
}

static void civil_from_days(int64_t z, struct date *t)
{
    z += DAYS_BEFORE_1970;
    int64_t era = z / DAYS_PER_ERA, doe = z - era * DAYS_PER_ERA;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    t->day = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    t->month = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    t->year = (unsigned)(yoe + era * 400 + (t->month <= 2));
}

static bool binary(const struct cmos *c) { return c->ram[CMOS_STATUS_B] & CMOS_B_BINARY; }
static unsigned encode(const struct cmos *c, unsigned v) { return binary(c) ? v : bcd(v); }
static unsigned decode(const struct cmos *c, unsigned v) { return binary(c) ? v : from_bcd(v); }

/* The time registers from seconds since 1970. */
static void store_time(struct cmos *c, int64_t seconds)
{
    struct date t;
    int64_t days = seconds / SECONDS_PER_DAY, rest = seconds % SECONDS_PER_DAY;
    civil_from_days(days, &t);
    unsigned hour = (unsigned)(rest / 3600), pm = 0;
    if (!(c->ram[CMOS_STATUS_B] & CMOS_B_24_HOUR)) {
        pm = hour >= HOURS_HALF_DAY ? CMOS_HOUR_PM : 0;
        hour = hour % HOURS_HALF_DAY ? hour % HOURS_HALF_DAY : HOURS_HALF_DAY;
    }
    c->ram[CMOS_SECONDS] = (uint8_t)encode(c, (unsigned)(rest % 60));
    c->ram[CMOS_MINUTES] = (uint8_t)encode(c, (unsigned)(rest / 60 % 60));
    c->ram[CMOS_HOURS] = (uint8_t)(encode(c, hour) | pm);
    c->ram[CMOS_WEEKDAY] = (uint8_t)encode(c, (unsigned)((days + THURSDAY) % 7 + 1));
    c->ram[CMOS_DAY] = (uint8_t)encode(c, t.day);
    c->ram[CMOS_MONTH] = (uint8_t)encode(c, t.month);
    c->ram[CMOS_YEAR] = (uint8_t)encode(c, t.year % 100);
    c->ram[CMOS_CENTURY] = (uint8_t)bcd(t.year / 100);
}

/* Seconds since 1970 from the time registers; the century from 0x32 (a
 * BCD byte, as a BIOS keeps it). Nonsense dates give nonsense times, as
 * on the chip, but nothing overflows: every field is below 256. */
static int64_t load_time(const struct cmos *c)
{
    unsigned h = c->ram[CMOS_HOURS];
    unsigned hour = decode(c, h & HOUR_MASK_12);
    if (!(c->ram[CMOS_STATUS_B] & CMOS_B_24_HOUR))
        hour = hour % HOURS_HALF_DAY + (h & CMOS_HOUR_PM ? HOURS_HALF_DAY : 0);
    else
        hour = decode(c, h);
    unsigned year = from_bcd(c->ram[CMOS_CENTURY]) * 100 + decode(c, c->ram[CMOS_YEAR]);
    int64_t days = days_from_civil(year, decode(c, c->ram[CMOS_MONTH]),
                                   decode(c, c->ram[CMOS_DAY]));
    int64_t seconds = days * SECONDS_PER_DAY + hour * 3600 +
                      decode(c, c->ram[CMOS_MINUTES]) * 60 + decode(c, c->ram[CMOS_SECONDS]);
    return seconds < 0 ? 0 : seconds; /* before 1970: 1970 */
}

void cmos_reset(struct cmos *c, int64_t seconds, uint64_t now_seconds)
{
    memset(c, 0, sizeof *c);
    c->ram[CMOS_STATUS_A] = STATUS_A_RESET;
    c->ram[CMOS_STATUS_B] = CMOS_B_24_HOUR;
    c->ram[CMOS_STATUS_D] = STATUS_D_VRT;
    c->offset = seconds - (int64_t)now_seconds;
}

static bool is_time_register(uint8_t i)
{
    return i <= LAST_TIME_REGISTER && i != 1 && i != 3 && i != 5; /* not the alarms */
}

uint8_t cmos_read(struct cmos *c, uint16_t port, uint64_t now_seconds)
{
    if (port == CMOS_INDEX_PORT)
        return 0xFF; /* write-only */
    uint8_t i = c->index;
    if ((is_time_register(i) || i == CMOS_CENTURY) && !(c->ram[CMOS_STATUS_B] & CMOS_B_SET))
        store_time(c, c->offset + (int64_t)now_seconds);
    return c->ram[i];
}

void cmos_write(struct cmos *c, uint16_t port, uint8_t value, uint64_t now_seconds)
{
    int64_t now = c->offset + (int64_t)now_seconds;
    if (port == CMOS_INDEX_PORT) {
        /* Bit 7 is not part of the index: on a PC it masks NMI. */
        c->nmi_disabled = value & CMOS_NMI_DISABLE;
        c->index = value & (CMOS_SIZE - 1);
        if (value & CMOS_NMI_DISABLE && ++c->index_high)
            exit_log("cmos: index 0x%02x: bit 7 disables NMI, the register is 0x%02x\n",
                     value, c->index);
        return;
    }
    uint8_t i = c->index;
    bool set = c->ram[CMOS_STATUS_B] & CMOS_B_SET;
    switch (i) {
    case CMOS_STATUS_A:
        c->ram[i] = value & STATUS_A_WRITABLE;
        return;
    case CMOS_STATUS_B:
        if (set && !(value & CMOS_B_SET)) /* the clock runs again, from the fields */
            c->offset = load_time(c) - (int64_t)now_seconds;
        c->ram[i] = value;
        if (!set && (value & CMOS_B_SET))
            store_time(c, now); /* updates stop: the fields hold the time */
        return;
    case CMOS_STATUS_C:
    case CMOS_STATUS_D:
        return; /* read-only */
    default:
        break;
    }
    if (!(is_time_register(i) || i == CMOS_CENTURY) || set) {
        c->ram[i] = value;
        return;
    }
    store_time(c, now); /* a running clock takes the new field at once */
    c->ram[i] = value;
    c->offset = load_time(c) - (int64_t)now_seconds;
}

static uint8_t host_register(uint8_t i)
{
    outb(CMOS_INDEX_PORT, i);
    return inb(CMOS_DATA_PORT);
}

int64_t cmos_host_time(void)
{
    for (unsigned n = 0; n < HOST_UIP_WAIT && (host_register(CMOS_STATUS_A) & STATUS_A_UIP); n++)
        ;
    struct cmos host = {0};
    for (uint8_t i = 0; i <= LAST_TIME_REGISTER; i++)
        host.ram[i] = host_register(i);
    host.ram[CMOS_STATUS_B] = host_register(CMOS_STATUS_B);
    host.ram[CMOS_CENTURY] = host_register(CMOS_CENTURY);
    if (!host.ram[CMOS_CENTURY])
        host.ram[CMOS_CENTURY] = (uint8_t)bcd(CENTURY_DEFAULT);
    return load_time(&host);
}
