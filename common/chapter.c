/* SPDX-License-Identifier: MIT */
/* The start every chapter shares: options, scenario name, the title line. */
#include "chapter.h"
#include "cmdline.h"
#include "printf.h"
#include "run_end.h"

/** Room for a size such as "64M" or "4294967296". */
#define SIZE_TEXT_MAX 24

const char *chapter_start(const struct boot_info *info, unsigned number, const char *title,
                          const char *const options[])
{
    static char name[SCENARIO_MAX] = "normal";
    char key[CMDLINE_KEY_MAX + 1];
    const char *closest = cmdline_unknown(info->cmdline, options, key, sizeof key);
    if (closest)
        run_fail("unknown option \"%s\" (did you mean \"%s\"?)", key, closest);
    if (cmdline_has(info->cmdline, "scenario") &&
        !cmdline_get(info->cmdline, "scenario", name, sizeof name))
        run_fail("scenario name too long: at most %d characters", SCENARIO_MAX - 1);
    kprintf("stepvisor chapter %u: %s (scenario %s)\n", number, title, name);
    return name;
}

uint64_t chapter_size_option(const struct boot_info *info, const char *key, uint64_t fallback)
{
    char text[SIZE_TEXT_MAX];
    uint64_t size = fallback;
    if (cmdline_has(info->cmdline, key) &&
        (!cmdline_get(info->cmdline, key, text, sizeof text) || !parse_size(text, &size)))
        run_fail("%s= wants a size such as 64M", key);
    return size;
}
