/* SPDX-License-Identifier: MIT */
/** @file cmdline.h
 *  Options on the multiboot command line, as space-separated key=value
 *  words: "scenario=triple-fault guest_mem=64M". */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Copies the value of key into value (NUL-terminated); false if absent or
 *  too long for size. */
bool cmdline_get(const char *cmdline, const char *key, char *value, size_t size);

/** True if key=... is on the command line, whatever its length. */
bool cmdline_has(const char *cmdline, const char *key);

/** Parses a size such as "64M", "1G", "4096" or "16K" into bytes; false if
 *  it is not one. */
bool parse_size(const char *text, uint64_t *bytes);

/** The longest key cmdline_unknown() compares in full. */
#define CMDLINE_KEY_MAX 32

/** Checks every word of cmdline against known (NULL-terminated, at least
 *  one key). For the first key not in it, copies the key (cut to size)
 *  into key and returns the known key closest to it by edit distance;
 *  NULL if all are known. */
const char *cmdline_unknown(const char *cmdline, const char *const known[], char *key,
                            size_t size);
