/** @file chapter.h
 *  The seam between common/ and a chapter: boot sets up the machine and
 *  calls chapter_main, which tells the chapter's story and ends the run
 *  with run_pass() or run_fail(). */
#pragma once
#include <stdnoreturn.h>
#include "multiboot.h"

noreturn void chapter_main(const struct boot_info *info);
