/* SPDX-License-Identifier: MIT */
/** @file chapter.h
 *  The seam between common/ and a chapter: boot sets up the machine and
 *  calls chapter_main, which tells the chapter's story and ends the run
 *  with run_pass() or run_fail(). What every chapter does first (its
 *  options checked, its scenario named) is here, so that a chapter's diff
 *  holds only its subject. The build defines CHAPTER_NUMBER for each
 *  chapter's files from its directory name. */
#pragma once
#include <stdint.h>
#include <stdnoreturn.h>
#include "multiboot.h"

/** The longest scenario name, with its NUL. */
#define SCENARIO_MAX 32

noreturn void chapter_main(const struct boot_info *info);

/** Checks the command line's keys against options (NULL-terminated; an
 *  unknown key ends the run naming the closest known one), prints
 *  "stepvisor chapter N: <title> (scenario <name>)" and returns the name
 *  given by scenario=NAME, "normal" without one. */
const char *chapter_start(const struct boot_info *info, unsigned number, const char *title,
                          const char *const options[]);

/** The size given by key=SIZE ("64M"), or fallback without one; a value
 *  that is no size ends the run. */
uint64_t chapter_size_option(const struct boot_info *info, const char *key, uint64_t fallback);
