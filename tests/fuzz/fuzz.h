/* SPDX-License-Identifier: MIT */
/* What the fuzz targets share: an invariant that crashes the run where it
 * fails, so that libFuzzer keeps the input. */
#pragma once

#define REQUIRE(cond)            \
    do {                         \
        if (!(cond))             \
            __builtin_trap();    \
    } while (0)
