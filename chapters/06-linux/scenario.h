/* SPDX-License-Identifier: MIT */
/** @file scenario.h
 *  What a run does, chosen by scenario=NAME on the multiboot command line.
 *  Chapter 6 has one: boot the kernel module, whatever its format. */
#pragma once

struct scenario {
    const char *name;
    const char *shows; /**< what the scenario demonstrates */
};

/** The scenario called name; an unknown name lists the scenarios and
 *  fails the run. */
const struct scenario *scenario_choose(const char *name);
