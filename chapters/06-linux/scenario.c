/* SPDX-License-Identifier: MIT */
/* The scenarios of this chapter, a row each. Chapter 5's rows were about
 * its own guest and broken VMCS fields; chapter 6 boots a kernel it was
 * not written for, so its one scenario is that boot. */
#include "scenario.h"
#include "kstring.h"
#include "printf.h"
#include "run_end.h"

static const struct scenario scenarios[] = {
    {"normal", "boot the kernel module (bzImage, vmlinux or multiboot) to its end"},
};

const struct scenario *scenario_choose(const char *name)
{
    size_t count = sizeof scenarios / sizeof scenarios[0];
    for (size_t i = 0; i < count; i++)
        if (strcmp(scenarios[i].name, name) == 0)
            return &scenarios[i];
    kprintf("scenarios:\n");
    for (size_t i = 0; i < count; i++)
        kprintf("  %-20s %s\n", scenarios[i].name, scenarios[i].shows);
    run_fail("unknown scenario \"%s\"", name);
}
