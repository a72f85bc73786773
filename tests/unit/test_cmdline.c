// sources: common/cmdline.c
/* SPDX-License-Identifier: MIT */
/* Host-side checks of the command-line options: cmdline_get's key=value
 * words and parse_size's "64M". The host's libc stands in for
 * common/string.c. */
#include <stdbool.h>
#include <stdint.h>

#include "check.h"
#include "cmdline.h"

#define VALUE_MAX 32
static char value[VALUE_MAX];

/* cmdline_get finds key in cmdline with exactly this value. */
#define GETS(cmdline, key, want)                                             \
    do {                                                                     \
        memset(value, '#', sizeof value);                                    \
        CHECK(cmdline_get((cmdline), (key), value, sizeof value));           \
        CHECK_STR(value, (want));                                            \
    } while (0)

/* cmdline_get does not find key, and leaves the buffer as it was (the
 * caller's default stays). */
#define LACKS(cmdline, key)                                                  \
    do {                                                                     \
        strcpy(value, "default");                                            \
        CHECK(!cmdline_get((cmdline), (key), value, sizeof value));          \
        CHECK_STR(value, "default");                                         \
    } while (0)

static void lookups(void)
{
    GETS("scenario=x", "scenario", "x");
    GETS("/boot/stepvisor.elf scenario=x", "scenario", "x");
    GETS("scenario=first other=2", "scenario", "first");
    GETS("a=1 b=2 scenario=last", "scenario", "last");
    GETS("a=1   scenario=y   b=2", "scenario", "y");
    GETS("scenario=triple-fault guest_mem=64M", "guest_mem", "64M");
    /* A key that ends another key, or starts it. */
    GETS("myscenario=a scenario=b", "scenario", "b");
    GETS("scenario_x=1 scenario=2", "scenario", "2");
    GETS("scenario=a myscenario=b", "myscenario", "b");
    /* The value runs to the next space and may hold '=' or '/'. */
    GETS("disk=/boot/disk.img opt=a=b", "opt", "a=b");
    GETS("disk=/boot/disk.img opt=a=b", "disk", "/boot/disk.img");
    /* An empty value is a value. */
    GETS("scenario= next=1", "scenario", "");
    GETS("a=1 scenario=", "scenario", "");

    LACKS("", "scenario");
    LACKS("/boot/stepvisor.elf", "scenario");
    LACKS("scenario", "scenario");
    LACKS("scenario x=1", "scenario");
    LACKS("other=1 scen=2", "scenario");
    LACKS("myscenario=a", "scenario");
    LACKS("opt=scenario=x", "scenario");           /* inside a value */
    LACKS("/boot/scenario=x/stepvisor.elf", "scenario"); /* inside a path */
}

static void value_sizes(void)
{
    char small[4];
    CHECK(cmdline_get("scenario=abc", "scenario", small, sizeof small));
    CHECK_STR(small, "abc");
    CHECK(!cmdline_get("scenario=abcd", "scenario", small, sizeof small));
    CHECK(!cmdline_get("scenario=abcd x=1", "scenario", small, sizeof small));
    CHECK(!cmdline_get("scenario=", "scenario", small, 0));
    CHECK(cmdline_get("scenario= x", "scenario", small, 1));
    CHECK_STR(small, "");
    /* 31 characters fill the 32-byte buffer; 32 do not fit. */
    GETS("k=0123456789012345678901234567890", "k",
         "0123456789012345678901234567890");
    CHECK(!cmdline_get("k=01234567890123456789012345678901", "k", value,
                       sizeof value));
}

/* parse_size accepts text as exactly this many bytes. */
#define SIZE_IS(text, want)                                                  \
    do {                                                                     \
        uint64_t bytes_ = 0xdeadbeef;                                        \
        CHECK(parse_size((text), &bytes_));                                  \
        CHECK_EQ_U64(bytes_, (want));                                        \
    } while (0)

/* parse_size refuses text; if it does not, shows what it made of it. */
#define NOT_A_SIZE(text)                                                     \
    do {                                                                     \
        uint64_t bytes_ = 0xdeadbeef;                                        \
        if (check_at(!parse_size((text), &bytes_), __FILE__, __LINE__,       \
                     "parse_size(" #text ") is false"))                      \
            check_end(": it gave %llu\n", (unsigned long long)bytes_);       \
    } while (0)

static void sizes(void)
{
    SIZE_IS("64M", 64ull << 20);
    SIZE_IS("1G", 1ull << 30);
    SIZE_IS("16K", 16ull << 10);
    SIZE_IS("4096", 4096);
    SIZE_IS("0", 0);
    SIZE_IS("0K", 0);
    SIZE_IS("007", 7);
    SIZE_IS("18446744073709551615", UINT64_MAX);
    SIZE_IS("17179869183G", 17179869183ull << 30); /* the largest in G */
}

static void not_sizes(void)
{
    NOT_A_SIZE("");
    NOT_A_SIZE("M");
    NOT_A_SIZE("12Q");
    NOT_A_SIZE("64MB");
    NOT_A_SIZE("64 M");
    NOT_A_SIZE(" 64M");
    NOT_A_SIZE("-1");
    NOT_A_SIZE("+1");
    NOT_A_SIZE("0x10");
    NOT_A_SIZE("1.5G");
    NOT_A_SIZE("99999999999999999999");
    NOT_A_SIZE("184467440737095516150");
    NOT_A_SIZE("17179869184G"); /* 2^64 */
    NOT_A_SIZE("17592186044416M");
    NOT_A_SIZE("18014398509481984K");
}

/* Once a bug, now fixed: twenty digits just above UINT64_MAX must not
 * wrap around. */
static void edge_cases(void)
{
    /* Twenty digits just above UINT64_MAX pass the overflow check and
     * wrap: 2^64 parses as 0, 2^64 + 1 as 1. */
    NOT_A_SIZE("18446744073709551616");
    NOT_A_SIZE("18446744073709551617");
    NOT_A_SIZE("18446744073709551616K");
}

/* cmdline_unknown names the first key not in known and its closest known
 * key by edit distance; NULL when every key is known. */
#define UNKNOWN(cmdline, want_key, want_closest)                               \
    do {                                                                     \
        const char *closest = cmdline_unknown((cmdline), known, value, sizeof value); \
        CHECK(closest != 0);                                                 \
        if (closest) {                                                       \
            CHECK_STR(closest, (want_closest));                              \
            CHECK_STR(value, (want_key));                                    \
        }                                                                    \
    } while (0)

static void unknown_keys(void)
{
    static const char *const known[] = {"scenario", "guest_mem", 0};
    CHECK(cmdline_unknown("", known, value, sizeof value) == 0);
    CHECK(cmdline_unknown("scenario=hang guest_mem=6M", known, value, sizeof value) == 0);
    CHECK(cmdline_unknown("  scenario=hang  ", known, value, sizeof value) == 0);
    CHECK(cmdline_unknown("/boot/stepvisor.elf scenario=x", known, value, sizeof value) == 0);
    UNKNOWN("scenaro=hang", "scenaro", "scenario");
    UNKNOWN("scenario=hang guestmem=6M", "guestmem", "guest_mem");
    UNKNOWN("scenario=a quiet", "quiet", "guest_mem");
    UNKNOWN("=x", "", "scenario");
    UNKNOWN("guest_mem=1M scenario_=x", "scenario_", "scenario");
    /* A key longer than the buffer is cut; the distance still works. */
    UNKNOWN("scenarioscenarioscenarioscenarioscenarioscenario=1",
            "scenarioscenarioscenarioscenari", "scenario");
}

int main(void)
{
    unknown_keys();
    lookups();
    value_sizes();
    sizes();
    not_sizes();
    edge_cases();
    return CHECK_DONE("test_cmdline");
}
